package dev.smtplab.client.send;

import jakarta.activation.DataHandler;
import jakarta.activation.FileDataSource;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** Builds the message send sends: headers, a text body and attachments, as MIME (Jakarta Mail). */
public final class MessageComposer {
    private MessageComposer() {
    }

    /**
     * @param headers "Name: value" lines added as they are
     * @throws IllegalArgumentException for a malformed address, header or unreadable attachment, naming it
     */
    public static byte[] compose(String from, List<String> to, List<String> cc, String subject, String body,
                                 List<String> headers, List<Path> attachments) {
        if (headers.isEmpty() && attachments.isEmpty()) {
            byte[] plain = PlainMessage.compose(from, to, cc, subject, body, MailDate.now());
            if (plain != null) {
                return plain;
            }
        }
        return withJakartaMail(from, to, cc, subject, body, headers, attachments);
    }

    /** As {@link #compose}, always through Jakarta Mail: any message, and the reference for {@link PlainMessage}. */
    static byte[] withJakartaMail(String from, List<String> to, List<String> cc, String subject, String body,
                                  List<String> headers, List<Path> attachments) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom(address(from, "--from"));
            for (String recipient : to) {
                message.addRecipient(Message.RecipientType.TO, address(recipient, "--to"));
            }
            for (String recipient : cc) {
                message.addRecipient(Message.RecipientType.CC, address(recipient, "--cc"));
            }
            message.setSubject(subject, "UTF-8");
            message.setHeader("Date", MailDate.now());
            for (String header : headers) {
                int colon = header.indexOf(':');
                if (colon < 1 || header.substring(0, colon).chars().anyMatch(c -> c <= ' ' || c >= 127)) {
                    throw new IllegalArgumentException("--header \"" + header + "\" is not \"Name: value\"");
                }
                message.addHeader(header.substring(0, colon), header.substring(colon + 1).trim());
            }
            if (attachments.isEmpty()) {
                message.setText(body, "UTF-8");
            } else {
                MimeMultipart parts = new MimeMultipart();
                MimeBodyPart text = new MimeBodyPart();
                text.setText(body, "UTF-8");
                parts.addBodyPart(text);
                for (Path attachment : attachments) {
                    if (!Files.isReadable(attachment) || Files.isDirectory(attachment)) {
                        throw new IllegalArgumentException("--attach " + attachment + ": no such readable file");
                    }
                    MimeBodyPart part = new MimeBodyPart();
                    part.setDataHandler(new DataHandler(new FileDataSource(attachment.toFile())));
                    part.setFileName(attachment.getFileName().toString());
                    parts.addBodyPart(part);
                }
                message.setContent(parts);
            }
            message.saveChanges();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            message.writeTo(bytes);
            return bytes.toByteArray();
        } catch (MessagingException | IOException e) {
            throw new IllegalArgumentException("cannot build the message: " + e.getMessage(), e);
        }
    }

    private static InternetAddress address(String address, String option) {
        try {
            InternetAddress parsed = new InternetAddress(address, false);
            return parsed;
        } catch (AddressException e) {
            throw new IllegalArgumentException(option + " \"" + address + "\" is not an address: " + e.getMessage());
        }
    }
}
