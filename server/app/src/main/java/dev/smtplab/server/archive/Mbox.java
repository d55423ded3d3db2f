package dev.smtplab.server.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The mboxrd format (as mutt, Thunderbird and Python's mailbox read it): each message after a
 * {@code From sender date} line, its lines ended by LF, a line that begins with any number of
 * {@code >} and then {@code From } gets one more {@code >}, and a blank line after each message.
 * Reading undoes all of it; messages come back with CRLF line ends, as SMTP carries them.
 */
public final class Mbox {
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Mbox() {
    }

    /** Writes one message: its From line, its content with LF line ends and From lines quoted, a blank line. */
    public static void write(OutputStream out, String sender, Instant received, byte[] content) throws IOException {
        out.write(("From " + (sender == null || sender.isEmpty() ? "MAILER-DAEMON" : sender.replace(' ', '_')) + " "
                + ASCTIME.format(received) + "\n").getBytes(StandardCharsets.UTF_8));
        int start = 0;
        while (start < content.length) {
            int end = start;
            while (end < content.length && content[end] != '\n') {
                end++;
            }
            int lineEnd = end > start && content[end - 1] == '\r' ? end - 1 : end;
            if (isFromLine(content, start, lineEnd)) {
                out.write('>');
            }
            out.write(content, start, lineEnd - start);
            out.write('\n');
            start = end + 1;
        }
        out.write('\n');
    }

    /**
     * The messages of an mbox, each with CRLF line ends and its From quoting undone.
     *
     * @throws IllegalArgumentException when the text does not start with a From line
     */
    public static List<byte[]> read(byte[] mbox) {
        List<byte[]> messages = new ArrayList<>();
        if (!startsWith(mbox, 0, "From ")) {
            throw new IllegalArgumentException("not an mbox: it must start with a \"From \" line (the sender and "
                    + "date that begin each message)");
        }
        ByteArrayOutputStream message = null;
        int start = 0;
        boolean previousBlank = true;
        while (start < mbox.length) {
            int end = start;
            while (end < mbox.length && mbox[end] != '\n') {
                end++;
            }
            int lineEnd = end > start && mbox[end - 1] == '\r' ? end - 1 : end;
            if (previousBlank && startsWith(mbox, start, "From ")) {
                if (message != null) {
                    messages.add(withoutLastBlankLine(message.toByteArray()));
                }
                message = new ByteArrayOutputStream();
            } else {
                int from = isFromLine(mbox, start, lineEnd) ? start + 1 : start;
                message.write(mbox, from, lineEnd - from);
                message.write('\r');
                message.write('\n');
            }
            previousBlank = lineEnd == start;
            start = end + 1;
        }
        if (message != null) {
            messages.add(withoutLastBlankLine(message.toByteArray()));
        }
        return messages;
    }

    /** The blank line mbox puts after each message is not the message's. */
    private static byte[] withoutLastBlankLine(byte[] message) {
        int length = message.length;
        if (length >= 4 && message[length - 4] == '\r' && message[length - 3] == '\n' && message[length - 2] == '\r'
                && message[length - 1] == '\n') {
            length -= 2;
        }
        return java.util.Arrays.copyOf(message, length);
    }

    /** A line of {@code >}s (any number, none included) and then {@code From }. */
    private static boolean isFromLine(byte[] text, int start, int end) {
        int at = start;
        while (at < end && text[at] == '>') {
            at++;
        }
        return startsWith(text, at, "From ") && at + 5 <= end;
    }

    private static boolean startsWith(byte[] text, int at, String prefix) {
        if (at + prefix.length() > text.length) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (text[at + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
