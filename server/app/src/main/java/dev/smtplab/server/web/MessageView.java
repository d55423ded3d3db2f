package dev.smtplab.server.web;

import dev.smtplab.server.record.RecordedMessage;
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

/** A message taken apart for people: its text and HTML bodies and its attachments (Jakarta Mail). */
final class MessageView {
    /** An attachment: its place among the attachments, for the download link. */
    record Attachment(int index, String filename, String contentType, int size) {
    }

    private String text;
    private String html;
    private final List<Attachment> attachments = new ArrayList<>();
    private final List<Part> attachmentParts = new ArrayList<>();

    private MessageView() {
    }

    static MessageView of(RecordedMessage message) {
        MessageView view = new MessageView();
        try {
            MimeMessage mime = message.toMimeMessage();
            view.walk(mime);
        } catch (MessagingException | IOException | RuntimeException e) {
            // A message that does not parse is still shown raw; its parts are simply unknown.
            view.text = view.text == null ? message.dataAsString() : view.text;
        }
        return view;
    }

    private void walk(Part part) throws MessagingException, IOException {
        String disposition = part.getDisposition();
        boolean isAttachment = Part.ATTACHMENT.equalsIgnoreCase(disposition) || part.getFileName() != null;
        if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                walk(child);
            }
        } else if (!isAttachment && part.isMimeType("text/plain") && text == null) {
            text = String.valueOf(part.getContent());
        } else if (!isAttachment && part.isMimeType("text/html") && html == null) {
            html = String.valueOf(part.getContent());
        } else if (isAttachment || !part.isMimeType("text/*")) {
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

    String text() {
        return text;
    }

    String html() {
        return html;
    }

    List<Attachment> attachments() {
        return attachments;
    }

    /** The decoded bytes of one attachment. */
    byte[] attachmentBytes(int index) throws MessagingException, IOException {
        try (InputStream in = attachmentParts.get(index).getInputStream()) {
            return in.readAllBytes();
        }
    }
}
