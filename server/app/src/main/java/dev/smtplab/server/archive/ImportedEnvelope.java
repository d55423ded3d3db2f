package dev.smtplab.server.archive;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.MessagingException;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The envelope of a message read from a file, which has none: the sender from Return-Path (what
 * the delivering server recorded), else From; the recipients from Delivered-To or X-Original-To,
 * else To, Cc and Bcc.
 *
 * @param mailFrom   the envelope sender; "" for a null sender {@code <>}
 * @param recipients the envelope recipients, at least one
 */
public record ImportedEnvelope(String mailFrom, List<String> recipients) {

    /** @throws IllegalArgumentException naming what is missing or malformed */
    public static ImportedEnvelope of(byte[] content) {
        InternetHeaders headers;
        try {
            headers = new InternetHeaders(new ByteArrayInputStream(content), true);
        } catch (MessagingException e) {
            throw new IllegalArgumentException("its headers cannot be read: " + e.getMessage(), e);
        }
        String mailFrom = null;
        String returnPath = headers.getHeader("Return-Path", null);
        if (returnPath != null) {
            String path = returnPath.trim();
            mailFrom = path.equals("<>") ? "" : addresses(path, "Return-Path").stream().findFirst().orElse(null);
        }
        if (mailFrom == null) {
            String from = headers.getHeader("From", ",");
            if (from == null) {
                throw new IllegalArgumentException("it has neither a Return-Path nor a From header to take the "
                        + "envelope sender from");
            }
            mailFrom = addresses(from, "From").get(0);
        }
        List<String> recipients = new ArrayList<>();
        for (String header : new String[] {"Delivered-To", "X-Original-To"}) {
            String value = headers.getHeader(header, ",");
            if (value != null) {
                recipients.addAll(addresses(value, header));
            }
        }
        if (recipients.isEmpty()) {
            for (String header : new String[] {"To", "Cc", "Bcc"}) {
                String value = headers.getHeader(header, ",");
                if (value != null) {
                    recipients.addAll(addresses(value, header));
                }
            }
        }
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("it has no Delivered-To, X-Original-To, To, Cc or Bcc header to take "
                    + "the recipients from");
        }
        return new ImportedEnvelope(mailFrom, List.copyOf(recipients));
    }

    private static List<String> addresses(String value, String header) {
        try {
            List<String> found = new ArrayList<>();
            for (InternetAddress address : InternetAddress.parseHeader(value, true)) {
                if (address.getAddress() != null && !address.getAddress().isBlank()) {
                    found.add(address.getAddress());
                }
            }
            if (found.isEmpty()) {
                throw new IllegalArgumentException("its " + header + " header holds no address: " + value);
            }
            return found;
        } catch (AddressException e) {
            throw new IllegalArgumentException("its " + header + " header is not an address list: " + value, e);
        }
    }
}
