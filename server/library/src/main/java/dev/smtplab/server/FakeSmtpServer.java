package dev.smtplab.server;

import dev.smtplab.server.inbox.Inbox;
import dev.smtplab.server.inbox.InboxRoute;
import dev.smtplab.server.inbox.Inboxes;
import dev.smtplab.server.record.InMemoryMessageStore;
import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.record.ServerEventListener;
import dev.smtplab.server.scenario.Responder;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.ScenarioHolder;
import dev.smtplab.server.smtp.AuthSettings;
import dev.smtplab.server.smtp.LazySslContext;
import dev.smtplab.server.smtp.SmtpListener;
import dev.smtplab.server.smtp.SmtpLimits;
import dev.smtplab.server.smtp.SmtpSettings;
import dev.smtplab.server.tls.TlsMaterial;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A local fake SMTP server that records every session and every transaction.
 *
 * <pre>{@code
 * try (FakeSmtpServer smtp = FakeSmtpServer.builder().build().start()) {
 *     sendMail("localhost", smtp.port());
 *     RecordedMessage message = smtp.takeMessage(Duration.ofSeconds(5));
 * }
 * }</pre>
 */
public final class FakeSmtpServer implements AutoCloseable {
    /** What the server says it is in its greeting and EHLO reply unless told otherwise. */
    public static final String DEFAULT_HOST_NAME = "localhost";
    /** 25 MiB, advertised as SIZE in the EHLO reply. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 25 * 1024 * 1024;
    /** A message is held in one byte array, so 2 GiB less a little is the most there can be. */
    public static final int MAX_MESSAGE_SIZE_LIMIT = Integer.MAX_VALUE - 8;
    /** RFC 5321, 4.5.3.2.7 asks servers to wait at least 5 minutes for the next command; Postfix waits 300 s. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);
    /** Tries per report to the bounce relay: the first, then after 1, 2, 4 and 8 s (see Builder#bounceRelay). */
    static final int BOUNCE_RELAY_ATTEMPTS = 5;

    private final InetAddress bindAddress;
    private final String hostName;
    private final MessageStore store;
    private final ScenarioHolder scenarios;
    private final Inboxes inboxes;
    private final TlsMaterial tls;
    private final LazySslContext sslContext;
    private final SmtpListener listener;

    private FakeSmtpServer(Builder builder) {
        this.bindAddress = builder.bindAddress;
        this.hostName = builder.hostName;
        this.store = builder.store != null ? builder.store
                : new InMemoryMessageStore(builder.maxMessages, builder.maxSessions, builder.maxStoreBytes,
                builder.maxAge, builder.clock);
        this.scenarios = new ScenarioHolder(builder.scenario);
        this.inboxes = new Inboxes(scenarios);
        builder.inboxes.forEach(inboxes::define);
        this.tls = builder.tls;
        this.sslContext = tls == null ? null : new LazySslContext(tls::sslContext);
        SmtpSettings settings = new SmtpSettings(bindAddress, builder.port, builder.implicitTlsPort, hostName,
                builder.maxMessageSize, (int) builder.idleTimeout.toSeconds(), sslContext, builder.requireTls,
                builder.authSettings(),
                builder.lenient, builder.limits);
        this.listener = new SmtpListener(settings, store, inboxes, builder.clock);
        this.listener.responder(builder.responder);
        if (builder.bounceRelayHost != null) {
            this.listener.bounceRelay(builder.bounceRelayHost, builder.bounceRelayPort, builder.bounceRelayFirstRetry,
                    BOUNCE_RELAY_ATTEMPTS);
        }
        builder.inboxPorts.forEach(listener::openInboxPort);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and starts accepting connections.
     *
     * @throws IllegalStateException if the port cannot be bound (the message names it and why)
     */
    public FakeSmtpServer start() {
        listener.start();
        if (sslContext != null) {
            sslContext.warmUp();
        }
        return this;
    }

    /** Closes every open session and the port. A stopped server cannot be started again. */
    public void stop() {
        listener.stop();
    }

    @Override
    public void close() {
        stop();
    }

    /** The SMTP port clients connect to; with port 0 the one the system gave, once started. */
    public int port() {
        return listener.port();
    }

    /** Octets of message content being received right now, in all sessions (see {@link Builder#maxDataInFlight}). */
    public long dataInFlight() {
        return listener.dataInFlight();
    }

    /** The implicit-TLS (SMTPS) port, or -1 when the server has none. */
    public int implicitTlsPort() {
        return listener.implicitTlsPort();
    }

    /** The certificate the server presents (and the CA that issued it, when SMTP Lab made it). */
    public Optional<TlsMaterial> tls() {
        return Optional.ofNullable(tls);
    }

    /** The address the server listens on, as text ("127.0.0.1"). */
    public String host() {
        return bindAddress.getHostAddress();
    }

    public String hostName() {
        return hostName;
    }

    public MessageStore store() {
        return store;
    }

    /** The failure scenario in force. */
    public Scenario scenario() {
        return scenarios.get();
    }

    /**
     * Swaps the failure scenario while the server runs; it applies from the next connection or
     * command. The port follows its connection mode at once (refused, blocked, back on).
     */
    public void setScenario(Scenario scenario) {
        scenarios.set(scenario);
    }

    /**
     * Lets test code decide replies, before the scenario's rules, from the next command on (see
     * {@link Responder}); {@link Responder#NONE} takes it away.
     */
    public void setResponder(Responder responder) {
        listener.responder(Objects.requireNonNull(responder, "responder"));
    }

    /** Tells the listener of messages, sessions begun and ended, transcript lines, fired rules and replies as they happen. */
    public void addListener(ServerEventListener eventListener) {
        listener.addListener(Objects.requireNonNull(eventListener, "eventListener"));
    }

    /**
     * A session whose client is still connected, its transcript up to this moment (the store holds
     * a session's transcript once it ends); empty when no open connection has this id.
     */
    public java.util.Optional<dev.smtplab.server.record.RecordedSession> openSession(String sessionId) {
        return listener.openSession(sessionId);
    }

    /**
     * Records a message that did not come over SMTP (an {@code .eml} or mbox from production, say) as
     * if a session of its own had delivered it: the next id, the envelope given, listeners told.
     *
     * @param source where it came from, for its session's transcript ("upload", a file name)
     * @throws dev.smtplab.server.record.StoreUnavailableException when the store cannot keep it
     */
    public RecordedMessage importMessage(byte[] data, String mailFrom, List<String> recipients, String source) {
        return importMessage(data, mailFrom, recipients, source, null);
    }

    /**
     * {@link #importMessage(byte[], String, List, String)} into the inbox given, or (null) where its
     * recipients route it.
     *
     * @throws IllegalArgumentException when there is no such inbox
     */
    public RecordedMessage importMessage(byte[] data, String mailFrom, List<String> recipients, String source,
                                         String inbox) {
        if (inbox != null && !inboxes.exists(inbox)) {
            throw new IllegalArgumentException("no inbox \"" + inbox + "\"");
        }
        return listener.importMessage(data.clone(), Objects.requireNonNull(mailFrom, "mailFrom"),
                List.copyOf(recipients), Objects.requireNonNull(source, "source"), inbox);
    }

    /** The named inboxes and their routes; change them here while the server runs. */
    public Inboxes inboxes() {
        return inboxes;
    }

    /**
     * Defines an inbox (or replaces its routes) and gives it a port of its own, whose mail goes to it
     * whatever the routes say: one shared server, an inbox per test.
     *
     * @param port 0 for a free one
     * @return the port it listens on
     */
    public int openInboxPort(String inbox, int port) {
        if (!inboxes.exists(inbox)) {
            inboxes.define(inbox, List.of());
        }
        if (Inboxes.DEFAULT.equals(inbox)) {
            throw new IllegalArgumentException("the default inbox takes the main port's mail; give another name");
        }
        return listener.openInboxPort(inbox, port);
    }

    /** The messages of one inbox, with waits that see no other inbox's mail. */
    public dev.smtplab.server.inbox.InboxMessages inboxMessages(String inbox) {
        return new dev.smtplab.server.inbox.InboxMessages(inbox, store);
    }

    /** The port of the inbox's own listener, if it has one. */
    public java.util.OptionalInt inboxPort(String inbox) {
        Integer port = listener.inboxPorts().get(inbox);
        return port == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(port);
    }

    /** Every inbox port, by inbox name. */
    public Map<String, Integer> inboxPorts() {
        return listener.inboxPorts();
    }

    /**
     * Removes an inbox: its routes, its scenario and its port (open sessions on it close). Its
     * messages stay; delete them with {@code store().delete(MessageQuery.all().inInboxes(Set.of(name)))}.
     *
     * @return false when there was no such inbox
     */
    public boolean removeInbox(String inbox) {
        boolean closed = listener.closeInboxPort(inbox);
        return inboxes.remove(inbox) || closed;
    }

    /** The holder of the scenario, for code that changes it atomically or listens for changes. */
    public ScenarioHolder scenarios() {
        return scenarios;
    }

    public List<RecordedMessage> messages() {
        return store.messages();
    }

    public List<RecordedSession> sessions() {
        return store.sessions();
    }

    /** Waits until at least {@code count} messages are stored; see {@link MessageStore#awaitMessages}. */
    public List<RecordedMessage> awaitMessages(int count, Duration timeout) throws InterruptedException {
        return store.awaitMessages(count, timeout);
    }

    /** The oldest message not yet taken, waiting for it; see {@link MessageStore#takeMessage}. */
    public RecordedMessage takeMessage(Duration timeout) throws InterruptedException {
        return store.takeMessage(timeout);
    }

    /** Waits until a message matches, among those stored and those to come; see {@link MessageStore#awaitMessage}. */
    public RecordedMessage awaitMessage(Predicate<RecordedMessage> condition, Duration timeout)
            throws InterruptedException {
        return store.awaitMessage(condition, timeout);
    }

    /** Waits until a session matches; see {@link MessageStore#awaitSession}. */
    public RecordedSession awaitSession(Predicate<RecordedSession> condition, Duration timeout)
            throws InterruptedException {
        return store.awaitSession(condition, timeout);
    }

    /** Settings; every one has a default, so {@code builder().build()} is a working server on a free port. */
    public static final class Builder {
        private int port = 0;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private String hostName = DEFAULT_HOST_NAME;
        private boolean hostNameGiven;
        private int maxMessages = InMemoryMessageStore.DEFAULT_MAX_MESSAGES;
        private int maxSessions = InMemoryMessageStore.DEFAULT_MAX_SESSIONS;
        private long maxStoreBytes = InMemoryMessageStore.DEFAULT_MAX_BYTES;
        private Duration maxAge;
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private MessageStore store;
        private Clock clock = Clock.systemUTC();
        private Scenario scenario = Scenario.none();
        private TlsMaterial tls;
        private int implicitTlsPort = -1;
        private boolean requireTls;
        private final Map<String, String> users = new LinkedHashMap<>();
        private boolean authAcceptAny;
        /** A replayed recording offered AUTH: any login, unless users are given. */
        private boolean replayTakesAnyLogin;
        private String bounceRelayHost;
        private int bounceRelayPort;
        private Duration bounceRelayFirstRetry = Duration.ofSeconds(1);
        private boolean requireAuth;
        private boolean allowPlaintextAuth;
        private boolean lenient;
        private SmtpLimits limits = SmtpLimits.DEFAULTS;
        private Responder responder = Responder.NONE;
        private final List<Inbox> inboxes = new java.util.ArrayList<>();
        private final Map<String, Integer> inboxPorts = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * A named inbox: mail its routes take lands there (see {@link Inboxes}); with a scenario of
         * its own, sessions routed to it follow that one.
         */
        public Builder inbox(Inbox inbox) {
            Objects.requireNonNull(inbox, "inbox");
            // An inbox that only a port named so far takes its routes from here.
            boolean portOnly = inboxPorts.containsKey(inbox.name()) && inboxes.removeIf(known ->
                    known.name().equals(inbox.name()) && known.routes().isEmpty() && known.scenario().isEmpty());
            if (!portOnly && inboxes.stream().anyMatch(known -> known.name().equals(inbox.name()))) {
                throw new IllegalArgumentException("inbox \"" + inbox.name() + "\" is defined twice");
            }
            inboxes.add(inbox);
            return this;
        }

        /** A named inbox with these routes ({@code rcpt:*@team-a.test}, {@code auth:ci-bot}). */
        public Builder inbox(String name, String... routes) {
            return inbox(new Inbox(name, java.util.Arrays.stream(routes).map(InboxRoute::parse).toList()));
        }

        /** Another SMTP port whose mail goes to the inbox (defined if it is not); 0 takes a free one. */
        public Builder inboxPort(String inbox, int port) {
            Inboxes.checkName(inbox);
            if (Inboxes.DEFAULT.equals(inbox)) {
                throw new IllegalArgumentException("the default inbox takes the main port's mail; give another name");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port of inbox " + inbox + " must be between 0 and 65535, got " + port);
            }
            if (inboxPorts.putIfAbsent(inbox, port) != null) {
                throw new IllegalArgumentException("inbox \"" + inbox + "\" has two ports");
            }
            if (inboxes.stream().noneMatch(known -> known.name().equals(inbox))) {
                inboxes.add(new Inbox(inbox, List.of()));
            }
            return this;
        }

        /** Test code that decides replies before the rules do; see {@link Responder}. */
        public Builder responder(Responder responder) {
            this.responder = Objects.requireNonNull(responder, "responder");
            return this;
        }

        /** The SMTP port; 0 (the default) takes a free one, read back with {@link #port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The address to listen on; the loopback address by default. */
        public Builder bindAddress(InetAddress bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /** The name in the greeting ("220 NAME ESMTP SMTP Lab") and the EHLO reply. */
        public Builder hostName(String hostName) {
            if (hostName == null || hostName.isBlank() || hostName.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new IllegalArgumentException("host name must be one word of printable ASCII, got \""
                        + hostName + "\"");
            }
            this.hostName = hostName;
            this.hostNameGiven = true;
            return this;
        }

        /** How many messages the default store keeps before evicting the oldest. */
        public Builder maxMessages(int maxMessages) {
            if (maxMessages < 1) {
                throw new IllegalArgumentException("maxMessages must be at least 1, got " + maxMessages);
            }
            this.maxMessages = maxMessages;
            return this;
        }

        /** How many sessions the default store keeps before evicting the oldest. */
        public Builder maxSessions(int maxSessions) {
            if (maxSessions < 1) {
                throw new IllegalArgumentException("maxSessions must be at least 1, got " + maxSessions);
            }
            this.maxSessions = maxSessions;
            return this;
        }

        /**
         * Message content the in-memory store keeps in all (default 256 MB); past it the oldest
         * messages go, as past {@link #maxMessages}.
         */
        /** Messages received longer ago than this go (by the server's clock); none by default. */
        public Builder maxAge(Duration maxAge) {
            if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
                throw new IllegalArgumentException("maxAge must be longer than 0, got " + maxAge);
            }
            this.maxAge = maxAge;
            return this;
        }

        public Builder maxStoreBytes(long maxStoreBytes) {
            if (maxStoreBytes < 1) {
                throw new IllegalArgumentException("maxStoreBytes must be at least 1, got " + maxStoreBytes);
            }
            this.maxStoreBytes = maxStoreBytes;
            return this;
        }

        /**
         * Message content all sessions may hold in memory while it arrives (default 256 MB). A
         * message that does not fit is read to its end, not kept, and refused with
         * {@code 452 4.3.1 Insufficient system storage}, as Postfix refuses when its queue is full.
         */
        public Builder maxDataInFlight(long octets) {
            this.limits = limits.withMaxDataInFlight(octets);
            return this;
        }

        /** The largest message accepted, in octets; larger ones get 552 5.3.4. */
        public Builder maxMessageSize(int maxMessageSize) {
            if (maxMessageSize < 1 || maxMessageSize > MAX_MESSAGE_SIZE_LIMIT) {
                throw new IllegalArgumentException("maxMessageSize must be between 1 and " + MAX_MESSAGE_SIZE_LIMIT
                        + " octets, got " + maxMessageSize);
            }
            this.maxMessageSize = maxMessageSize;
            return this;
        }

        /** How long a client may stay silent before the server answers 421 and closes. */
        public Builder idleTimeout(Duration idleTimeout) {
            if (idleTimeout.toSeconds() < 1 || idleTimeout.toSeconds() > Integer.MAX_VALUE / 1000) {
                throw new IllegalArgumentException("idle timeout must be between 1 s and 24 days, got " + idleTimeout);
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** Records into this store instead of a new in-memory one (maxMessages/maxSessions then do not apply). */
        public Builder store(MessageStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** How the server fails; none by default (magic addresses still work). */
        public Builder scenario(Scenario scenario) {
            this.scenario = Objects.requireNonNull(scenario, "scenario");
            return this;
        }

        /**
         * Answers as a recorded server (smtplab record, smtplab diagnose --record): the recording's
         * scenario, its personality and its refusals, and its host name unless {@link #hostName} gives
         * one; with {@code timing}, as slowly as it answered. A
         * recording that offered AUTH lets any login in, as it holds no password; add {@link #authUser}
         * instead to choose who may.
         *
         * @throws IllegalArgumentException naming the file and what is wrong with it (not a recording,
         *                                  a mistake on a line)
         */
        public Builder replay(java.nio.file.Path recording, boolean timing) {
            Scenario recorded = dev.smtplab.server.scenario.RulesFile.read(recording);
            dev.smtplab.server.scenario.Personality personality = recorded.personality().orElseThrow(() ->
                    new IllegalArgumentException(recording + ": it has no personality: block, so it is not a "
                            + "recording; give a rules file as a scenario"));
            this.scenario = timing ? recorded.toBuilder().rulesFirst(personality.timingRules()).build() : recorded;
            return like(personality);
        }

        /**
         * Takes on what a replay of this recorded server needs besides its scenario: its host name,
         * unless {@link #hostName} gave one, and, if it took logins, any login (before TLS too: a
         * recording holds no password) unless {@link #authUser} or {@link #authAcceptAny} say who.
         */
        public Builder like(dev.smtplab.server.scenario.Personality recorded) {
            if (recorded.hostName() != null && !hostNameGiven) {
                this.hostName = recorded.hostName();
            }
            if (recorded.offersAuth()) {
                this.replayTakesAnyLogin = true;
            }
            return this;
        }

        /**
         * Delivery status notifications (bounces, delay notices, success reports) also go to this SMTP
         * server, the application's bounce handler, from {@code <>}: a failure to reach it is tried again
         * after 1, 2, 4 and 8 s ({@code firstRetry} doubling), a 5xx refusal is not. They are stored too.
         */
        public Builder bounceRelay(String host, int port, Duration firstRetry) {
            if (host == null || host.isBlank() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("a bounce relay is HOST:PORT with a port from 1 to 65535, got "
                        + host + ":" + port);
            }
            this.bounceRelayHost = host;
            this.bounceRelayPort = port;
            this.bounceRelayFirstRetry = Objects.requireNonNull(firstRetry);
            return this;
        }

        /** Offers STARTTLS with this certificate (see {@link TlsMaterial#localCa}); off unless given. */
        public Builder tls(TlsMaterial tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** Also listens for implicit TLS (SMTPS, as on port 465); 0 takes a free port. Needs {@link #tls}. */
        public Builder implicitTlsPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("implicit TLS port must be between 0 and 65535, got " + port);
            }
            this.implicitTlsPort = port;
            return this;
        }

        /** Before STARTTLS, only EHLO, HELO, STARTTLS, NOOP, RSET and QUIT (530 5.7.0 otherwise). */
        public Builder requireTls() {
            this.requireTls = true;
            return this;
        }

        /** A user who may log in with AUTH PLAIN, LOGIN or CRAM-MD5. */
        public Builder authUser(String user, String password) {
            if (user == null || user.isEmpty() || password == null) {
                throw new IllegalArgumentException("an AUTH user needs a name and a password");
            }
            users.put(user, password);
            return this;
        }

        /** Who may log in: as set, or for a replay that offered AUTH and names nobody, anyone, before TLS too. */
        AuthSettings authSettings() {
            boolean anyLogin = replayTakesAnyLogin && users.isEmpty() && !authAcceptAny;
            return new AuthSettings(users, authAcceptAny || anyLogin, requireAuth, allowPlaintextAuth || anyLogin);
        }

        /** Any user name and password logs in. */
        public Builder authAcceptAny() {
            this.authAcceptAny = true;
            return this;
        }

        /** MAIL, RCPT and DATA need a logged-in client (530 5.7.0 Authentication required). */
        public Builder requireAuth() {
            this.requireAuth = true;
            return this;
        }

        /** Offers AUTH before STARTTLS too (by default only over TLS, as RFC 4954 advises). */
        public Builder allowPlaintextAuth() {
            this.allowPlaintextAuth = true;
            return this;
        }

        /**
         * Accept what a real server refuses (a path without its closing bracket, unknown MAIL
         * parameters, an unqualified sender, ...), as a plain mail catcher does. The default is
         * strict: malformed commands get Postfix's replies.
         */
        public Builder lenient() {
            this.lenient = true;
            return this;
        }

        /** Recipients per transaction (default 1000, as Postfix's smtpd_recipient_limit); past it 452 4.5.3. */
        public Builder maxRecipients(int maxRecipients) {
            this.limits = limits.withMaxRecipients(maxRecipients);
            return this;
        }

        /**
         * Error replies a session may get (default 20, as Postfix's smtpd_hard_error_limit); the
         * command after that gets {@code 421 4.7.0 <host> Error: too many errors} and the connection closes.
         */
        public Builder maxErrors(int maxErrors) {
            this.limits = limits.withMaxErrors(maxErrors);
            return this;
        }

        /**
         * Failed logins a session may make (default 3); the next AUTH gets {@code 421 4.7.0} and the
         * connection closes. Independently, an address with 3 failed logins in ten minutes waits
         * 1, 2, 4, then 8 s before each AUTH.
         */
        public Builder maxAuthFailures(int maxAuthFailures) {
            this.limits = limits.withMaxAuthFailures(maxAuthFailures);
            return this;
        }

        /**
         * HELO, EHLO, NOOP, RSET and VRFY commands a session may send (default 100, as Postfix's
         * smtpd_junk_command_limit) before each further one counts as an error; a message accepted
         * forgives them, as it forgives errors.
         */
        public Builder maxJunkCommands(int maxJunkCommands) {
            this.limits = limits.withMaxJunkCommands(maxJunkCommands);
            return this;
        }

        /**
         * Deadlines that trickling cannot stretch: a whole command line after the previous reply
         * (default 300 s), the whole message content after the 354 (default 600 s), and a whole
         * session (default 1 h). Past one, {@code 421 4.4.2 <host> Error: timeout exceeded} and close.
         * {@link #idleTimeout} still bounds each silence on its own.
         */
        public Builder timeouts(Duration command, Duration data, Duration session) {
            this.limits = limits.withTimeouts(command, data, session);
            return this;
        }

        /**
         * Open connections in all (default 1000) and from one address (default 50, as Postfix's
         * smtpd_client_connection_count_limit); past either, {@code 421 4.7.0} and close, so one host
         * cannot take every slot.
         */
        public Builder maxConnections(int total, int perClient) {
            this.limits = limits.withMaxConnections(total, perClient);
            return this;
        }

        /** The clock for timestamps and greylisting; tests pass one they can move. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public FakeSmtpServer build() {
            if (tls == null && (requireTls || implicitTlsPort >= 0)) {
                throw new IllegalArgumentException("requireTls and implicitTlsPort need a certificate: call tls(...)");
            }
            if (requireAuth && users.isEmpty() && !authAcceptAny) {
                throw new IllegalArgumentException("requireAuth needs users (authUser) or authAcceptAny");
            }
            return new FakeSmtpServer(this);
        }
    }
}
