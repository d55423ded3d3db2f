package dev.smtplab.server.smtp;

import dev.smtplab.server.scenario.Personality;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The words of one connection's positive replies: the personality of the scenario in force for it
 * (looked up at each reply, so a personality switched through the API applies at once), with its
 * placeholders filled in for this session. SMTP Lab's own words when there is none, and always in
 * the lenient mode, which keeps SubEthaSMTP's.
 */
final class ConnectionWords {
    /** As in a Date header and Exim's and Sendmail's greetings: "Sun, 06 Dec 2026 01:20:00 +0000". */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z",
            Locale.ROOT);

    private final ServerContext server;
    private final ConnectionRecorder recorder;

    ConnectionWords(ServerContext server, ConnectionRecorder recorder) {
        this.server = server;
        this.recorder = recorder;
    }

    Optional<Personality> personality() {
        if (server.settings.lenient()) {
            return Optional.empty();
        }
        return server.rules.scenario(recorder.listenerInbox()).personality();
    }

    /** The personality's text for this reply, filled in; {@code own} when it words it not. */
    String reply(Personality.Reply kind, String own, String helo, String address, String id) {
        return personality().map(personality -> personality.replies().get(kind))
                .map(text -> values(helo, address, id).fill(text)).orElse(own);
    }

    /** The personality's greeting, filled in; {@code own} when it has none. */
    String greeting(String own) {
        return personality().map(Personality::greeting).map(text -> values(null, null, null).fill(text)).orElse(own);
    }

    /**
     * The personality's EHLO reply lines with their codes, or null for SMTP Lab's own. Its words, not
     * its abilities: STARTTLS is offered only where this server can start TLS, and AUTH only where it
     * would take a login; the other capabilities stay as the personality lists them.
     */
    List<String> ehlo(String helo, boolean overTls, boolean startTlsPossible, boolean authPossible) {
        Optional<Personality> personality = personality().filter(p -> !p.ehlo().isEmpty());
        if (personality.isEmpty()) {
            return null;
        }
        Personality.Values values = values(helo, null, null);
        List<String> offered = new ArrayList<>();
        List<String> lines = overTls && !personality.get().ehloOverTls().isEmpty() ? personality.get().ehloOverTls()
                : personality.get().ehlo();
        offered.add(values.fill(lines.get(0)));
        for (String capability : lines.subList(1, lines.size())) {
            String keyword = capability.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            if ((keyword.equals("STARTTLS") && !startTlsPossible) || (keyword.equals("AUTH") && !authPossible)) {
                continue;
            }
            offered.add(values.fill(capability));
        }
        List<String> reply = new ArrayList<>();
        for (int i = 0; i < offered.size(); i++) {
            reply.add((i < offered.size() - 1 ? "250-" : "250 ") + offered.get(i));
        }
        return reply;
    }

    private Personality.Values values(String helo, String address, String id) {
        return new Personality.Values(server.hostName, recorder.clientAddress(), helo != null ? helo : recorder.helo(),
                DATE.format(server.clock.instant().atOffset(ZoneOffset.UTC)), address, id, trace());
    }

    /** A token of this session, the same in each of its replies, in the shape Gmail's have ("a1b2c3sm42.7"). */
    private String trace() {
        int hash = (recorder.sessionId() + "@" + server.hostName).hashCode();
        return Integer.toHexString(hash) + "sm" + recorder.sessionId() + "." + (hash >>> 28);
    }
}
