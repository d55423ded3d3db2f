package dev.smtplab.server.record;

import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;

import java.io.ByteArrayInputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * One SMTP transaction, MAIL FROM to the final dot: the envelope as the client gave it and the
 * message bytes exactly as received (dot-unstuffed, no Received header added). One record per
 * transaction, however many recipients it had. Headers and the subject are parsed on demand.
 */
public final class RecordedMessage {
    private static final Session MAIL_SESSION = mailSession();

    private final String id;
    private final String sessionId;
    private final long connectionIndex;
    private final int transactionIndex;
    private final Instant receivedAt;
    private final String clientAddress;
    private final int clientPort;
    private final String helo;
    private final String mailFrom;
    private final Map<String, String> mailParameters;
    private final List<Recipient> recipients;
    private final byte[] data;
    private final String tlsProtocol;
    private final String tlsCipher;
    private final String authUser;
    private final List<String> suspiciousEndOfData;
    private final String inbox;
    private volatile InternetHeaders parsedHeaders;

    public RecordedMessage(String id, String sessionId, long connectionIndex, int transactionIndex,
                           Instant receivedAt, String clientAddress, int clientPort, String helo,
                           String mailFrom, Map<String, String> mailParameters,
                           List<Recipient> recipients, byte[] data) {
        this(id, sessionId, connectionIndex, transactionIndex, receivedAt, clientAddress, clientPort, helo, mailFrom,
                mailParameters, recipients, data, null, null, null);
    }

    /** A message with the TLS protocol and cipher it came over, and the user who sent it (each may be null). */
    public RecordedMessage(String id, String sessionId, long connectionIndex, int transactionIndex,
                           Instant receivedAt, String clientAddress, int clientPort, String helo,
                           String mailFrom, Map<String, String> mailParameters,
                           List<Recipient> recipients, byte[] data, String tlsProtocol, String tlsCipher,
                           String authUser) {
        this(id, sessionId, connectionIndex, transactionIndex, receivedAt, clientAddress, clientPort, helo, mailFrom,
                mailParameters, recipients, data, tlsProtocol, tlsCipher, authUser, List.of());
    }

    /** A message and the end-of-data look-alikes its content held (see {@link #suspiciousEndOfData()}). */
    public RecordedMessage(String id, String sessionId, long connectionIndex, int transactionIndex,
                           Instant receivedAt, String clientAddress, int clientPort, String helo,
                           String mailFrom, Map<String, String> mailParameters,
                           List<Recipient> recipients, byte[] data, String tlsProtocol, String tlsCipher,
                           String authUser, List<String> suspiciousEndOfData) {
        this(id, sessionId, connectionIndex, transactionIndex, receivedAt, clientAddress, clientPort, helo, mailFrom,
                mailParameters, recipients, data, tlsProtocol, tlsCipher, authUser, suspiciousEndOfData,
                dev.smtplab.server.inbox.Inboxes.DEFAULT);
    }

    /** A message and the inbox it was routed to (see {@link dev.smtplab.server.inbox.Inboxes}). */
    public RecordedMessage(String id, String sessionId, long connectionIndex, int transactionIndex,
                           Instant receivedAt, String clientAddress, int clientPort, String helo,
                           String mailFrom, Map<String, String> mailParameters,
                           List<Recipient> recipients, byte[] data, String tlsProtocol, String tlsCipher,
                           String authUser, List<String> suspiciousEndOfData, String inbox) {
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.suspiciousEndOfData = List.copyOf(suspiciousEndOfData);
        this.tlsProtocol = tlsProtocol;
        this.tlsCipher = tlsCipher;
        this.authUser = authUser;
        this.id = Objects.requireNonNull(id, "id");
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.connectionIndex = connectionIndex;
        this.transactionIndex = transactionIndex;
        this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt");
        this.clientAddress = Objects.requireNonNull(clientAddress, "clientAddress");
        this.clientPort = clientPort;
        this.helo = helo;
        this.mailFrom = Objects.requireNonNull(mailFrom, "mailFrom");
        this.mailParameters = Collections.unmodifiableMap(new LinkedHashMap<>(mailParameters));
        this.recipients = List.copyOf(recipients);
        this.data = data.clone();
    }

    public String id() { return id; }

    /** The id of the {@link RecordedSession} this transaction happened in. */
    public String sessionId() { return sessionId; }

    /** Which connection to the server this was: 1 for the first. */
    public long connectionIndex() { return connectionIndex; }

    /** Which transaction (MAIL command accepted) on its connection this was: 1 for the first. */
    public int transactionIndex() { return transactionIndex; }

    /** When the final dot arrived. */
    public Instant receivedAt() { return receivedAt; }

    public String clientAddress() { return clientAddress; }

    public int clientPort() { return clientPort; }

    /** The inbox the message was routed to; {@code "default"} when no route took it. */
    public String inbox() { return inbox; }

    /** The HELO/EHLO name in force for this transaction, if the client gave one. */
    public Optional<String> helo() { return Optional.ofNullable(helo); }

    /** The MAIL FROM address; "" for the null reverse path {@code <>}. */
    public String mailFrom() { return mailFrom; }

    /** MAIL FROM's ESMTP parameters (SIZE, BODY, SMTPUTF8 ...) in the order sent; "" for no value. */
    public Map<String, String> mailParameters() { return mailParameters; }

    /** Every RCPT TO of the transaction with the reply it got, accepted or not, in order. */
    public List<Recipient> recipients() { return recipients; }

    /** The addresses the server accepted, in order: where this message went. */
    public List<String> acceptedRecipients() {
        List<String> accepted = new ArrayList<>(recipients.size());
        for (Recipient recipient : recipients) {
            if (recipient.accepted()) {
                accepted.add(recipient.address());
            }
        }
        return accepted;
    }

    /** The TLS protocol the message came over ("TLSv1.3"), if it came over TLS. */
    public Optional<String> tlsProtocol() { return Optional.ofNullable(tlsProtocol); }

    public Optional<String> tlsCipher() { return Optional.ofNullable(tlsCipher); }

    /** True when the whole transaction went over TLS (STARTTLS or implicit TLS). */
    public boolean overTls() { return tlsProtocol != null; }

    /** The user the client had logged in as (AUTH), if it had. */
    public Optional<String> authUser() { return Optional.ofNullable(authUser); }

    /** The message bytes as the client meant them: after dot-unstuffing, nothing added. */
    public byte[] data() { return data.clone(); }

    public int size() { return data.length; }

    /** The bytes themselves, not a copy: for readers in this package that only read them. */
    byte[] dataBytes() { return data; }

    /**
     * End-of-data look-alikes the content held as it arrived (before dot-unstuffing): a dot alone
     * between line ends that are not both CRLF ({@code <LF>.<LF>}, {@code <CRLF>.<LF>}, ...). SMTP
     * Lab ends DATA only at {@code <CRLF>.<CRLF>} and keeps the message whole, but a server that
     * takes one of these as the end would cut it there and read the rest as commands: SMTP
     * smuggling. Seen here, the client or a relay on the way emits them. Empty when there are none.
     */
    public List<String> suspiciousEndOfData() { return suspiciousEndOfData; }

    /** The message as text, decoded as UTF-8 (invalid bytes shown as U+FFFD). */
    public String dataAsString() { return new String(data, StandardCharsets.UTF_8); }

    /** The value of the first header with this name, unfolded and RFC 2047-decoded. */
    public Optional<String> header(String name) {
        if (parsedHeaders == null) {
            RawHeaders raw = RawHeaders.scan(data);
            if (raw.plain()) {
                return raw.first(name).map(RecordedMessage::decode);
            }
        }
        String[] values = headers().getHeader(name);
        if (values == null || values.length == 0) {
            return Optional.empty();
        }
        return Optional.of(decode(MimeUtility.unfold(values[0]).trim()));
    }

    /** Every value of headers with this name, in order, unfolded and decoded. */
    public List<String> headerValues(String name) {
        String[] values = headers().getHeader(name);
        if (values == null) {
            return List.of();
        }
        return Arrays.stream(values).map(value -> decode(MimeUtility.unfold(value).trim())).toList();
    }

    /** All header names and raw values, in order. */
    public List<Map.Entry<String, String>> headerList() {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        for (Header header : Collections.list(headers().getAllHeaders())) {
            list.add(Map.entry(header.getName(), header.getValue()));
        }
        return list;
    }

    public Optional<String> subject() {
        return header("Subject");
    }

    /** The http(s) links of the text and HTML bodies, decoded, once each (see {@link MessageLinks}). */
    public List<String> links() {
        return MessageLinks.of(this).links();
    }

    /** The first link in which the regular expression finds a match: {@code firstLink("/confirm\\?token=")}. */
    public Optional<String> firstLink(String regex) {
        return MessageLinks.of(this).firstLink(regex);
    }

    /** The first one-time code: 4 to 8 digits standing alone, outside links (see {@link MessageLinks#DEFAULT_CODE}). */
    public Optional<String> code() {
        return MessageLinks.of(this).code();
    }

    /** The first match of your pattern in the readable text (its group 1 if it has one), outside links. */
    public Optional<String> code(java.util.regex.Pattern pattern) {
        return MessageLinks.of(this).codes(pattern).stream().findFirst();
    }

    /** A fresh Jakarta Mail view of the message, for bodies and attachments. */
    public MimeMessage toMimeMessage() {
        try {
            return new MimeMessage(MAIL_SESSION, new ByteArrayInputStream(data));
        } catch (MessagingException e) {
            throw new IllegalStateException("message " + id + " cannot be parsed: " + e.getMessage(), e);
        }
    }

    private InternetHeaders headers() {
        InternetHeaders headers = parsedHeaders;
        if (headers == null) {
            try {
                headers = new InternetHeaders(new ByteArrayInputStream(data), true);
            } catch (MessagingException e) {
                headers = new InternetHeaders();
            }
            parsedHeaders = headers;
        }
        return headers;
    }

    private static String decode(String value) {
        try {
            return MimeUtility.decodeText(value);
        } catch (UnsupportedEncodingException e) {
            return value;
        }
    }

    private static Session mailSession() {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.allowutf8", "true");
        return Session.getInstance(properties);
    }

    @Override
    public String toString() {
        return "RecordedMessage[id=" + id + ", from=<" + mailFrom + ">, to=" + acceptedRecipients()
                + ", size=" + data.length + ", session=" + sessionId + "]";
    }
}
