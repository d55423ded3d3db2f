package dev.smtplab.server.record;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A message taken apart: its text and HTML bodies and its attachments. The one MIME walk that the
 * web UI, the API and the test assertions share, so they agree on what an attachment is.
 *
 * <p>A leaf part is an attachment when its disposition says so, when it has a file name, or when
 * it is not text (an inline image without a name is still one). The first text/plain and the first
 * text/html leaf that are not attachments are the bodies.
 */
public final class MessageParts {
    /** Multiparts this deep are not opened: each level re-reads what it holds, so depth costs time. */
    static final int MAX_DEPTH = 100;
    /** Parts past this many are not opened. */
    static final int MAX_PARTS = 10_000;

    /**
     * An attachment.
     *
     * @param index       its place among the message's attachments, from 0
     * @param filename    the file name it was sent with, or null
     * @param contentType its MIME type, lower case, without parameters
     * @param size        its decoded size in bytes
     */
    public record Attachment(int index, String filename, String contentType, int size) {
        @Override
        public String toString() {
            return (filename == null ? "(no name)" : filename) + " (" + contentType + ")";
        }
    }

    private String text;
    private String html;
    private boolean parsed;
    private final List<Attachment> attachments = new ArrayList<>();
    private final List<Part> attachmentParts = new ArrayList<>();
    private final java.util.Set<String> omitted = new java.util.LinkedHashSet<>();
    private int partsOpened;

    private MessageParts() {
    }

    public static MessageParts of(RecordedMessage message) {
        MessageParts simple = simpleText(message.dataBytes());
        return simple != null ? simple : walked(message);
    }

    /**
     * A message that is one plain text part (no Content-Type or text/plain in US-ASCII or UTF-8, no
     * encoding or 7bit/8bit/binary, no disposition or file name), its body valid in its charset:
     * taken apart without Jakarta Mail, with the same result; null for any other message. Most mail
     * an application sends in a test is like this, and the MIME parser was the top of the profile
     * of storing it.
     */
    static MessageParts simpleText(byte[] data) {
        RawHeaders headers = RawHeaders.scan(data);
        if (!headers.plain() || headers.first("Content-Disposition").isPresent()) {
            return null;
        }
        String encoding = headers.first("Content-Transfer-Encoding").orElse("7bit").toLowerCase(Locale.ROOT);
        if (!encoding.equals("7bit") && !encoding.equals("8bit") && !encoding.equals("binary")) {
            return null;
        }
        String charset = null;
        Optional<String> contentType = headers.first("Content-Type");
        if (contentType.isPresent()) {
            try {
                jakarta.mail.internet.ContentType type = new jakarta.mail.internet.ContentType(contentType.get());
                if (!type.match("text/plain") || type.getParameter("name") != null) {
                    return null;
                }
                charset = type.getParameter("charset");
            } catch (jakarta.mail.internet.ParseException e) {
                return null;
            }
        }
        String body;
        int start = headers.bodyStart();
        if (charset == null) {
            body = unlabelledText(data, start);
        } else if (charset.equalsIgnoreCase("utf-8")) {
            body = strictUtf8(data, start);
            if (body == null) {
                return null; // Jakarta Mail would put U+FFFD where the bytes are invalid
            }
        } else if (charset.equalsIgnoreCase("us-ascii")) {
            if (!isAscii(data, start)) {
                return null;
            }
            body = new String(data, start, data.length - start, java.nio.charset.StandardCharsets.US_ASCII);
        } else {
            return null;
        }
        MessageParts parts = new MessageParts();
        parts.text = body;
        parts.parsed = true;
        return parts;
    }

    private static String strictUtf8(byte[] data, int start) {
        if (isAscii(data, start)) {
            // ASCII reads the same in UTF-8 and in ISO-8859-1, whose decoding is a plain copy.
            return new String(data, start, data.length - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(data, start, data.length - start)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isAscii(byte[] data, int start) {
        for (int i = start; i < data.length; i++) {
            if (data[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** The message taken apart by Jakarta Mail's MIME parser, whatever it holds. */
    static MessageParts walked(RecordedMessage message) {
        MessageParts parts = new MessageParts();
        try {
            parts.walk(message.toMimeMessage(), 0);
            parts.parsed = true;
        } catch (MessagingException | IOException | RuntimeException e) {
            // A message that does not parse is still readable raw; its parts are unknown.
            parts.text = message.dataAsString();
            parts.html = null;
            parts.attachments.clear();
            parts.attachmentParts.clear();
            parts.omitted.clear();
        }
        return parts;
    }

    private void walk(Part part, int depth) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            if (depth >= MAX_DEPTH) {
                omitted.add("parts nested deeper than " + MAX_DEPTH + " levels were not opened");
                return;
            }
            if (part.getContent() instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    if (partsOpened == MAX_PARTS) {
                        omitted.add("only the first " + MAX_PARTS + " parts were opened");
                        return;
                    }
                    partsOpened++;
                    BodyPart child = multipart.getBodyPart(i);
                    walk(child, depth + 1);
                }
                return;
            }
        }
        boolean isAttachment = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null
                || !part.isMimeType("text/*");
        if (!isAttachment && part.isMimeType("text/plain")) {
            if (text == null) {
                text = decodedText(part);
            }
        } else if (!isAttachment && part.isMimeType("text/html")) {
            if (html == null) {
                html = decodedText(part);
            }
        } else if (isAttachment) {
            byte[] bytes;
            try (InputStream in = part.getInputStream()) {
                bytes = in.readAllBytes();
            }
            String type = part.getContentType() == null ? "application/octet-stream"
                    : part.getContentType().split(";")[0].trim().toLowerCase(Locale.ROOT);
            attachments.add(new Attachment(attachments.size(), part.getFileName(), type, bytes.length));
            attachmentParts.add(part);
        }
    }

    /**
     * A text part's characters. A part that names no charset is US-ASCII by the MIME rules, but
     * people typing a message by hand send UTF-8 without saying so: bytes that are valid UTF-8 are
     * read as UTF-8 (ASCII is valid UTF-8 too), anything else as ISO-8859-1, so no byte is lost.
     */
    private static String decodedText(Part part) throws MessagingException, IOException {
        String contentType = part.getContentType();
        boolean namesCharset = contentType != null
                && new jakarta.mail.internet.ContentType(contentType).getParameter("charset") != null;
        if (namesCharset) {
            return String.valueOf(part.getContent());
        }
        byte[] bytes;
        try (InputStream in = part.getInputStream()) {
            bytes = in.readAllBytes();
        }
        return unlabelledText(bytes, 0);
    }

    /** Text that names no charset: UTF-8 when the bytes are valid UTF-8, else ISO-8859-1, so no byte is lost. */
    private static String unlabelledText(byte[] data, int start) {
        String utf8 = strictUtf8(data, start);
        return utf8 != null ? utf8
                : new String(data, start, data.length - start, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The text body; for a message that is not valid MIME, the whole raw message. */
    public Optional<String> text() {
        return Optional.ofNullable(text);
    }

    public Optional<String> html() {
        return Optional.ofNullable(html);
    }

    public List<Attachment> attachments() {
        return List.copyOf(attachments);
    }

    /** What of a hostile message was left unopened (too deep, too many parts); empty for ordinary mail. */
    public List<String> omitted() {
        return List.copyOf(omitted);
    }

    /** False when the message could not be parsed as MIME; it then has a raw text body and no parts. */
    public boolean parsed() {
        return parsed;
    }

    /**
     * The decoded bytes of one attachment.
     *
     * @throws IndexOutOfBoundsException for an index that is not an attachment's
     */
    public byte[] attachmentBytes(int index) throws IOException {
        try (InputStream in = attachmentParts.get(index).getInputStream()) {
            return in.readAllBytes();
        } catch (MessagingException e) {
            throw new IOException("attachment " + index + " cannot be decoded: " + e.getMessage(), e);
        }
    }
}
