package dev.smtplab.client.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What each EHLO capability means, in plain words. */
public final class Capabilities {
    private Capabilities() {
    }

    public static List<String> explain(List<String> capabilities) {
        List<String> notes = new ArrayList<>();
        for (String capability : capabilities) {
            String[] words = capability.trim().split("\\s+", 2);
            String keyword = words[0].toUpperCase(Locale.ROOT);
            String argument = words.length > 1 ? words[1] : "";
            String note = switch (keyword) {
                case "SIZE" -> argument.isEmpty() || argument.equals("0") ? "SIZE: no size limit announced"
                        : "SIZE " + argument + ": messages up to " + megabytes(argument) + " are accepted";
                case "STARTTLS" -> "STARTTLS: the connection can switch to TLS";
                case "AUTH" -> "AUTH " + argument + ": clients can log in with " + argument.replace(" ", ", ");
                case "PIPELINING" -> "PIPELINING: several commands may be sent without waiting for each reply";
                case "8BITMIME" -> "8BITMIME: 8-bit message bodies are accepted (BODY=8BITMIME)";
                case "SMTPUTF8" -> "SMTPUTF8: addresses and headers may be UTF-8";
                case "CHUNKING" -> "CHUNKING: BDAT can send the message in chunks";
                case "ENHANCEDSTATUSCODES" -> "ENHANCEDSTATUSCODES: replies carry RFC 3463 codes such as 5.1.1";
                case "DSN" -> "DSN: delivery status notifications can be asked for (RET=, ENVID=, NOTIFY=, ORCPT=)";
                case "BINARYMIME" -> "BINARYMIME: binary message bodies with BDAT";
                case "VRFY" -> "VRFY: the server answers questions about addresses (most refuse)";
                case "ETRN" -> "ETRN: a client can ask the server to flush its queue for a domain";
                case "XCLIENT", "XFORWARD" -> keyword + ": a Postfix extension for proxies and content filters";
                case "REQUIRETLS" -> "REQUIRETLS: messages can demand TLS all the way";
                default -> null;
            };
            if (note != null) {
                notes.add(note);
            }
        }
        return notes;
    }

    private static String megabytes(String bytes) {
        try {
            return String.format(Locale.ROOT, "%.1f MB", Long.parseLong(bytes) / 1024.0 / 1024.0);
        } catch (NumberFormatException e) {
            return bytes + " bytes";
        }
    }
}
