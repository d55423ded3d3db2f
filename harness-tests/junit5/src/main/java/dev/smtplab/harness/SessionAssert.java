package dev.smtplab.harness;

import dev.smtplab.server.record.Direction;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.TranscriptLine;
import dev.smtplab.server.scenario.SmtpStage;
import org.assertj.core.api.AbstractAssert;

import java.util.List;
import java.util.Locale;

/** Assertions on a recorded session; a failure shows its transcript. */
public final class SessionAssert extends AbstractAssert<SessionAssert, RecordedSession> {
    private String rejection;

    SessionAssert(RecordedSession actual) {
        super(actual, SessionAssert.class);
    }

    /**
     * The server refused a command at this stage with a 4xx or 5xx reply (at CONNECT: the greeting).
     * Follow with {@link #withCode(int)}.
     */
    public SessionAssert wasRejectedAt(SmtpStage stage) {
        isNotNull();
        List<TranscriptLine> lines = actual.transcript();
        for (int i = 0; i < lines.size(); i++) {
            TranscriptLine line = lines.get(i);
            boolean atStage = stage == SmtpStage.CONNECT ? i == 0 && line.direction() == Direction.SERVER
                    : line.direction() == Direction.CLIENT && isStage(line.text(), stage);
            if (!atStage) {
                continue;
            }
            String reply = stage == SmtpStage.CONNECT ? line.text() : nextReply(lines, i);
            if (reply != null && (reply.startsWith("4") || reply.startsWith("5"))) {
                rejection = reply;
                return this;
            }
        }
        failWithMessage("expected the session to be rejected at %s but it was not%nits transcript:%n%s",
                stage.key(), actual.transcriptText());
        return this;
    }

    /** The rejection found by {@link #wasRejectedAt} had this reply code. */
    public SessionAssert withCode(int code) {
        if (rejection == null) {
            failWithMessage("call wasRejectedAt(stage) before withCode(code)");
        }
        if (!rejection.startsWith(Integer.toString(code))) {
            failWithMessage("expected the rejection to have code %d but it was \"%s\"%nits transcript:%n%s", code,
                    rejection, actual.transcriptText());
        }
        return this;
    }

    private static boolean isStage(String command, SmtpStage stage) {
        String verb = command.trim().split("\\s+")[0].toUpperCase(Locale.ROOT);
        if (stage == SmtpStage.MESSAGE) {
            return command.startsWith("[message content");
        }
        return SmtpStage.ofVerb(verb).map(found -> found == stage).orElse(false);
    }

    private static String nextReply(List<TranscriptLine> lines, int from) {
        for (int i = from + 1; i < lines.size(); i++) {
            TranscriptLine line = lines.get(i);
            if (line.direction() == Direction.SERVER && (line.text().length() < 4 || line.text().charAt(3) != '-')) {
                return line.text();
            }
            if (line.direction() == Direction.CLIENT) {
                return null;
            }
        }
        return null;
    }
}
