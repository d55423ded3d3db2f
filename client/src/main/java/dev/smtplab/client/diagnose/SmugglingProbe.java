package dev.smtplab.client.diagnose;

import dev.smtplab.client.protocol.EhloExchange;
import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.Sasl;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.protocol.SmtpProtocolException;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The SMTP smuggling probe (opt-in, for servers the user owns): one message whose body holds each
 * end-of-data sequence that is not CRLF.CRLF, each followed by a harmless NOOP. A server that keeps
 * the message whole answers the real end of data once; one that ended DATA early answers the text
 * after it as commands too, and each sequence is then tried alone (a message each) to name which
 * ones it takes as the end. A server that refuses bare CR or LF outright is not vulnerable either.
 */
final class SmugglingProbe {
    /** A sequence and its name as the SMTP smuggling research wrote it. */
    record Sequence(String name, String bytes) {
    }

    static final List<Sequence> SEQUENCES = List.of(
            new Sequence("<LF>.<LF>", "\n.\n"),
            new Sequence("<LF>.<CR><LF>", "\n.\r\n"),
            new Sequence("<CR><LF>.<LF>", "\r\n.\n"),
            new Sequence("<CR>.<CR><LF>", "\r.\r\n"),
            new Sequence("<CR><LF>.<CR>", "\r\n.\r"));

    private final Diagnoser.Options options;

    SmugglingProbe(Diagnoser.Options options) {
        this.options = options;
    }

    SmugglingCheck run(String host, String address, int port) {
        String where = dev.smtplab.client.protocol.HostAndPort.format(host, port);
        Attempt all = attempt(host, address, port, SEQUENCES);
        if (all.outcome() != SmugglingCheck.Outcome.ENDED_EARLY) {
            return new SmugglingCheck(where, all.outcome(), List.of(), all.replies(), all.detail());
        }
        List<SmugglingCheck.Variant> variants = new ArrayList<>();
        for (Sequence sequence : SEQUENCES) {
            Attempt one = attempt(host, address, port, List.of(sequence));
            variants.add(new SmugglingCheck.Variant(sequence.name(), one.outcome(), one.replies()));
        }
        return new SmugglingCheck(where, all.outcome(), variants, all.replies(), all.detail());
    }

    private record Attempt(SmugglingCheck.Outcome outcome, List<String> replies, String detail) {
    }

    private Attempt attempt(String host, String address, int port, List<Sequence> sequences) {
        boolean implicit = options.implicitTlsPorts().contains(port);
        try (SmtpConnection smtp = SmtpConnection.connect(host, address == null ? host : address, port,
                options.connectTimeout(), options.replyTimeout())) {
            if (implicit) {
                smtp.startTls(options.tls());
            }
            expect(smtp.readReply(), 220, "the banner");
            EhloExchange ehlo = EhloExchange.run(options.helo(), smtp::command);
            if (!implicit && ehlo.extensions().offers("STARTTLS")) {
                expect(smtp.command("STARTTLS"), 220, "STARTTLS");
                smtp.startTls(options.tls());
                EhloExchange.run(options.helo(), smtp::command);
            }
            if (options.authUser() != null) {
                expect(smtp.command("AUTH PLAIN " + Sasl.plain(options.authUser(), options.authPassword())), 235, "AUTH");
            }
            expect(smtp.command("MAIL FROM:<" + options.from() + ">"), 250, "MAIL FROM");
            expect(smtp.command("RCPT TO:<" + options.to() + ">"), 250, "RCPT TO");
            expect(smtp.command("DATA"), 354, "DATA");
            smtp.sendBytes(body(sequences));
            smtp.sendLine("QUIT");
            return outcome(smtp);
        } catch (Unexpected e) {
            return new Attempt(SmugglingCheck.Outcome.NOT_TRIED, List.of(), e.getMessage());
        } catch (IOException e) {
            return new Attempt(SmugglingCheck.Outcome.NOT_TRIED, List.of(), String.valueOf(e.getMessage()));
        }
    }

    /** The replies after the real end of data, up to QUIT's: one for the message means it was kept whole. */
    private Attempt outcome(SmtpConnection smtp) throws IOException {
        List<String> replies = new ArrayList<>();
        boolean quitAnswered = false;
        try {
            while (replies.size() < 20) {
                Reply reply = smtp.readReply();
                replies.add(reply.wireText().replace("\r\n", " ").strip());
                if (reply.code() == 221) {
                    quitAnswered = true;
                    break;
                }
            }
        } catch (SmtpProtocolException | SocketTimeoutException e) {
            // closed or silent: what came so far decides
        }
        if (replies.isEmpty()) {
            return new Attempt(SmugglingCheck.Outcome.NOT_TRIED, replies, "no reply to the end of data");
        }
        int forMessage = quitAnswered ? replies.size() - 1 : replies.size();
        if (forMessage > 1) {
            return new Attempt(SmugglingCheck.Outcome.ENDED_EARLY, replies, null);
        }
        return new Attempt(replies.get(0).startsWith("2") ? SmugglingCheck.Outcome.KEPT_WHOLE
                : SmugglingCheck.Outcome.REFUSED, replies, null);
    }

    /** The message: a header, then each sequence between two lines of text, then the real CRLF.CRLF. */
    static byte[] body(List<Sequence> sequences) {
        StringBuilder body = new StringBuilder("Subject: smtplab diagnose --probe-smuggling\r\n"
                + "From: <smtplab-probe@localhost>\r\n\r\n"
                + "This message tests how the server ends DATA (SMTP smuggling); it can be deleted.\r\n");
        int n = 1;
        for (Sequence sequence : sequences) {
            body.append("sequence ").append(n++).append(' ').append(sequence.name()).append(sequence.bytes())
                    .append("NOOP\r\n");
        }
        body.append("end of the probe\r\n.\r\n");
        return body.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void expect(Reply reply, int code, String step) throws Unexpected {
        if (reply.code() != code) {
            throw new Unexpected(step + " was answered " + reply.wireText().replace("\r\n", " ").strip());
        }
    }

    private static final class Unexpected extends IOException {
        Unexpected(String message) {
            super(message);
        }
    }
}
