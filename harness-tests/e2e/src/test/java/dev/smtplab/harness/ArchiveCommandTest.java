package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.web.WebAccess;
import dev.smtplab.server.web.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** smtplab export and import against a running server's API: mail out as files, and back in. */
class ArchiveCommandTest {
    private final List<AutoCloseable> running = new ArrayList<>();

    @TempDir
    Path folder;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : running) {
            closeable.close();
        }
    }

    /** A server with its web API; returns the API's URL. */
    private String serverWithApi(FakeSmtpServer smtp, WebAccess access) {
        WebServer web = new WebServer(smtp, InetAddress.getLoopbackAddress(), 0, access).start();
        running.add(web);
        running.add(smtp::stop);
        return "http://127.0.0.1:" + web.port();
    }

    @Test
    void mail_exported_from_one_server_imports_into_another_byte_for_byte() throws Exception {
        FakeSmtpServer first = FakeSmtpServer.builder().build().start();
        String firstApi = serverWithApi(first, WebAccess.local());
        assertThat(ClientRun.send(first.port(), "--to", "bob@example.test", "--subject", "one").exitCode()).isZero();
        assertThat(ClientRun.send(first.port(), "--to", "carol@example.test", "--subject", "two").exitCode()).isZero();

        Path mbox = folder.resolve("all.mbox");
        ClientRun export = ClientRun.of("export", "--api", firstApi, "-o", mbox.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(Files.readString(mbox)).startsWith("From alice@example.test ");
        Path zip = folder.resolve("carol.zip");
        assertThat(ClientRun.of("export", "--api", firstApi, "--format", "zip", "--to", "carol", "-o", zip.toString())
                .exitCode()).isZero();
        assertThat(Files.size(zip)).isPositive();

        FakeSmtpServer second = FakeSmtpServer.builder().build().start();
        String secondApi = serverWithApi(second, WebAccess.local());
        Path eml = Files.write(folder.resolve("one.eml"), first.messages().get(0).data());
        ClientRun imported = ClientRun.of("import", "--api", secondApi, mbox.toString(), eml.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).isEqualTo("imported " + mbox + " (mbox): message id 1, 2\n"
                + "imported " + eml + " (.eml): message id 3\n");
        List<RecordedMessage> copies = second.messages();
        assertThat(copies).hasSize(3);
        for (int i = 0; i < 2; i++) {
            assertThat(copies.get(i).data()).isEqualTo(first.messages().get(i).data());
        }
        assertThat(copies.get(1).acceptedRecipients()).containsExactly("carol@example.test");
    }

    @Test
    void failures_say_what_went_wrong_with_their_exit_code() throws Exception {
        FakeSmtpServer smtp = FakeSmtpServer.builder().build().start();
        String api = serverWithApi(smtp, WebAccess.local());

        ClientRun nobody = ClientRun.of("export", "--api", "http://127.0.0.1:1", "-o", folder.resolve("x").toString());
        assertThat(nobody.exitCode()).isEqualTo(2);
        assertThat(nobody.err()).isEqualTo("smtplab export: cannot reach the SMTP Lab API at http://127.0.0.1:1: nothing "
                + "answered (is the server running with its web UI, and is that its port?)\n");

        Path noRecipient = Files.writeString(folder.resolve("bad.eml"), "From: a@example.test\nSubject: x\n\nbody\n");
        ClientRun refused = ClientRun.of("import", "--api", api, noRecipient.toString());
        assertThat(refused.exitCode()).isEqualTo(30);
        assertThat(refused.err()).isEqualTo("smtplab import: " + noRecipient + ": POST /api/v1/messages/import answered "
                + "400: message 1 of 1 cannot be imported: it has no Delivered-To, X-Original-To, To, Cc or Bcc header to "
                + "take the recipients from; nothing was imported\n");

        ClientRun missing = ClientRun.of("import", "--api", api, folder.resolve("missing.eml").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).startsWith("smtplab import: cannot read " + folder.resolve("missing.eml"));

        ClientRun badFormat = ClientRun.of("export", "--api", api, "--format", "pst");
        assertThat(badFormat.exitCode()).isEqualTo(1);
        assertThat(badFormat.err()).isEqualTo("smtplab export: --format pst: use mbox or zip (see smtplab export --help)\n");
        ClientRun badUrl = ClientRun.of("export", "--api", "127.0.0.1:8025");
        assertThat(badUrl.err()).startsWith("smtplab export: --api 127.0.0.1:8025: give the web UI's URL, such as "
                + "http://127.0.0.1:8025");
        assertThat(smtp.messages()).isEmpty();
    }

    @Test
    void a_server_with_a_password_needs_api_auth() throws Exception {
        FakeSmtpServer smtp = FakeSmtpServer.builder().build().start();
        String api = serverWithApi(smtp, new WebAccess(List.of(), List.of(), "admin:s3cret", false));
        Path eml = Files.writeString(folder.resolve("m.eml"), "From: a@example.test\nTo: b@example.test\n\nhi\n",
                StandardCharsets.UTF_8);
        ClientRun without = ClientRun.of("import", "--api", api, eml.toString());
        assertThat(without.exitCode()).isEqualTo(30);
        assertThat(without.err()).contains("answered 401");
        ClientRun with = ClientRun.of("import", "--api", api, "--api-auth", "admin:s3cret", eml.toString());
        assertThat(with.exitCode()).as(with.err()).isZero();
        assertThat(smtp.messages()).hasSize(1);
    }

    @Test
    void one_inbox_exports_alone_and_an_import_can_go_to_a_named_inbox() throws Exception {
        FakeSmtpServer smtp = FakeSmtpServer.builder().inbox("team-a", "rcpt:team-a.test").inbox("qa").build().start();
        String api = serverWithApi(smtp, WebAccess.local());
        assertThat(ClientRun.send(smtp.port(), "--to", "bob@team-a.test", "--subject", "for a").exitCode()).isZero();
        assertThat(ClientRun.send(smtp.port(), "--to", "carol@example.test", "--subject", "for all").exitCode()).isZero();

        Path mbox = folder.resolve("team-a.mbox");
        ClientRun export = ClientRun.of("export", "--api", api, "--inbox", "team-a", "-o", mbox.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(Files.readString(mbox)).contains("Subject: for a").doesNotContain("Subject: for all");

        ClientRun imported = ClientRun.of("import", "--api", api, "--inbox", "qa", mbox.toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(smtp.messages().get(2).inbox()).isEqualTo("qa");
        assertThat(smtp.messages().get(2).acceptedRecipients()).containsExactly("bob@team-a.test");

        ClientRun unknown = ClientRun.of("export", "--api", api, "--inbox", "nope");
        assertThat(unknown.exitCode()).isEqualTo(30);
        assertThat(unknown.err()).isEqualTo("smtplab export: GET /api/v1/inboxes/nope/messages/export?format=mbox "
                + "answered 404: inbox \"nope\" not found\n");
    }
}
