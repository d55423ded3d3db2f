package dev.smtplab.client.send;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The message of a plain send (plain addresses, a short ASCII subject, an ASCII text body, no extra
 * header, no attachment) written directly, as Jakarta Mail writes it: the same headers in the same
 * order and form, the same body. Setting up Jakarta Mail was a third of a one-message send's start;
 * anything outside this plain case still goes through it ({@link MessageComposer}), and
 * PlainMessageTest compares the two over thousands of inputs.
 */
final class PlainMessage {
    /** An address Jakarta Mail writes back as given: no display name, quoting, comment or route. */
    private static final Pattern PLAIN_ADDRESS = Pattern.compile(
            "[A-Za-z0-9_%+-]+(\\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*");
    /** Jakarta Mail folds a header line longer than this. */
    private static final int FOLD_AT = 76;
    /** Jakarta Mail sends a text with a longer line as quoted-printable. */
    private static final int LONGEST_7BIT_LINE = 998;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private PlainMessage() {
    }

    /** The message, or null when it is not plain enough to be written without Jakarta Mail. */
    static byte[] compose(String from, List<String> to, List<String> cc, String subject, String body, String date) {
        if (!PLAIN_ADDRESS.matcher(from).matches() || !allPlain(to) || !allPlain(cc) || !isPrintableAscii(subject)
                || !isSevenBitText(body)) {
            return null;
        }
        StringBuilder message = new StringBuilder(body.length() + 400);
        if (!header(message, "Date: " + date) || !header(message, "From: " + from)
                || !to.isEmpty() && !header(message, "To: " + String.join(", ", to))
                || !cc.isEmpty() && !header(message, "Cc: " + String.join(", ", cc))) {
            return null;
        }
        message.append("Message-ID: <").append(new Object().hashCode()).append('.').append(SEQUENCE.getAndIncrement())
                .append('.').append(System.currentTimeMillis()).append('@').append(localHost()).append(">\r\n");
        if (!header(message, "Subject: " + subject)) {
            return null;
        }
        message.append("MIME-Version: 1.0\r\n")
                .append("Content-Type: text/plain; charset=UTF-8\r\n")
                .append("Content-Transfer-Encoding: 7bit\r\n")
                .append("\r\n")
                .append(body);
        return message.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Appends the line; false when Jakarta Mail would have folded it. */
    private static boolean header(StringBuilder message, String line) {
        if (line.length() > FOLD_AT) {
            return false;
        }
        message.append(line).append("\r\n");
        return true;
    }

    private static boolean allPlain(List<String> addresses) {
        return addresses.stream().allMatch(address -> PLAIN_ADDRESS.matcher(address).matches());
    }

    private static boolean isPrintableAscii(String text) {
        return text.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && (text.isEmpty() || text.charAt(0) != ' ')
                && !text.endsWith(" ");
    }

    /** ASCII text that Jakarta Mail sends as 7bit: no control characters but line ends and tabs, no long line. */
    private static boolean isSevenBitText(String body) {
        int lineLength = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\n' || c == '\r') {
                lineLength = 0;
            } else if (c >= 0x7f || c < 0x20 && c != '\t' || ++lineLength > LONGEST_7BIT_LINE) {
                return false;
            }
        }
        return true;
    }

    /** The host name Jakarta Mail puts in a Message-ID when the session names none. */
    private static String localHost() {
        try {
            InetAddress me = InetAddress.getLocalHost();
            String host = me.getCanonicalHostName();
            if (host == null || host.isEmpty()) {
                return "localhost";
            }
            // An address, not a name: written as a domain literal, as Jakarta Mail does.
            return host.equals(me.getHostAddress()) ? "[" + host + "]" : host;
        } catch (UnknownHostException | SecurityException e) {
            return "localhost";
        }
    }
}
