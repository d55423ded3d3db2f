package dev.smtplab.server.web;

import dev.smtplab.server.record.MessageParts;
import dev.smtplab.server.record.Recipient;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.StoredMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.Rejection;
import dev.smtplab.server.record.RuleFiring;
import dev.smtplab.server.record.TranscriptLine;
import dev.smtplab.server.scenario.Presets;
import dev.smtplab.server.scenario.Rule;
import dev.smtplab.server.scenario.RulesWriter;
import dev.smtplab.server.scenario.Scenario;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the API sends: plain records, so the JSON is exactly their fields. */
final class Dtos {
    private Dtos() {
    }

    /** A message in a list; {@code cursor} is its place in arrival order, for {@code before=} and {@code after=}. */
    record MessageSummary(String id, String sessionId, Instant receivedAt, String from, List<String> to,
                          String subject, int size, long cursor, String inbox, boolean read) {
        static MessageSummary of(StoredMessage stored) {
            RecordedMessage message = stored.message();
            return new MessageSummary(message.id(), message.sessionId(), message.receivedAt(), message.mailFrom(),
                    message.acceptedRecipients(), message.subject().orElse(""), message.size(), stored.cursor(),
                    message.inbox(), stored.read());
        }
    }

    /** @param unread how many of the {@code total} are unread */
    record MessagePage(List<MessageSummary> messages, int total, int unread, String nextBefore) {
        static MessagePage of(dev.smtplab.server.record.MessagePage page, int unread) {
            return new MessagePage(page.messages().stream().map(MessageSummary::of).toList(), page.total(), unread,
                    page.nextBefore().isPresent() ? Long.toString(page.nextBefore().getAsLong()) : null);
        }
    }

    record Header(String name, String value) {
    }

    /** One transcript line of a session being watched live, with its place in the transcript. */
    record LiveLine(String sessionId, int index, Instant at, String direction, String text) {
        static LiveLine of(String sessionId, int index, dev.smtplab.server.record.TranscriptLine line) {
            return new LiveLine(sessionId, index, line.at(), line.direction().name(), line.text());
        }
    }

    record MessageDetail(String id, String sessionId, long connectionIndex, int transactionIndex, Instant receivedAt,
                         String clientAddress, int clientPort, String helo, String mailFrom,
                         Map<String, String> mailParameters, List<Recipient> recipients, String subject,
                         List<Header> headers, String text, String html, List<MessageParts.Attachment> attachments,
                         int size, boolean tls, String tlsProtocol, String tlsCipher, String authUser,
                         List<String> suspiciousEndOfData, List<String> partsOmitted, Map<String, String> links,
                         String inbox, boolean read) {
        static MessageDetail of(RecordedMessage message, boolean read) {
            MessageParts view = MessageParts.of(message);
            List<Header> headers = new ArrayList<>();
            message.headerList().forEach(entry -> headers.add(new Header(entry.getKey(), entry.getValue())));
            String base = "/api/v1/messages/" + message.id();
            return new MessageDetail(message.id(), message.sessionId(), message.connectionIndex(),
                    message.transactionIndex(), message.receivedAt(), message.clientAddress(), message.clientPort(),
                    message.helo().orElse(null), message.mailFrom(), message.mailParameters(), message.recipients(),
                    message.subject().orElse(""), headers, view.text().orElse(null), view.html().orElse(null), view.attachments(), message.size(),
                    message.overTls(), message.tlsProtocol().orElse(null), message.tlsCipher().orElse(null),
                    message.authUser().orElse(null), message.suspiciousEndOfData(), view.omitted(),
                    Map.of("raw", base + "/raw", "html", base + "/html",
                    "session", "/api/v1/sessions/" + message.sessionId()), message.inbox(), read);
        }
    }

    /**
     * @param rulesFired    the ids of the rules that fired, in order
     * @param lastRejection the last 4xx or 5xx reply the server sent in the session, or null
     */
    record SessionSummary(String id, long connectionIndex, String clientAddress, int clientPort, Instant startedAt,
                          Instant endedAt, String helo, String outcome, String outcomeDetail, int messages,
                          List<String> rulesFired, RejectionView lastRejection, String tlsProtocol, String authUser,
                          List<String> inboxes) {
        static SessionSummary of(RecordedSession session) {
            return new SessionSummary(session.id(), session.connectionIndex(), session.clientAddress(),
                    session.clientPort(), session.startedAt(), session.endedAt(), session.helo(),
                    session.outcome().name(), session.outcomeDetail(), session.messageIds().size(),
                    session.rulesFired().stream().map(RuleFiring::ruleId).toList(),
                    session.lastRejection().map(RejectionView::of).orElse(null), session.tlsProtocol(),
                    session.authUser(), session.inboxes());
        }
    }

    /** @param reply the reply's last line, the one with the code and no dash */
    record RejectionView(Instant at, String stage, int code, String reply) {
        static RejectionView of(Rejection rejection) {
            return new RejectionView(rejection.at(), rejection.stage().key(), rejection.code(), rejection.lastLine());
        }
    }

    record RuleFiringView(Instant at, String ruleId, String stage, String effect) {
        static RuleFiringView of(RuleFiring firing) {
            return new RuleFiringView(firing.at(), firing.ruleId(), firing.stage().key(), firing.effect());
        }
    }

    record TranscriptEntry(Instant at, String direction, String text) {
        static TranscriptEntry of(TranscriptLine line) {
            return new TranscriptEntry(line.at(), line.direction().name(), line.text());
        }
    }

    record SessionDetail(SessionSummary session, List<TranscriptEntry> transcript, long omittedTranscriptLines,
                         List<String> messageIds, List<RuleFiringView> rulesFired, List<RejectionView> rejections,
                         int pipelinedCommands) {
        static SessionDetail of(RecordedSession session) {
            return new SessionDetail(SessionSummary.of(session),
                    session.transcript().stream().map(TranscriptEntry::of).toList(),
                    session.omittedTranscriptLines(), session.messageIds(),
                    session.rulesFired().stream().map(RuleFiringView::of).toList(),
                    session.rejections().stream().map(RejectionView::of).toList(), session.pipelinedCommands());
        }
    }

    record PresetState(String name, String description, boolean active, String spec) {
    }

    /**
     * A rule in force. {@code rule} is in the rules file's shape, the one POST /rules takes; origin
     * is "added" or "preset"; summary is a line for people.
     */
    record RuleState(String id, String origin, String summary, Map<String, Object> rule) {
        static RuleState of(Rule rule, boolean fromPreset) {
            return new RuleState(rule.id(), fromPreset ? "preset" : "added", rule.effect().describe(),
                    RulesWriter.rule(rule));
        }
    }

    record FailureModes(String connectionMode, boolean magicAddresses, int maxConnectionsPerClient,
                        int maxConnectionsPerMinute, List<PresetState> presets, List<RuleState> rules,
                        Map<String, Object> rulesFile) {
        static FailureModes of(Scenario scenario) {
            List<PresetState> presets = new ArrayList<>();
            for (Map.Entry<String, String> preset : Presets.DESCRIPTIONS.entrySet()) {
                String spec = scenario.presets().stream()
                        .filter(active -> Scenario.presetName(active).equals(preset.getKey())).findFirst().orElse(null);
                presets.add(new PresetState(preset.getKey(), preset.getValue(), spec != null, spec));
            }
            List<RuleState> rules = new ArrayList<>();
            for (Rule rule : scenario.rules()) {
                rules.add(RuleState.of(rule, !scenario.customRules().contains(rule)));
            }
            return new FailureModes(scenario.connectionMode().key(), scenario.magicAddresses(),
                    scenario.maxConnectionsPerClient(), scenario.maxConnectionsPerMinute(), presets, rules,
                    RulesWriter.scenario(scenario));
        }
    }

    /**
     * @param port     the inbox's own SMTP port, or null
     * @param scenario "own" when it has failure modes of its own, "server" when it follows the server's
     * @param messages how many messages it holds
     */
    record InboxView(String name, List<String> routes, Integer port, String scenario, int messages, int unread,
                     String messagesUrl) {
    }

    /**
     * A transcript {@code smtplab learn} saved: what its file name and first line say. The fields of
     * the first line are null when it is not the line the client writes.
     *
     * @param savedAt the local time in the file's name, as the learner's clock had it
     */
    record LessonTranscript(String name, int lesson, String lessonId, Integer stepsReached, Integer steps,
                            boolean finished, String savedAt, long size) {
    }

    record ApiError(int status, String error) {
    }
}
