package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import org.assertj.core.api.Assertions;

/**
 * Entry point: {@code import static dev.smtplab.harness.SmtpLabAssertions.assertThat;}. It extends
 * AssertJ's {@code Assertions}, so that one import gives AssertJ's {@code assertThat} for strings,
 * lists and the rest as well: two static imports of {@code assertThat} would hide each other.
 */
public class SmtpLabAssertions extends Assertions {
    protected SmtpLabAssertions() {
    }

    public static MessageAssert assertThat(RecordedMessage message) {
        return new MessageAssert(message);
    }

    public static SessionAssert assertThat(RecordedSession session) {
        return new SessionAssert(session);
    }

    public static ServerAssert assertThat(FakeSmtpServer server) {
        return new ServerAssert(server);
    }

    /** The server of the calling test. */
    public static ServerAssert assertThat(SmtpLabExtension extension) {
        return new ServerAssert(extension.server());
    }
}
