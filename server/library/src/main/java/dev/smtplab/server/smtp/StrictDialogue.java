package dev.smtplab.server.smtp;

import dev.smtplab.server.scenario.Personality;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.Session;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The strict mode's answers: what Postfix says to the commands people get wrong, checked before
 * the failure rules see a command, and Postfix's wording (with enhanced status codes) for the
 * ones it accepts. The lenient mode skips all of this and lets SubEthaSMTP answer as it always has.
 *
 * <p>Each reply text here is Postfix 3.7's for the same input, on a default configuration with
 * {@code reject_non_fqdn_sender}; the conformance suite (ConformanceIT) compares them side by side.
 */
final class StrictDialogue {
    private static final String ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-\\u0080-\\uFFFF]";
    private static final Pattern DOT_STRING = Pattern.compile(ATEXT + "+(\\." + ATEXT + "+)*");
    private static final Pattern QUOTED_STRING = Pattern.compile("\"([\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e\\u0080-\\uFFFF]"
            + "|\\\\[\\x20-\\x7e])*\"");
    private static final Pattern SUB_DOMAIN = Pattern.compile("[A-Za-z0-9\\u0080-\\uFFFF]([A-Za-z0-9\\-\\u0080-\\uFFFF]*"
            + "[A-Za-z0-9\\u0080-\\uFFFF])?");
    private static final Pattern ADDRESS_LITERAL = Pattern.compile("\\[(\\d{1,3}(\\.\\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+)]");
    private static final Pattern KEYWORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9\\-]*");
    private static final Pattern VALUE = Pattern.compile("[\\x21-\\x3c\\x3e-\\x7e\\u0080-\\uFFFF]+");

    private final SmtpSettings settings;

    StrictDialogue(SmtpSettings settings) {
        this.settings = settings;
    }

    /**
     * Postfix's smtpd_hard_error_limit: once a session has had this many error replies, the next
     * command gets 421 and the connection closes. Returns true when it did.
     */
    boolean tooManyErrors(ConnectionRecorder recorder, Session session) throws IOException {
        if (recorder.errorCount() < settings.limits().maxErrors()) {
            return false;
        }
        recorder.endedBy("the client made " + recorder.errorCount() + " errors, the most a session may make");
        session.sendResponse("421 4.7.0 " + settings.hostName() + " Error: too many errors");
        session.quit();
        return true;
    }

    /** What the strict mode says before anything else looks at a command; null when the command may go on. */
    String refusal(String verb, String commandLine, Session session) {
        return switch (verb) {
            case "MAIL" -> mailRefusal(commandLine, session);
            case "RCPT" -> rcptRefusal(commandLine, session);
            case "DATA" -> !argument(commandLine, verb).isEmpty() ? "501 5.5.4 Syntax: DATA"
                    : !session.isMailTransactionInProgress() ? "503 5.5.1 Error: need RCPT command"
                    : session.getRecipientCount() == 0 ? "554 5.5.1 Error: no valid recipients" : null;
            // The first BDAT of a transaction; SubEthaSMTP reads the ones after it itself.
            case "BDAT" -> !session.isMailTransactionInProgress() ? "503 5.5.1 Error: need RCPT command"
                    : session.getRecipientCount() == 0 ? "554 5.5.1 Error: no valid recipients" : null;
            case "STARTTLS" -> !argument(commandLine, verb).isEmpty() ? "501 5.5.4 Syntax: STARTTLS" : null;
            case "HELO", "EHLO" -> argument(commandLine, verb).isEmpty() ? "501 Syntax: " + verb + " hostname" : null;
            default -> null;
        };
    }

    /**
     * Carries out an accepted command with Postfix's reply; false for the commands SubEthaSMTP
     * carries out itself (DATA, EHLO, STARTTLS, AUTH, ...).
     */
    boolean perform(String verb, String commandLine, Session session) throws IOException {
        switch (verb) {
            case "MAIL" -> {
                EnvelopeCommand mail = EnvelopeCommand.parse(commandLine, "FROM:");
                if (!mail.address().isEmpty() && !isFullyQualified(mail.address())) {
                    // Postfix's reject_non_fqdn_sender: a policy, so after the rules had their say.
                    session.sendResponse("504 5.5.2 <" + mail.address() + ">: Sender address rejected: need "
                            + "fully-qualified address");
                    return true;
                }
                String size = parameter(mail.parameters(), "SIZE");
                session.setDeclaredMessageSize(size == null ? 0 : (int) Long.parseLong(size));
                session.startMailTransaction();
                try {
                    session.getMessageHandler().from(mail.address());
                } catch (RejectException e) {
                    session.sendResponse(e.getErrorResponse());
                    session.resetMailTransaction();
                    return true;
                }
                session.sendResponse(words(session).reply(Personality.Reply.MAIL, "250 2.1.0 Ok", helo(session),
                        mail.address(), null));
            }
            case "RCPT" -> {
                EnvelopeCommand rcpt = EnvelopeCommand.parse(commandLine, "TO:");
                try {
                    session.getMessageHandler().recipient(rcpt.address());
                } catch (RejectException e) {
                    session.sendResponse(e.getErrorResponse());
                    return true;
                }
                session.addRecipient(rcpt.address());
                session.sendResponse(words(session).reply(Personality.Reply.RCPT, "250 2.1.5 Ok", helo(session),
                        rcpt.address(), null));
            }
            case "EHLO" -> {
                session.resetMailTransaction();
                session.setHelo(argument(commandLine, verb));
                session.sendResponse(String.join("\r\n", ehloLines(session)));
            }
            case "HELO" -> {
                // As SubEthaSMTP did before a personality could word the reply: the first word is the name.
                session.resetMailTransaction();
                session.setHelo(argument(commandLine, verb).split("\\s+")[0]);
                session.sendResponse(words(session).reply(Personality.Reply.HELO, "250 " + settings.hostName(),
                        helo(session), null, null));
            }
            case "NOOP" -> session.sendResponse(words(session).reply(Personality.Reply.NOOP, "250 2.0.0 Ok",
                    helo(session), null, null));
            case "AUTH" -> {
                // The server's own answer when no rule gave one: rules may still play a login.
                if (settings.auth().enabled()) {
                    return false;
                }
                session.sendResponse("503 5.5.1 Error: authentication not enabled");
            }
            // Postfix's disable_vrfy_command = yes, as hardened servers answer.
            case "VRFY" -> session.sendResponse("502 5.5.1 VRFY command is disabled");
            case "RSET" -> {
                session.resetMailTransaction();
                session.sendResponse(words(session).reply(Personality.Reply.RSET, "250 2.0.0 Ok", helo(session),
                        null, null));
            }
            case "QUIT" -> {
                session.sendResponse(words(session).reply(Personality.Reply.QUIT, "221 2.0.0 Bye", helo(session),
                        null, null));
                session.quit();
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** 552 for a MAIL whose SIZE is all digits but over the limit (however many digits); else null. */
    static String sizeOverLimit(String commandLine, int maxMessageSize) {
        String size = parameter(EnvelopeCommand.parse(commandLine, "FROM:").parameters(), "SIZE");
        if (size == null || !size.matches("\\d+")) {
            return null;
        }
        boolean over = size.length() > 18 || Long.parseLong(size) > maxMessageSize;
        return over ? "552 5.3.4 Message size exceeds fixed limit" : null;
    }

    /**
     * The EHLO reply, listing what this server really does, in Postfix's order: PIPELINING (commands
     * are answered in order, RFC 2920), STARTTLS only before TLS (RFC 3207, 4.2), AUTH only over TLS
     * unless plaintext logins are allowed, ENHANCEDSTATUSCODES (every reply here carries one but the
     * greeting, EHLO's and 354), DSN (its parameters are validated and recorded).
     */
    private java.util.List<String> ehloLines(Session session) {
        boolean overTls = session.isTLSStarted() || session.getSocket() instanceof TlsTappedSocket;
        java.util.List<String> personality = words(session).ehlo(helo(session), overTls,
                settings.tls() != null && !overTls,
                settings.auth().enabled() && (overTls || settings.auth().allowPlaintext()));
        if (personality != null) {
            return personality;
        }
        java.util.List<String> extensions = new java.util.ArrayList<>();
        extensions.add("PIPELINING");
        extensions.add("SIZE " + settings.maxMessageSize());
        if (settings.tls() != null && !overTls) {
            extensions.add("STARTTLS");
        }
        if (settings.auth().enabled() && (overTls || settings.auth().allowPlaintext())) {
            extensions.add("AUTH " + String.join(" ", LabAuthentication.MECHANISMS));
        }
        extensions.add("ENHANCEDSTATUSCODES");
        extensions.add("8BITMIME");
        extensions.add("DSN");
        extensions.add("SMTPUTF8");
        extensions.add("CHUNKING");
        java.util.List<String> lines = new java.util.ArrayList<>();
        lines.add("250-" + settings.hostName());
        for (int i = 0; i < extensions.size(); i++) {
            lines.add((i < extensions.size() - 1 ? "250-" : "250 ") + extensions.get(i));
        }
        return lines;
    }

    private static ConnectionWords words(Session session) {
        return Tapped.of(session).words();
    }

    private static String helo(Session session) {
        return session.getHelo().orElse(null);
    }

    private String mailRefusal(String commandLine, Session session) {
        if (session.isMailTransactionInProgress()) {
            return "503 5.5.1 Error: nested MAIL command";
        }
        String argument = argument(commandLine, "MAIL");
        if (!argument.toUpperCase(Locale.ROOT).startsWith("FROM:")) {
            return "501 5.5.4 Syntax: MAIL FROM:<address>";
        }
        if (argument.substring(5).isBlank()) {
            return "501 5.5.4 Syntax: MAIL FROM:<address>";
        }
        Path path = path(argument.substring(5));
        if (path == null || !path.address().isEmpty() && !isMailbox(path.address())) {
            return "501 5.1.7 Bad sender address syntax";
        }
        String parameterProblem = parameters(path.parameters(), true);
        if (parameterProblem != null) {
            return parameterProblem;
        }
        return sizeOverLimit(commandLine, settings.maxMessageSize());
    }

    private String rcptRefusal(String commandLine, Session session) {
        if (!session.isMailTransactionInProgress()) {
            return "503 5.5.1 Error: need MAIL command";
        }
        String argument = argument(commandLine, "RCPT");
        if (!argument.toUpperCase(Locale.ROOT).startsWith("TO:")) {
            return "501 5.5.4 Syntax: RCPT TO:<address>";
        }
        if (argument.substring(3).isBlank()) {
            return "501 5.5.4 Syntax: RCPT TO:<address>";
        }
        Path path = path(argument.substring(3));
        if (path == null || path.address().isEmpty() || !isMailbox(path.address())) {
            return "501 5.1.3 Bad recipient address syntax";
        }
        String parameterProblem = parameters(path.parameters(), false);
        if (parameterProblem != null) {
            return parameterProblem;
        }
        if (session.getRecipientCount() >= settings.limits().maxRecipients()) {
            return "452 4.5.3 Error: too many recipients";
        }
        return null;
    }

    /** A path and what follows it: "<a@b.test> SIZE=1", or a bare address as Postfix also takes. */
    private record Path(String address, String parameters) {
    }

    private static Path path(String text) {
        String rest = text.strip();
        if (rest.startsWith("<")) {
            int close = rest.indexOf('>');
            if (close < 0) {
                return null;
            }
            String after = rest.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(" ")) {
                return null;
            }
            return new Path(rest.substring(1, close), after.strip());
        }
        if (rest.isEmpty()) {
            return null;
        }
        int space = rest.indexOf(' ');
        return new Path(space < 0 ? rest : rest.substring(0, space), space < 0 ? "" : rest.substring(space + 1).strip());
    }

    /** RFC 5321, 4.1.2: Local-part "@" (Domain / address-literal); a local part alone is checked later. */
    private static boolean isMailbox(String address) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        if (!(DOT_STRING.matcher(local).matches() || QUOTED_STRING.matcher(local).matches())) {
            return false;
        }
        if (at < 0) {
            return true;
        }
        String domain = address.substring(at + 1);
        if (ADDRESS_LITERAL.matcher(domain).matches()) {
            return true;
        }
        // A root-qualified name ("example.org.") is a name all the same, as Postfix takes it.
        if (domain.endsWith(".") && domain.length() > 1) {
            domain = domain.substring(0, domain.length() - 1);
        }
        for (String label : domain.split("\\.", -1)) {
            if (!SUB_DOMAIN.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** Postfix's reject_non_fqdn_sender: a domain with a dot, or an address literal. */
    private static boolean isFullyQualified(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return false;
        }
        String domain = address.substring(at + 1);
        return domain.startsWith("[") || domain.contains(".");
    }

    /** Checks each keyword[=value] against what the server offers; the first problem as Postfix words it. */
    private static String parameters(String text, boolean mail) {
        if (text.isEmpty()) {
            return null;
        }
        for (String parameter : text.split(" +")) {
            int equals = parameter.indexOf('=');
            String keyword = equals < 0 ? parameter : parameter.substring(0, equals);
            String value = equals < 0 ? null : parameter.substring(equals + 1);
            if (!KEYWORD.matcher(keyword).matches() || value != null && !VALUE.matcher(value).matches()) {
                return "501 5.5.4 Bad parameter syntax: " + parameter;
            }
            String known = keyword.toUpperCase(Locale.ROOT);
            String problem = mail ? switch (known) {
                case "SIZE" -> value == null || !value.matches("\\d{1,18}") ? "501 5.5.4 Bad message size syntax" : null;
                case "BODY" -> value != null && (value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))
                        ? null : "555 5.5.4 Unsupported option: " + parameter;
                case "SMTPUTF8" -> value == null ? null : "555 5.5.4 Unsupported option: " + parameter;
                case "AUTH" -> value == null ? "501 5.5.4 Bad AUTH parameter syntax" : null;
                // RFC 3461's MAIL parameters, recorded with the message.
                case "RET" -> value != null && (value.equalsIgnoreCase("FULL") || value.equalsIgnoreCase("HDRS"))
                        ? null : "501 5.5.4 Bad RET parameter syntax";
                case "ENVID" -> value != null && value.length() <= 100 ? null : "501 5.5.4 Bad ENVID parameter syntax";
                default -> "555 5.5.4 Unsupported option: " + parameter;
            } : switch (known) {
                // RFC 3461's RCPT parameters, recorded with the recipient.
                case "NOTIFY" -> value != null && (value.equalsIgnoreCase("NEVER")
                        || value.toUpperCase(Locale.ROOT).matches("(SUCCESS|FAILURE|DELAY)(,(SUCCESS|FAILURE|DELAY))*"))
                        ? null : "501 5.5.4 Error: Bad NOTIFY parameter syntax";
                case "ORCPT" -> value != null && value.matches("[A-Za-z0-9\\-]+;.+") ? null
                        : "501 5.5.4 Error: Bad ORCPT parameter syntax";
                default -> "555 5.5.4 Unsupported option: " + parameter;
            };
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String parameter(Map<String, String> parameters, String keyword) {
        for (Map.Entry<String, String> entry : parameters.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(keyword)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** What follows the verb, without the spaces around it. */
    private static String argument(String commandLine, String verb) {
        String line = commandLine.strip();
        return line.length() > verb.length() ? line.substring(verb.length()).strip() : "";
    }
}
