package dev.smtplab.harness;

import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;

/** Entry point: {@code import static dev.smtplab.harness.SmtpLabAssertions.assertThat;}. */
public final class SmtpLabAssertions {
    private SmtpLabAssertions() {
    }

    public static MessageAssert assertThat(RecordedMessage message) {
        return new MessageAssert(message);
    }

    public static SessionAssert assertThat(RecordedSession session) {
        return new SessionAssert(session);
    }
}
