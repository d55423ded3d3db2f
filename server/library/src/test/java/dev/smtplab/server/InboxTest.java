package dev.smtplab.server;

import dev.smtplab.server.inbox.Inbox;
import dev.smtplab.server.inbox.InboxRoute;
import dev.smtplab.server.inbox.Inboxes;
import dev.smtplab.server.record.MessageQuery;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.scenario.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mail routed into named inboxes, by recipient, by login and by port, each with its own failure modes. */
class InboxTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private FakeSmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    /** Sends one message over a raw dialogue; returns the reply to the final dot (or the first refusal). */
    private static String send(int port, String login, String from, String to) throws IOException {
        try (RawSmtp smtp = new RawSmtp(port)) {
            assertThat(smtp.reply()).startsWith("220 ");
            assertThat(smtp.command("EHLO client.test")).startsWith("250");
            if (login != null) {
                String plain = Base64.getEncoder().encodeToString(("\0" + login + "\0secret")
                        .getBytes(StandardCharsets.UTF_8));
                assertThat(smtp.command("AUTH PLAIN " + plain)).startsWith("235");
            }
            String mail = smtp.command("MAIL FROM:<" + from + ">");
            if (!mail.startsWith("250")) {
                return mail;
            }
            String rcpt = smtp.command("RCPT TO:<" + to + ">");
            if (!rcpt.startsWith("250")) {
                return rcpt;
            }
            assertThat(smtp.command("DATA")).startsWith("354");
            String done = smtp.command("Subject: for " + to + "\r\n\r\nhello\r\n.");
            smtp.command("QUIT");
            return done;
        }
    }

    private RecordedMessage awaitTo(String recipient) throws InterruptedException {
        return server.awaitMessage(message -> message.acceptedRecipients().contains(recipient), WAIT);
    }

    @Test
    void a_recipient_route_takes_its_addresses_and_everything_else_goes_to_default() throws Exception {
        server = FakeSmtpServer.builder()
                .inbox("team-a", "rcpt:*@team-a.test")
                .inbox("billing", "rcpt:billing.example")
                .build().start();

        send(server.port(), null, "app@example.test", "Bob@Team-A.test");
        send(server.port(), null, "app@example.test", "invoices@billing.example");
        send(server.port(), null, "app@example.test", "carol@elsewhere.test");

        assertThat(awaitTo("Bob@Team-A.test").inbox()).isEqualTo("team-a");
        assertThat(awaitTo("invoices@billing.example").inbox()).isEqualTo("billing");
        assertThat(awaitTo("carol@elsewhere.test").inbox()).isEqualTo(Inboxes.DEFAULT);
        assertThat(server.store().count(MessageQuery.all().inInboxes(Set.of("team-a")))).isEqualTo(1);
        assertThat(server.store().count(MessageQuery.all().inInboxes(Set.of("team-a", "billing")))).isEqualTo(2);
        String bobs = awaitTo("Bob@Team-A.test").id();
        RecordedSession session = server.awaitSession(s -> s.messageIds().contains(bobs) && s.ended().isPresent(),
                WAIT);
        assertThat(session.inboxes()).containsExactly("team-a");
    }

    @Test
    void the_first_inbox_whose_route_matches_wins_so_a_login_can_outrank_a_domain() throws Exception {
        server = FakeSmtpServer.builder().authUser("ci-bot", "secret").authUser("alice", "secret")
                .allowPlaintextAuth()
                .inbox("ci", "auth:ci-*")
                .inbox("team-a", "rcpt:team-a.test")
                .build().start();

        send(server.port(), "ci-bot", "ci@example.test", "dave@team-a.test");
        send(server.port(), "alice", "alice@example.test", "erin@team-a.test");

        assertThat(awaitTo("dave@team-a.test").inbox()).isEqualTo("ci");
        assertThat(awaitTo("erin@team-a.test").inbox()).isEqualTo("team-a");
    }

    @Test
    void a_port_of_its_own_puts_all_its_mail_in_its_inbox_whatever_the_routes_say() throws Exception {
        server = FakeSmtpServer.builder()
                .inbox("team-a", "rcpt:team-a.test")
                .inboxPort("qa", 0)
                .build().start();
        int qaPort = server.inboxPort("qa").orElseThrow();
        assertThat(qaPort).isPositive().isNotEqualTo(server.port());

        send(qaPort, null, "app@example.test", "frank@team-a.test");

        RecordedMessage message = awaitTo("frank@team-a.test");
        assertThat(message.inbox()).isEqualTo("qa");
        assertThat(server.awaitSession(s -> s.ended().isPresent() && s.messageIds().contains(message.id()), WAIT)
                .inboxes()).containsExactly("qa");
        assertThat(server.inboxPorts()).containsEntry("qa", qaPort);
    }

    @Test
    void an_inbox_with_its_own_failure_modes_refuses_its_recipients_while_the_others_are_accepted() throws Exception {
        server = FakeSmtpServer.builder()
                .inbox(new Inbox("team-a", List.of(InboxRoute.parse("rcpt:team-a.test")),
                        Optional.of(Scenario.builder().preset("unknown-recipient").build())))
                .build().start();

        assertThat(send(server.port(), null, "app@example.test", "gina@team-a.test")).startsWith("550 5.1.1");
        assertThat(send(server.port(), null, "app@example.test", "gina@elsewhere.test")).startsWith("250");
    }

    @Test
    void an_inbox_port_follows_its_inbox_s_connection_mode_and_the_main_port_stays_open() throws Exception {
        server = FakeSmtpServer.builder().inboxPort("qa", 0).build().start();
        int qaPort = server.inboxPort("qa").orElseThrow();

        server.inboxes().ownScenarios("qa").set(Scenario.builder().preset("refused").build());

        assertThatThrownBy(() -> new Socket("127.0.0.1", qaPort).close()).isInstanceOf(ConnectException.class);
        assertThat(send(server.port(), null, "app@example.test", "henry@example.test")).startsWith("250");

        server.inboxes().followServer("qa");
        assertThat(send(qaPort, null, "app@example.test", "ivan@example.test")).startsWith("250");
        assertThat(awaitTo("ivan@example.test").inbox()).isEqualTo("qa");
    }

    @Test
    void changing_the_server_s_scenario_leaves_an_inbox_with_its_own_alone() throws Exception {
        server = FakeSmtpServer.builder().inbox("team-a", "rcpt:team-a.test").build().start();
        server.inboxes().ownScenarios("team-a");

        server.setScenario(Scenario.builder().preset("unknown-recipient").build());

        assertThat(send(server.port(), null, "app@example.test", "jo@elsewhere.test")).startsWith("550 5.1.1");
        assertThat(send(server.port(), null, "app@example.test", "jo@team-a.test")).startsWith("250");
    }

    @Test
    void an_inbox_port_opened_while_running_takes_mail_at_once_and_closes_when_the_inbox_is_removed()
            throws Exception {
        server = FakeSmtpServer.builder().build().start();

        int port = server.openInboxPort("test-42", 0);
        send(port, null, "app@example.test", "kim@example.test");
        assertThat(awaitTo("kim@example.test").inbox()).isEqualTo("test-42");

        assertThat(server.removeInbox("test-42")).isTrue();
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            }
        }).isInstanceOf(IOException.class);
        assertThat(server.inboxes().exists("test-42")).isFalse();
        assertThat(server.store().count(MessageQuery.all().inInboxes(Set.of("test-42"))))
                .as("its messages stay").isEqualTo(1);
        assertThat(server.removeInbox("test-42")).isFalse();
    }

    @Test
    void an_import_goes_to_the_inbox_named_or_where_its_recipients_route_it() {
        server = FakeSmtpServer.builder().inbox("team-a", "rcpt:team-a.test").build().start();
        byte[] data = "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);

        assertThat(server.importMessage(data, "a@example.test", List.of("b@team-a.test"), "test").inbox())
                .isEqualTo("team-a");
        assertThat(server.importMessage(data, "a@example.test", List.of("b@team-a.test"), "test", "default").inbox())
                .isEqualTo("default");
        assertThatThrownBy(() -> server.importMessage(data, "a@example.test", List.of("b@x.test"), "test", "nope"))
                .hasMessage("no inbox \"nope\"");
    }

    @Test
    void bad_names_routes_and_ports_are_refused_with_what_is_wrong() {
        assertThatThrownBy(() -> FakeSmtpServer.builder().inbox("team a", "rcpt:x.test"))
                .hasMessageContaining("inbox name \"team a\"");
        assertThatThrownBy(() -> FakeSmtpServer.builder().inbox("team-a", "to:x.test"))
                .hasMessageContaining("\"to\" is not a kind of route; use rcpt or auth");
        assertThatThrownBy(() -> FakeSmtpServer.builder().inbox("team-a", "rcpt"))
                .hasMessageContaining("use rcpt:PATTERN");
        assertThatThrownBy(() -> FakeSmtpServer.builder().inbox("team-a", "rcpt:x.test").inbox("team-a", "auth:y"))
                .hasMessageContaining("inbox \"team-a\" is defined twice");
        assertThatThrownBy(() -> FakeSmtpServer.builder().inboxPort("default", 0))
                .hasMessageContaining("the default inbox takes the main port's mail");
        assertThatThrownBy(() -> FakeSmtpServer.builder().inboxPort("qa", 70000))
                .hasMessageContaining("between 0 and 65535");
        Inboxes inboxes = FakeSmtpServer.builder().build().inboxes();
        assertThatThrownBy(() -> inboxes.remove("default")).hasMessageContaining("cannot be removed");
        assertThatThrownBy(() -> inboxes.define("default", List.of(InboxRoute.parse("rcpt:x.test"))))
                .hasMessageContaining("takes the mail no route takes");
    }

    @Test
    void a_port_in_use_is_refused_and_leaves_no_inbox_port_behind() throws Exception {
        server = FakeSmtpServer.builder().build().start();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> server.openInboxPort("qa", taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already in use");
        }
        assertThat(server.inboxPorts()).isEmpty();
        assertThat(server.openInboxPort("qa", 0)).isPositive();
    }

    @Test
    void routes_match_case_insensitively_with_stars() {
        InboxRoute domain = InboxRoute.parse("rcpt:Team-A.test");
        assertThat(domain.matches("bob@team-a.TEST")).isTrue();
        assertThat(domain.matches("bob@sub.team-a.test")).isFalse();
        assertThat(InboxRoute.parse("rcpt:*.team-a.test").matches("bob@sub.team-a.test")).isTrue();
        assertThat(InboxRoute.parse("rcpt:billing@*").matches("billing@x.test")).isTrue();
        assertThat(InboxRoute.parse("rcpt:billing@*").matches("bob@x.test")).isFalse();
        assertThat(InboxRoute.parse("auth:ci-*").matches("CI-bot")).isTrue();
        assertThat(InboxRoute.parse("auth:ci-*").matches(null)).isFalse();
        assertThat(InboxRoute.parse("rcpt:a+b@x.test").matches("a+b@x.test")).as("no regex").isTrue();
    }
}
