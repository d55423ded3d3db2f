package dev.smtplab.client.command;

import dev.smtplab.client.Main;
import dev.smtplab.client.protocol.AuthMechanism;
import dev.smtplab.client.send.SendOptions;
import dev.smtplab.client.send.Stage;
import dev.smtplab.client.send.TlsMode;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * send's options and the ones it shares with session and diagnose are declared in code, not by
 * annotations: every one lands in its field, with the defaults, groups and checks the annotations gave.
 */
class CodeOptionsTest {
    private static SendCommand parsedSend(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "send";
        System.arraycopy(args, 0, all, 1, args.length);
        CommandLine root = Main.commandLine(all);
        root.parseArgs(all);
        return (SendCommand) root.getSubcommands().get("send").getCommand();
    }

    @Test
    void every_send_option_lands_in_its_field(@org.junit.jupiter.api.io.TempDir Path folder) throws Exception {
        Path attachment = Files.writeString(folder.resolve("a.txt"), "attached", StandardCharsets.UTF_8);
        Path ca = Files.writeString(folder.resolve("ca.pem"), "not read here", StandardCharsets.UTF_8);
        SendOptions options = parsedSend("--server", "mail.example.test:2525", "--helo", "client.example.test",
                "--from", "a@example.test", "--to", "b@example.test", "--to", "c@example.test", "--cc", "d@example.test",
                "--bcc", "e@example.test", "--subject", "Hello", "--body", "Body text", "--header", "X-Test: 1",
                "--attach", attachment.toString(), "--starttls", "--auth-user", "alice", "--auth-password", "secret",
                "--auth-mech", "cram-md5", "--show-secrets", "--timeout-connect", "3", "--timeout-reply", "4",
                "--ca-file", ca.toString(), "--insecure", "--data-dir", folder.toString()).options();

        assertThat(options.host()).isEqualTo("mail.example.test");
        assertThat(options.port()).isEqualTo(2525);
        assertThat(options.helo()).isEqualTo("client.example.test");
        assertThat(options.from()).isEqualTo("a@example.test");
        assertThat(options.recipients()).containsExactly("b@example.test", "c@example.test", "d@example.test",
                "e@example.test");
        assertThat(new String(options.message(), StandardCharsets.UTF_8))
                .contains("Subject: Hello", "X-Test: 1", "Body text", "a.txt", "Cc: d@example.test")
                .doesNotContain("e@example.test");
        assertThat(options.tlsMode()).isEqualTo(TlsMode.STARTTLS_REQUIRED);
        assertThat(options.authUser()).isEqualTo("alice");
        assertThat(options.authPassword()).isEqualTo("secret");
        assertThat(options.authMech()).isEqualTo(AuthMechanism.CRAM_MD5);
        assertThat(options.showSecrets()).isTrue();
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.replyTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(options.tlsSettings().caFile()).isEqualTo(ca);
        assertThat(options.tlsSettings().insecure()).isTrue();
    }

    @Test
    void defaults_are_the_ones_the_help_names() throws Exception {
        SendOptions options = parsedSend("--server", "127.0.0.1", "--from", "", "--to", "b@example.test",
                "--quit-after", "RCPT", "--port", "2526").options();
        assertThat(options.port()).isEqualTo(2526);
        assertThat(options.from()).isEmpty();
        assertThat(options.tlsMode()).isEqualTo(TlsMode.NONE);
        assertThat(options.quitAfter()).isEqualTo(Stage.RCPT);
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.replyTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.authUser()).isNull();
        assertThat(new String(options.message(), StandardCharsets.UTF_8))
                .contains("Subject: Test message from smtplab", "This is a test message sent by smtplab.",
                        "From: MAILER-DAEMON@" + SendCommand.localName());
        assertThat(parsedSend("--server", "127.0.0.1", "--from", "a@example.test", "--to", "b@example.test", "--tls")
                .options().port()).isEqualTo(465);
    }

    @Test
    void the_tls_choices_exclude_each_other_and_required_options_are_named() {
        assertThatThrownBy(() -> parsedSend("--server", "x", "--from", "a@x.test", "--to", "b@x.test", "--tls",
                "--starttls")).isInstanceOf(CommandLine.MutuallyExclusiveArgsException.class)
                .hasMessageContaining("--tls").hasMessageContaining("--starttls");
        assertThatThrownBy(() -> parsedSend("--from", "a@x.test")).isInstanceOf(CommandLine.MissingParameterException.class)
                .hasMessageContaining("--server");
        assertThatThrownBy(() -> parsedSend("--server", "x", "--from", "a", "--count", "many"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--count");
        assertThatThrownBy(() -> parsedSend("--server", "x", "--from", "a", "--auth-mech", "gssapi"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("plain, login or cram-md5");
    }

    @Test
    void session_and_diagnose_get_the_shared_options_before_help() {
        for (String command : List.of("session", "diagnose")) {
            CommandSpec spec = Main.commandLine(new String[] {command}).getSubcommands()
                    .get(command).getCommandSpec();
            List<String> names = new ArrayList<>();
            spec.options().forEach(option -> names.add(option.longestName()));
            assertThat(names).as(command).containsSubsequence("--auth-user", "--auth-password", "--timeout-connect",
                    "--timeout-reply", "--ca-file", "--insecure", "--data-dir", "--help", "--version");
            assertThat(names.get(names.size() - 1)).isEqualTo("--version");
        }
    }

    @Test
    void every_command_prints_the_version_and_help_without_annotations_on_the_root() {
        StringWriter out = new StringWriter();
        CommandLine root = Main.commandLine(new String[] {"send", "-V"});
        root.setOut(new PrintWriter(out));
        assertThat(root.execute("send", "-V")).isZero();
        assertThat(out.toString()).startsWith("smtplab ");
        StringWriter help = new StringWriter();
        CommandLine all = Main.commandLine(new String[0]);
        all.setOut(new PrintWriter(help));
        assertThat(all.execute()).isZero();
        assertThat(help.toString()).contains("Usage: smtplab [-hV] [COMMAND]", "session", "send", "diagnose", "import");
    }
}
