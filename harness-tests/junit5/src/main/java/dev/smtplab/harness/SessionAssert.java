package dev.smtplab.harness;

import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.Rejection;
import dev.smtplab.server.record.RuleFiring;
import dev.smtplab.server.scenario.SmtpStage;
import org.assertj.core.api.AbstractAssert;

/** Assertions on a recorded session; a failure shows its transcript. */
public final class SessionAssert extends AbstractAssert<SessionAssert, RecordedSession> {
    private Rejection rejection;

    SessionAssert(RecordedSession actual) {
        super(actual, SessionAssert.class);
    }

    /**
     * The server refused a command at this stage with a 4xx or 5xx reply (at CONNECT: the greeting;
     * at MESSAGE: the reply after the content). Follow with {@link #withCode(int)}.
     */
    public SessionAssert wasRejectedAt(SmtpStage stage) {
        isNotNull();
        for (Rejection candidate : actual.rejections()) {
            if (candidate.stage() == stage) {
                rejection = candidate;
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
        if (rejection.code() != code) {
            failWithActualExpectedAndMessage(rejection.code(), code,
                    "expected the rejection to have code %d but it was \"%s\"%nits transcript:%n%s", code,
                    rejection.lastLine(), actual.transcriptText());
        }
        return this;
    }

    /** This rule (or "responder", or "magic-address") fired in the session, at any stage. */
    public SessionAssert hadRuleFired(String ruleId) {
        isNotNull();
        if (actual.rulesFired().stream().noneMatch(firing -> firing.ruleId().equals(ruleId))) {
            failWithMessage("expected rule \"%s\" to fire but %s%nits transcript:%n%s", ruleId,
                    actual.rulesFired().isEmpty() ? "no rule fired"
                            : "only these fired: " + actual.rulesFired().stream().map(RuleFiring::ruleId).toList(),
                    actual.transcriptText());
        }
        return this;
    }
}
