package dev.smtplab.server.record;

import dev.smtplab.server.scenario.SmtpStage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WhatHappenedTest {

    private static RecordedSession refusedAtRcpt(String id) {
        return new RecordedSession(id, Long.parseLong(id), "127.0.0.1", 40000, Instant.EPOCH, Instant.EPOCH,
                "app.test", SessionOutcome.CLIENT_QUIT, "the client sent QUIT", List.of(), 0, List.of(), null, null,
                null, List.of(), List.of(new Rejection(Instant.EPOCH, SmtpStage.RCPT, 550,
                "550 5.1.1 <bob@example.test>: Recipient address rejected: User unknown")));
    }

    private static RecordedSession delivered(String id) {
        return new RecordedSession(id, Long.parseLong(id), "127.0.0.1", 40000, Instant.EPOCH, Instant.EPOCH,
                "app.test", SessionOutcome.COMPLETED, "the client sent QUIT", List.of(), 0, List.of("7"));
    }

    @Test
    void no_session_at_all_points_at_the_host_and_port() {
        assertThat(WhatHappened.inSessions(List.of(), 0)).isEqualTo("No client connected to the server at all: is the "
                + "code under test given this server's host and port?");
    }

    @Test
    void a_refused_session_is_told_with_its_stage_and_reply() {
        assertThat(WhatHappened.inSessions(List.of(delivered("1"), refusedAtRcpt("2")), 1)).isEqualTo(
                "1 session(s) delivered no message:" + System.lineSeparator()
                        + "  session 2 from 127.0.0.1 (app.test): refused at RCPT with \"550 5.1.1 "
                        + "<bob@example.test>: Recipient address rejected: User unknown\"; the client sent QUIT");
    }

    @Test
    void only_the_last_five_are_told() {
        List<RecordedSession> sessions = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            sessions.add(refusedAtRcpt(Integer.toString(i)));
        }
        String story = WhatHappened.inSessions(sessions, 0);
        assertThat(story).startsWith("8 session(s) delivered no message; the last 5:")
                .doesNotContain("session 3 ").contains("session 4 ", "session 8 ");
    }

    @Test
    void sessions_that_all_delivered_say_so() {
        assertThat(WhatHappened.inSessions(List.of(delivered("1")), 1))
                .isEqualTo("1 session(s) connected, and each delivered its message(s).");
    }
}
