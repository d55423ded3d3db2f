package dev.smtplab.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine commandLine = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void unknown_flag_gives_one_line_and_exit_2() {
        Run run = run("--bogus");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("smtplab-server: Unknown option: '--bogus' (see smtplab-server --help)\n");
    }

    @Test
    void bad_port_gives_one_line_and_exit_2() {
        Run run = run("--smtp-port", "70000");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("smtplab-server: --smtp-port 70000: '70000' is not a port: use 0 to 65535\n");
        assertThat(run("--smtp-port", "abc").err()).contains("'abc' is not a port").hasLineCount(1);
    }

    @Test
    void port_in_use_gives_one_line_and_exit_1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = run("--smtp-port", Integer.toString(taken.getLocalPort()), "--no-tls");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("smtplab-server: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": the port is already in use\n");
        }
    }

    @Test
    void bad_sizes_names_and_addresses_give_one_line_each() {
        assertThat(run("--max-message-size", "12XB").err())
                .isEqualTo("smtplab-server: Invalid value for option '--max-message-size': '12XB' is not a size: "
                        + "use bytes or a number with KB, MB or GB, such as 10MB (see smtplab-server --help)\n");
        assertThat(run("--max-message-size", "4GB").err()).contains("'4GB' is out of range").hasLineCount(1);
        assertThat(run("--max-messages", "0").err()).contains("'0' must be 1 or more").hasLineCount(1);
        assertThat(run("--max-age", "7x").err()).contains("'7x' is not an age: use a whole number above 0 and s, m, "
                + "h or d, such as 7d").hasLineCount(1);
        assertThat(run("--max-age", "0d").err()).contains("'0d' is not an age").hasLineCount(1);
        assertThat(run("--bind", "mail.example.com").err())
                .contains("'mail.example.com' is not an IP address").hasLineCount(1);
        assertThat(run("--hostname", "two words").err())
                .isEqualTo("smtplab-server: host name must be one word of printable ASCII, got \"two words\"\n");
    }

    @Test
    void bad_limits_give_one_line_each_and_good_ones_reach_the_server() throws Exception {
        for (String flag : List.of("--max-connections", "--max-connections-per-client", "--max-junk-commands",
                "--command-timeout", "--data-timeout", "--max-session-time")) {
            Run zero = run(flag, "0");
            assertThat(zero.exitCode()).as(flag).isEqualTo(2);
            assertThat(zero.err()).as(flag).contains("'" + flag + "'", "'0' must be 1 or more").hasLineCount(1);
            assertThat(run(flag, "soon").err()).as(flag).contains("'soon'").hasLineCount(1);
        }
        for (String flag : List.of("--max-store-size", "--max-data-in-flight")) {
            assertThat(run(flag, "0").err()).as(flag).contains("'0' is out of range: use 1 byte or more").hasLineCount(1);
            assertThat(run(flag, "12XB").err()).as(flag).contains("'12XB' is not a size").hasLineCount(1);
        }
        Main main = new Main();
        new CommandLine(main).parseArgs("--smtp-port", "0", "--no-tls", "--max-connections-per-client", "1");
        try (FakeSmtpServer server = main.serverSettings().build().start();
             java.net.Socket first = new java.net.Socket("127.0.0.1", server.port())) {
            assertThat(banner(first)).startsWith("220 ");
            try (java.net.Socket second = new java.net.Socket("127.0.0.1", server.port())) {
                assertThat(banner(second)).isEqualTo("421 4.7.0 localhost Error: too many connections from 127.0.0.1");
            }
        }
    }

    private static String banner(java.net.Socket socket) throws java.io.IOException {
        socket.setSoTimeout(5_000);
        return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void an_exposed_web_ui_without_a_password_is_warned_about_and_a_bad_cors_origin_refused() {
        Main exposed = new Main();
        new CommandLine(exposed).parseArgs("--web-bind", "0.0.0.0");
        assertThat(exposed.web.exposureWarning()).isEqualTo("warning: the web UI listens on 0.0.0.0 without "
                + "--web-auth: anyone who can reach this port can read every captured message");
        Main guarded = new Main();
        new CommandLine(guarded).parseArgs("--web-bind", "0.0.0.0", "--web-auth", "admin:secret");
        assertThat(guarded.web.exposureWarning()).isNull();
        Main local = new Main();
        new CommandLine(local).parseArgs();
        assertThat(local.web.exposureWarning()).isNull();
        Run badCors = run("--web-cors", "localhost:3000");
        assertThat(badCors.exitCode()).isEqualTo(2);
        assertThat(badCors.err()).isEqualTo("smtplab-server: --web-cors takes an origin such as http://localhost:3000 "
                + "(scheme, host and port, no path), got \"localhost:3000\"\n");
    }

    @Test
    void help_and_version_print_and_exit_0() {
        Run help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--smtp-port=[NAME=]PORT", "--inbox=NAME=ROUTE", "--max-messages=N", "Exit codes:");
        for (ServerExit exit : ServerExit.values()) {
            assertThat(help.out()).containsPattern("(?m)^\\s+" + exit.code + "\\s+" + java.util.regex.Pattern.quote(exit.meaning));
        }
        Run version = run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("smtplab-server ");
    }

    @Test
    void max_messages_10_keeps_the_10_newest_of_15() throws Exception {
        Main main = new Main();
        new CommandLine(main).parseArgs("--smtp-port", "0", "--no-tls", "--max-messages", "10");
        try (FakeSmtpServer server = main.serverSettings().build().start()) {
            for (int i = 1; i <= 15; i++) {
                Sending.send(server.port(), "a@example.test", "b@example.test", "message " + i, "body");
            }
            assertThat(server.messages()).hasSize(10);
            assertThat(server.messages().get(0).subject()).contains("message 6");
            assertThat(server.messages().get(9).subject()).contains("message 15");
        }
    }

    @Test
    void store_sqlite_keeps_messages_in_the_data_folder_and_a_bad_store_is_one_line(@TempDir Path folder)
            throws Exception {
        Main main = new Main();
        new CommandLine(main).parseArgs("--smtp-port", "0", "--no-tls", "--data-dir", folder.toString(), "--store",
                "sqlite", "--max-messages", "10");
        var store = (dev.smtplab.server.store.SqliteMessageStore) main.openStore().orElseThrow();
        try (FakeSmtpServer server = FakeSmtpServer.builder().store(store).build().start()) {
            Sending.send(server.port(), "a@example.test", "b@example.test", "kept", "body");
            assertThat(server.messages()).extracting(m -> m.subject().orElse("")).containsExactly("kept");
        } finally {
            store.close();
        }
        assertThat(store.file()).isEqualTo(folder.resolve("smtplab.db").toAbsolutePath().toString());
        assertThat(java.nio.file.Files.size(folder.resolve("smtplab.db"))).isPositive();

        Run bad = run("--smtp-port", "0", "--no-tls", "--store", "mysql://x");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("smtplab-server: --store mysql://x: use sqlite, sqlite:FILE, memory or "
                + "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE\n");
        Run noDatabase = run("--smtp-port", "0", "--no-tls", "--store", "postgres://x");
        assertThat(noDatabase.exitCode()).isEqualTo(1);
        assertThat(noDatabase.err()).isEqualTo("smtplab-server: --store postgres://x: use "
                + "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE\n");
        Run unreachable = run("--smtp-port", "0", "--no-tls", "--store", "postgresql://bob:s3cret@127.0.0.1:1/mail");
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("smtplab-server: cannot open the store postgresql://bob@127.0.0.1:1/mail: ")
                .doesNotContain("s3cret").hasLineCount(1);
        java.nio.file.Path junk = java.nio.file.Files.writeString(folder.resolve("junk.db"), "not a database".repeat(50));
        Run broken = run("--smtp-port", "0", "--no-tls", "--store", "sqlite:" + junk);
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.err()).isEqualTo("smtplab-server: cannot open the store " + junk + ": it is not an SQLite "
                + "database, or it is damaged; move it away to start with an empty store\n");
    }

    @Test
    void rules_file_with_a_mistake_stops_the_start_and_names_rule_and_field(@TempDir Path folder) throws Exception {
        Path rules = folder.resolve("rules.yaml");
        Files.writeString(rules, """
                rules:
                  - id: typo
                    stage: rcpt
                    effect: { reply: "55O 5.1.1 no" }
                """);
        Run run = run("--smtp-port", "0", "--rules", rules.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("smtplab-server: rules file " + rules + ": rule 1 (id \"typo\"): effect.reply: "
                + "\"55O 5.1.1 no\" is not a reply: write the code first, such as \"550 5.1.1 User unknown\"\n");
        assertThat(run.out()).isEmpty();
        assertThat(run("--rules", folder.resolve("missing.yaml").toString()).err())
                .startsWith("smtplab-server: rules file " + folder.resolve("missing.yaml") + ": cannot read it:");
    }

    @Test
    void unknown_preset_stops_the_start_with_the_choices() {
        Run run = run("--smtp-port", "0", "--preset", "greylisting");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("smtplab-server: unknown preset \"greylisting\": use one of blocked,").hasLineCount(1);
    }

    @Test
    void personality_flag_words_the_server_and_its_mistakes_are_named(@TempDir Path folder) throws Exception {
        Main main = new Main();
        new CommandLine(main).parseArgs("--no-tls", "--personality", "Exim");
        assertThat(main.serverSettings().build().scenario().personality().orElseThrow().name()).isEqualTo("exim");

        Run unknown = run("--smtp-port", "0", "--personality", "qmail");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("smtplab-server: --personality qmail: \"qmail\" is not a built-in "
                + "personality: use one of postfix, exim, sendmail, gmail, microsoft365\n");
        Run lenient = run("--smtp-port", "0", "--personality", "exim", "--lenient");
        assertThat(lenient.exitCode()).isEqualTo(2);
        assertThat(lenient.err()).isEqualTo("smtplab-server: --lenient keeps SubEthaSMTP's words, so it does not go "
                + "with a personality (--personality, or personality: in the rules file)\n");
        Path rules = folder.resolve("rules.yaml");
        Files.writeString(rules, "personality: sendmail\n");
        assertThat(run("--smtp-port", "0", "--rules", rules.toString(), "--lenient").exitCode()).isEqualTo(2);
    }

    @Test
    void replay_reads_a_recording_times_it_when_asked_and_names_what_does_not_go(@TempDir Path folder)
            throws Exception {
        Path recording = folder.resolve("recording.yaml");
        Files.writeString(recording, """
                personality:
                  name: mx.example.test:25
                  hostname: mx.example.test
                  greeting: "220 mx.example.test ESMTP ready"
                  ehlo: [mx.example.test, PIPELINING, AUTH PLAIN LOGIN]
                  timing: { connect: 40ms, rcpt: 7ms }
                rules:
                  - id: recorded-rcpt-1
                    stage: rcpt
                    match: { recipient: nobody@example.test }
                    effect: { reply: "550 5.1.1 no such user" }
                """);
        Main main = new Main();
        new CommandLine(main).parseArgs("--no-tls", "--replay", recording.toString(), "--replay-timing");
        FakeSmtpServer server = main.serverSettings().build();
        assertThat(server.scenario().personality().orElseThrow().greeting()).isEqualTo("220 mx.example.test ESMTP ready");
        // The recorded server's name, unless --hostname gives one.
        assertThat(server.hostName()).isEqualTo("mx.example.test");
        Main named = new Main();
        new CommandLine(named).parseArgs("--no-tls", "--replay", recording.toString(), "--hostname", "fake.test");
        assertThat(named.serverSettings().build().hostName()).isEqualTo("fake.test");
        assertThat(server.scenario().rules()).extracting(dev.smtplab.server.scenario.Rule::id)
                .containsExactly("timing-connect", "timing-rcpt", "recorded-rcpt-1");
        Main untimed = new Main();
        new CommandLine(untimed).parseArgs("--no-tls", "--smtp-port", "0", "--replay", recording.toString());
        FakeSmtpServer replay = untimed.serverSettings().build().start();
        try (RawSmtp smtp = new RawSmtp(replay.port())) {
            assertThat(replay.scenario().rules()).hasSize(1);
            assertThat(smtp.reply()).isEqualTo("220 mx.example.test ESMTP ready");
            assertThat(smtp.command("EHLO c")).isEqualTo("250-mx.example.test\r\n250-PIPELINING\r\n250 AUTH PLAIN LOGIN");
            // The recorded server took logins and a recording holds no password: any login is taken.
            assertThat(smtp.command("AUTH PLAIN AGFueQBwYXNz")).startsWith("235");
            assertThat(smtp.command("MAIL FROM:<a@example.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<nobody@example.test>")).isEqualTo("550 5.1.1 no such user");
        } finally {
            replay.stop();
        }

        Path rules = folder.resolve("rules.yaml");
        Files.writeString(rules, "presets: [mailbox-full]\n");
        Run notARecording = run("--smtp-port", "0", "--replay", rules.toString());
        assertThat(notARecording.exitCode()).isEqualTo(2);
        assertThat(notARecording.err()).isEqualTo("smtplab-server: --replay " + rules + ": it has no personality: "
                + "block, so it is not a recording; give a rules file with --rules\n");
        assertThat(run("--smtp-port", "0", "--replay", recording.toString(), "--rules", rules.toString()).err())
                .isEqualTo("smtplab-server: --rules and --replay do not go together: a recording is a rules file; add "
                        + "your rules to it\n");
        assertThat(run("--smtp-port", "0", "--replay-timing").err())
                .isEqualTo("smtplab-server: --replay-timing times a recording: give it with --replay FILE\n");
        Files.writeString(recording, "personality:\n  name: cut\n  greeting: \"220 cut");
        assertThat(run("--smtp-port", "0", "--replay", recording.toString()).err())
                .startsWith("smtplab-server: rules file " + recording + ": line ").contains("not valid YAML");
    }

    @Test
    void bounce_relay_hands_reports_to_the_applications_server_and_a_bad_value_is_named() throws Exception {
        Run bad = run("--smtp-port", "0", "--bounce-relay", "handler.test");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).isEqualTo("smtplab-server: --bounce-relay handler.test: give HOST:PORT, such as "
                + "127.0.0.1:2526\n");
        FakeSmtpServer handler = FakeSmtpServer.builder().build().start();
        Main main = new Main();
        new CommandLine(main).parseArgs("--no-tls", "--smtp-port", "0", "--store", "memory", "--preset",
                "bounce-later:after=0s", "--bounce-relay", "127.0.0.1:" + handler.port());
        FakeSmtpServer lab = main.serverSettings().build().start();
        try (RawSmtp smtp = new RawSmtp(lab.port())) {
            smtp.reply();
            smtp.command("EHLO app.example.test");
            smtp.command("MAIL FROM:<app@example.test>");
            smtp.command("RCPT TO:<bob@example.test>");
            smtp.command("DATA");
            smtp.command("Subject: hi\r\n\r\nhello\r\n.");
        } finally {
            assertThat(handler.awaitMessage(message -> message.mailFrom().isEmpty(), java.time.Duration.ofSeconds(10))
                    .acceptedRecipients()).containsExactly("app@example.test");
            lab.stop();
            handler.stop();
        }
    }

    @Test
    void presets_rules_and_magic_addresses_flags_build_the_scenario(@TempDir Path folder) throws Exception {
        Path rules = folder.resolve("rules.yaml");
        Files.writeString(rules, "rules:\n  - id: mine\n    stage: noop\n    effect: { reply: 250 2.0.0 mine }\n");
        Main main = new Main();
        new CommandLine(main).parseArgs("--no-tls", "--rules", rules.toString(), "--preset", "mailbox-full",
                "--preset", "greylist:retry-after=5s", "--no-magic-addresses");
        var scenario = main.serverSettings().build().scenario();
        assertThat(scenario.rules()).extracting(dev.smtplab.server.scenario.Rule::id)
                .containsExactly("mine", "mailbox-full", "greylist");
        assertThat(scenario.presets()).containsExactly("mailbox-full", "greylist:retry-after=5s");
        assertThat(scenario.magicAddresses()).isFalse();
    }

    @Test
    void bad_web_auth_and_web_port_in_use_give_one_line() throws Exception {
        Run auth = run("--smtp-port", "0", "--web-port", "0", "--web-auth", "nopassword");
        assertThat(auth.exitCode()).isEqualTo(2);
        assertThat(auth.err()).isEqualTo("smtplab-server: --web-auth takes USER:PASSWORD, both not empty\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = run("--smtp-port", "0", "--no-tls", "--web-port", Integer.toString(taken.getLocalPort()));
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("smtplab-server: cannot serve the web UI on 127.0.0.1:" + taken.getLocalPort()
                    + ": the port is already in use\n");
        }
    }

    @Test
    void tls_and_auth_flags_build_the_server(@TempDir Path folder) throws Exception {
        Main main = new Main();
        new CommandLine(main).parseArgs("--smtp-port", "0", "--data-dir", folder.toString(), "--smtps-port", "0",
                "--require-tls", "--auth-user", "alice:s3cret", "--require-auth");
        try (FakeSmtpServer server = main.serverSettings().build().start()) {
            assertThat(server.implicitTlsPort()).isPositive();
            assertThat(server.tls()).isPresent();
            assertThat(Files.exists(folder.resolve("ca.pem"))).isTrue();
        }
        Main noTls = new Main();
        new CommandLine(noTls).parseArgs("--no-tls", "--require-tls");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(noTls::serverSettings))
                .hasMessage("--smtps-port and --require-tls need TLS, which --no-tls turned off");
        Main badUser = new Main();
        new CommandLine(badUser).parseArgs("--no-tls", "--auth-user", "alice");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(badUser::serverSettings))
                .hasMessage("auth user \"alice\" is not USER:PASSWORD");
        Main onlyCert = new Main();
        new CommandLine(onlyCert).parseArgs("--tls-cert", folder.resolve("ca.pem").toString());
        assertThat(org.assertj.core.api.Assertions.catchThrowable(onlyCert::serverSettings))
                .hasMessage("--tls-cert and --tls-key go together");
    }

    @Test
    void bad_certificate_files_give_one_line_naming_the_flag(@TempDir Path folder) throws Exception {
        Path notPem = folder.resolve("cert.pem");
        Files.writeString(notPem, "this is not a certificate");
        Run run = run("--smtp-port", "0", "--no-web", "--tls-cert", notPem.toString(), "--tls-key", notPem.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("smtplab-server: --tls-cert " + notPem + " ").hasLineCount(1);
        Run pkcs12 = run("--smtp-port", "0", "--no-web", "--tls-pkcs12", notPem.toString());
        assertThat(pkcs12.err()).startsWith("smtplab-server: --tls-pkcs12 " + notPem + " cannot be read").hasLineCount(1);
    }

    @Test
    void options_can_come_from_the_environment() {
        Main main = new Main();
        CommandLine commandLine = new CommandLine(main);
        commandLine.setDefaultValueProvider(new EnvironmentDefaults(Map.of("SMTPLAB_SMTP_PORT", "2626",
                "SMTPLAB_BIND", "0.0.0.0", "SMTPLAB_NO_TLS", "true", "SMTPLAB_PRESET", "greylist mailbox-full",
                "SMTPLAB_MAX_MESSAGES", "7")));
        commandLine.parseArgs("--max-messages", "9");
        assertThat(main.inboxes.mainPort()).isEqualTo(2626);
        assertThat(main.bindAddress.getHostAddress()).isEqualTo("0.0.0.0");
        assertThat(main.tls.noTls).isTrue();
        assertThat(main.failures.presets).containsExactly("greylist", "mailbox-full");
        assertThat(main.maxMessages).as("a flag wins over the environment").isEqualTo(9);
        assertThat(EnvironmentDefaults.variable("--web-auth")).isEqualTo("SMTPLAB_WEB_AUTH");
        Run bad = runWithEnvironment(Map.of("SMTPLAB_SMTP_PORT", "seventy"));
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("'seventy' is not a port").hasLineCount(1);
    }

    @Test
    void inboxes_come_from_ports_routes_and_the_rules_file(@TempDir Path folder) throws Exception {
        Path rules = folder.resolve("rules.yaml");
        Files.writeString(rules, """
                inboxes:
                  - name: billing
                    routes: ["rcpt:billing.example"]
                    presets: [mailbox-full]
                """);
        Main main = new Main();
        new CommandLine(main).parseArgs("--smtp-port", "0", "--smtp-port", "qa=0", "--no-tls", "--rules",
                rules.toString(), "--inbox", "team-a=rcpt:*@team-a.test,auth:team-a-*");
        try (FakeSmtpServer server = main.serverSettings().build().start()) {
            assertThat(server.inboxes().list()).extracting(dev.smtplab.server.inbox.Inbox::name)
                    .containsExactly("default", "billing", "team-a", "qa");
            assertThat(server.inboxes().get("team-a").orElseThrow().routes()).extracting(Object::toString)
                    .containsExactly("rcpt:*@team-a.test", "auth:team-a-*");
            assertThat(server.inboxes().scenariosFor("billing").get().presets()).containsExactly("mailbox-full");
            assertThat(server.inboxPort("qa")).isPresent();
        }
    }

    @Test
    void bad_inbox_flags_give_one_line_that_names_them() {
        assertThat(run("--inbox", "team-a").err()).isEqualTo("smtplab-server: --inbox team-a: use NAME=ROUTE[,ROUTE...], "
                + "such as team-a=rcpt:*@team-a.test\n");
        assertThat(run("--inbox", "team-a=to:x").err()).isEqualTo("smtplab-server: --inbox team-a=to:x: route \"to:x\": "
                + "\"to\" is not a kind of route; use rcpt or auth\n");
        assertThat(run("--inbox", "default=rcpt:x").err()).contains("\"default\" takes the mail no inbox takes");
        assertThat(run("--smtp-port", "qa=x").err()).isEqualTo("smtplab-server: --smtp-port qa=x: 'x' is not a port: use "
                + "0 to 65535\n");
        assertThat(run("--smtp-port", "1", "--smtp-port", "2").err()).contains("two ports without an inbox name");
        Run unknown = run("--smtp-port", "0", "--no-tls", "--web-auth", "ann:pw", "--web-auth-inboxes", "ann=team-z");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("smtplab-server: --web-auth-inboxes ann=...: there is no inbox \"team-z\" "
                + "(inboxes: default)\n");
        assertThat(run("--smtp-port", "0", "--no-tls", "--web-auth-inboxes", "bob=default").err())
                .isEqualTo("smtplab-server: --web-auth-inboxes names user \"bob\", who has no --web-auth USER:PASSWORD\n");
        assertThat(run("--smtp-port", "0", "--no-tls", "--web-auth", "ann:pw", "--web-auth", "ann:other").err())
                .isEqualTo("smtplab-server: --web-auth names user \"ann\" twice\n");
    }

    private static Run runWithEnvironment(Map<String, String> environment, String... args) {
        CommandLine commandLine = Main.commandLine(environment);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return new Run(commandLine.execute(args), out.toString(), err.toString());
    }

    @Test
    void defaults_match_the_documentation() {
        Main main = new Main();
        new CommandLine(main).parseArgs();
        assertThat(main.inboxes.mainPort()).isEqualTo(2525);
        assertThat(main.bindAddress.getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(main.maxMessageSize).isEqualTo(25 * 1024 * 1024);
        assertThat(main.idleTimeoutSeconds).isEqualTo((int) Duration.ofMinutes(5).toSeconds());
        assertThat(main.web.webPort).isEqualTo(8025);
        assertThat(main.web.webBindAddress.getHostAddress()).isEqualTo("127.0.0.1");
    }
}
