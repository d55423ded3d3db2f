package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.inbox.InboxMessages;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.scenario.Effect;
import dev.smtplab.server.scenario.Responder;
import dev.smtplab.server.scenario.Rule;
import dev.smtplab.server.scenario.Scenario;
import dev.smtplab.server.scenario.SmtpReply;
import dev.smtplab.server.scenario.SmtpStage;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import javax.net.ssl.SSLContext;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A fake SMTP server for your tests: a fresh one on a free port for each test (or one per class),
 * stopped afterwards, so parallel test classes never fight over a port.
 *
 * <pre>{@code
 * @RegisterExtension
 * static SmtpLabExtension smtp = SmtpLabExtension.create();
 *
 * @Test
 * void welcome_mail_goes_out() throws Exception {
 *     signUp("bob@example.test", "127.0.0.1", smtp.port());
 *     assertThat(smtp.takeMessage(Duration.ofSeconds(5))).hasRecipients("bob@example.test");
 * }
 * }</pre>
 */
public final class SmtpLabExtension implements BeforeEachCallback, AfterEachCallback, BeforeAllCallback,
        AfterAllCallback, ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(SmtpLabExtension.class);
    /** Every server a test uses now, so an assertion can show a message's transcript. */
    private static final Set<FakeSmtpServer> RUNNING = ConcurrentHashMap.newKeySet();

    private final Consumer<FakeSmtpServer.Builder> settings;
    private final boolean perClass;
    /** With {@link #inboxPerTest()}: each test gets an inbox of its own, with its own port, on the class's server. */
    private final boolean inboxPerTest;
    /** A server someone else started and stops ({@link #inboxesOn}); null when the extension starts its own. */
    private final FakeSmtpServer sharedServer;
    private static final AtomicInteger INBOXES = new AtomicInteger();
    /** Each running test's inbox, with {@link #inboxPerTest()}. */
    private final Set<TestInbox> testInboxes = ConcurrentHashMap.newKeySet();
    private final InheritableThreadLocal<TestInbox> inboxOfThisThread = new InheritableThreadLocal<>();

    /** Where JUnit's store keeps this extension's inbox for a test (two extensions, two inboxes). */
    private record InboxKey(SmtpLabExtension owner) {
    }

    /** A test's own inbox on the shared server: its name, its port, and its messages. */
    private record TestInbox(String name, int port, InboxMessages messages) {
    }
    private final AtomicInteger queued = new AtomicInteger();
    /** The class's server, with {@link #perClass()}. */
    private volatile FakeSmtpServer classServer;
    /** The servers of the tests running now: under JUnit's concurrent mode, several at once. */
    private final Set<FakeSmtpServer> testServers = ConcurrentHashMap.newKeySet();
    /** The server of the test this thread runs (and of the threads it starts). */
    private final InheritableThreadLocal<FakeSmtpServer> ofThisThread = new InheritableThreadLocal<>();

    /**
     * For {@code @ExtendWith(SmtpLabExtension.class)}: a fresh server with the defaults for each test,
     * handed to the test as a {@code FakeSmtpServer} parameter.
     */
    public SmtpLabExtension() {
        this(builder -> { }, false);
    }

    private SmtpLabExtension(Consumer<FakeSmtpServer.Builder> settings, boolean perClass) {
        this(settings, perClass, false, null);
    }

    private SmtpLabExtension(Consumer<FakeSmtpServer.Builder> settings, boolean perClass, boolean inboxPerTest,
                             FakeSmtpServer sharedServer) {
        this.settings = settings;
        this.perClass = perClass;
        this.inboxPerTest = inboxPerTest;
        this.sharedServer = sharedServer;
    }

    /** A fresh server for each test, with the defaults (free port, no failures). */
    public static SmtpLabExtension create() {
        return new SmtpLabExtension(builder -> { }, false);
    }

    /** A fresh server for each test, set up by you: {@code withServer(b -> b.authUser("alice", "secret"))}. */
    public static SmtpLabExtension withServer(Consumer<FakeSmtpServer.Builder> settings) {
        return new SmtpLabExtension(Objects.requireNonNull(settings), false);
    }

    /**
     * A fresh server for each test that offers STARTTLS with a certificate of its own, made in
     * memory; {@link #jakartaMailProperties()} or {@link #clientSslContext()} trust it. Add more
     * with {@code withTls(b -> b.authUser("alice", "secret"))}.
     */
    public static SmtpLabExtension withTls() {
        return withTls(builder -> { });
    }

    /** {@link #withTls()} set up further by you. */
    public static SmtpLabExtension withTls(Consumer<FakeSmtpServer.Builder> settings) {
        Objects.requireNonNull(settings);
        return new SmtpLabExtension(builder -> {
            builder.tls(TlsMaterial.ephemeral(FakeSmtpServer.DEFAULT_HOST_NAME));
            settings.accept(builder);
        }, false);
    }

    /** One server for the whole class instead (faster; tests then share messages and failures). */
    public SmtpLabExtension perClass() {
        return new SmtpLabExtension(settings, true);
    }

    /**
     * One server for the whole class, and for each test an inbox of its own with a port of its own:
     * {@link #port()}, the messages, the waits and the failure modes ({@link #preset}, {@link #rule},
     * {@link #failNext}) are the test's alone, so tests run concurrently on one server without
     * seeing each other's mail. Needs a static field.
     */
    public SmtpLabExtension inboxPerTest() {
        return new SmtpLabExtension(settings, true, true, null);
    }

    /**
     * An inbox of its own for each test on a server you started (and stop), such as one shared by
     * every test class of the run; see {@link #inboxPerTest()}.
     */
    public static SmtpLabExtension inboxesOn(FakeSmtpServer server) {
        return new SmtpLabExtension(builder -> { }, true, true, Objects.requireNonNull(server, "server"));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // A @Nested class inherits the extension: its tests share the outer class's server (the
        // store looks up the enclosing class's), and its end leaves that server running.
        if (perClass && context.getStore(NAMESPACE).get(this, FakeSmtpServer.class) == null) {
            start(context);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start(context);
        } else if (classServer == null) {
            if (sharedServer != null) {
                throw new org.junit.jupiter.api.extension.ExtensionConfigurationException("SmtpLabExtension.inboxesOn("
                        + "server) needs a static field: @RegisterExtension static SmtpLabExtension smtp = ...");
            }
            // JUnit calls beforeAll only on extensions in static fields.
            throw new org.junit.jupiter.api.extension.ExtensionConfigurationException("SmtpLabExtension.perClass() "
                    + "needs a static field: @RegisterExtension static SmtpLabExtension smtp = ...perClass()");
        }
        if (inboxPerTest) {
            openInbox(context);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop(context);
        }
        if (inboxPerTest) {
            closeInbox(context);
        }
    }

    /** The test's inbox, named after it, with a free port; kept in JUnit's store for its end. */
    private void openInbox(ExtensionContext context) {
        String name = inboxName(context);
        FakeSmtpServer server = classServer;
        int port = server.openInboxPort(name, 0);
        TestInbox inbox = new TestInbox(name, port, server.inboxMessages(name));
        context.getStore(NAMESPACE).put(new InboxKey(this), inbox);
        testInboxes.add(inbox);
        inboxOfThisThread.set(inbox);
    }

    /** Closes the test's port and forgets its inbox and mail, so a long-lived shared server does not fill up. */
    private void closeInbox(ExtensionContext context) {
        TestInbox inbox = context.getStore(NAMESPACE).remove(new InboxKey(this), TestInbox.class);
        if (inbox == null) {
            return;
        }
        testInboxes.remove(inbox);
        if (inboxOfThisThread.get() == inbox) {
            inboxOfThisThread.remove();
        }
        FakeSmtpServer server = classServer;
        if (server != null) {
            server.removeInbox(inbox.name());
            inbox.messages().clear();
        }
    }

    /** "SignUpTest.sends_a_welcome-17": readable in the web UI, unique in the run, at most 64 characters. */
    static String inboxName(ExtensionContext context) {
        String test = context.getTestClass().map(Class::getSimpleName).orElse("test") + "."
                + context.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test");
        String suffix = "-" + INBOXES.incrementAndGet();
        String cleaned = test.replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^[._-]+", "");
        if (cleaned.isEmpty()) {
            cleaned = "test";
        }
        return cleaned.substring(0, Math.min(cleaned.length(), 64 - suffix.length())) + suffix;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClass) {
            stop(context);
        }
    }

    /** Starts a server for this context (a test, or the class), kept in JUnit's store under this extension. */
    private void start(ExtensionContext context) {
        FakeSmtpServer started;
        if (sharedServer != null) {
            started = sharedServer;
        } else {
            FakeSmtpServer.Builder builder = FakeSmtpServer.builder();
            settings.accept(builder);
            started = builder.build().start();
        }
        RUNNING.add(started);
        context.getStore(NAMESPACE).put(this, started);
        if (perClass) {
            classServer = started;
        } else {
            testServers.add(started);
            ofThisThread.set(started);
        }
    }

    private void stop(ExtensionContext context) {
        FakeSmtpServer running = context.getStore(NAMESPACE).remove(this, FakeSmtpServer.class);
        if (running != null) {
            RUNNING.remove(running);
            if (classServer == running) {
                classServer = null;
            }
            testServers.remove(running);
            if (ofThisThread.get() == running) {
                ofThisThread.remove();
            }
            if (running != sharedServer) {
                running.stop();
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == FakeSmtpServer.class || type == SmtpLabExtension.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == SmtpLabExtension.class) {
            return this;
        }
        FakeSmtpServer ofThisTest = context.getStore(NAMESPACE).get(this, FakeSmtpServer.class);
        if (ofThisTest == null) {
            throw new org.junit.jupiter.api.extension.ParameterResolutionException("no SMTP Lab server for "
                    + context.getDisplayName() + ": it runs only during a test");
        }
        return ofThisTest;
    }

    /** The running server that recorded this message, if a test's server did. */
    static Optional<FakeSmtpServer> serverThatRecorded(RecordedMessage message) {
        return RUNNING.stream()
                .filter(running -> running.store().message(message.id()).filter(found -> found == message).isPresent())
                .findFirst();
    }

    /**
     * The server of the test calling: the one started for the test running on this thread (or the
     * thread that started this one), so concurrent test methods each get their own.
     */
    public FakeSmtpServer server() {
        if (perClass) {
            FakeSmtpServer running = classServer;
            if (running == null) {
                throw notDuringATest();
            }
            return running;
        }
        FakeSmtpServer mine = ofThisThread.get();
        if (mine != null && testServers.contains(mine)) {
            return mine;
        }
        List<FakeSmtpServer> running = List.copyOf(testServers);
        if (running.size() == 1) {
            return running.get(0);
        }
        if (running.isEmpty()) {
            throw notDuringATest();
        }
        throw new IllegalStateException(running.size() + " tests use this SMTP Lab extension at once, and this "
                + "thread belongs to none of them: call it on the test's own thread (or one it started), or take "
                + "the server as a parameter: void test(FakeSmtpServer smtp)");
    }

    private static IllegalStateException notDuringATest() {
        return new IllegalStateException("the SMTP Lab server runs only during a test (register the extension with "
                + "@RegisterExtension, or @ExtendWith(SmtpLabExtension.class))");
    }

    /**
     * The test's own inbox, with {@link #inboxPerTest()}: the one opened for the test running on this
     * thread (or the thread that started this one).
     */
    private Optional<TestInbox> inbox() {
        if (!inboxPerTest) {
            return Optional.empty();
        }
        TestInbox mine = inboxOfThisThread.get();
        if (mine != null && testInboxes.contains(mine)) {
            return Optional.of(mine);
        }
        List<TestInbox> open = List.copyOf(testInboxes);
        if (open.size() == 1) {
            return Optional.of(open.get(0));
        }
        if (open.isEmpty()) {
            throw new IllegalStateException("each test's inbox exists only during the test");
        }
        throw new IllegalStateException(open.size() + " tests have an inbox on this server at once, and this thread "
                + "belongs to none of them: call it on the test's own thread (or one it started)");
    }

    /** The name of the test's inbox, with {@link #inboxPerTest()}; empty otherwise. */
    public Optional<String> inboxName() {
        return inbox().map(TestInbox::name);
    }

    /** The SMTP port to send to: the test's own inbox's with {@link #inboxPerTest()}, else the server's. */
    public int port() {
        return inbox().map(TestInbox::port).orElseGet(() -> server().port());
    }

    public String host() {
        return server().host();
    }

    public List<RecordedMessage> awaitMessages(int count, Duration timeout) throws InterruptedException {
        Optional<TestInbox> inbox = inbox();
        return inbox.isPresent() ? inbox.get().messages().awaitMessages(count, timeout)
                : server().awaitMessages(count, timeout);
    }

    public RecordedMessage takeMessage(Duration timeout) throws InterruptedException {
        Optional<TestInbox> inbox = inbox();
        return inbox.isPresent() ? inbox.get().messages().takeMessage(timeout) : server().takeMessage(timeout);
    }

    /** The first message, stored or to come, that matches: {@code awaitMessage(m -> m.hasSubject("x"), ...)}. */
    /**
     * Waits for a delivery status notification (a bounce, a delay notice or a success report) to
     * this address: a multipart/report from the null sender, as the bounce-later preset, a bounce
     * rule or NOTIFY=SUCCESS sends. Read its fields with {@code assertThat(message).isDeliveryReport()}.
     */
    public RecordedMessage awaitBounce(String to, Duration timeout) throws InterruptedException {
        return awaitMessage(message -> message.mailFrom().isEmpty()
                && message.acceptedRecipients().stream().anyMatch(to::equalsIgnoreCase)
                && message.header("Content-Type").map(type -> type.toLowerCase(java.util.Locale.ROOT)
                .startsWith("multipart/report")).orElse(false), timeout);
    }

    public RecordedMessage awaitMessage(Predicate<RecordedMessage> condition, Duration timeout)
            throws InterruptedException {
        Optional<TestInbox> inbox = inbox();
        return inbox.isPresent() ? inbox.get().messages().awaitMessage(condition, timeout)
                : server().awaitMessage(condition, timeout);
    }

    public List<RecordedMessage> messages() {
        return inbox().map(inbox -> inbox.messages().messages()).orElseGet(() -> server().messages());
    }

    /** The sessions: with {@link #inboxPerTest()}, those that came through the test's port. */
    public List<RecordedSession> sessions() {
        Optional<TestInbox> inbox = inbox();
        List<RecordedSession> all = server().sessions();
        return inbox.isEmpty() ? all : all.stream().filter(session -> session.inboxes().contains(inbox.get().name()))
                .toList();
    }

    /**
     * Jakarta Mail settings for this server: host, port, STARTTLS required, and a socket factory
     * that trusts this server's certificate and checks its name, so a TLS test needs no trust-all
     * setting: {@code Session.getInstance(smtp.jakartaMailProperties())}. Without TLS on the
     * server, host and port only.
     */
    public Properties jakartaMailProperties() {
        FakeSmtpServer server = server();
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.host", "127.0.0.1");
        properties.setProperty("mail.smtp.port", Integer.toString(port()));
        properties.setProperty("mail.smtp.connectiontimeout", "10000");
        properties.setProperty("mail.smtp.timeout", "10000");
        server.tls().ifPresent(tls -> {
            properties.setProperty("mail.smtp.starttls.enable", "true");
            properties.setProperty("mail.smtp.starttls.required", "true");
            properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            properties.put("mail.smtp.ssl.socketFactory", tls.clientSslContext().getSocketFactory());
        });
        return properties;
    }

    /** An SSL context that trusts this server's certificate, for clients other than Jakarta Mail. */
    public SSLContext clientSslContext() {
        return tlsOf(server()).clientSslContext();
    }

    /** A PKCS#12 trust store (no password) with this server's CA, for clients configured by a trust store. */
    public KeyStore trustStore() {
        return tlsOf(server()).trustStore();
    }

    private static TlsMaterial tlsOf(FakeSmtpServer server) {
        return server.tls().orElseThrow(() -> new IllegalStateException("this SMTP Lab server has no TLS: register "
                + "it with SmtpLabExtension.withTls()"));
    }

    /** The failure modes the test changes: its inbox's own with {@link #inboxPerTest()}, else the server's. */
    /**
     * A fresh server for each test that answers as a recorded server (smtplab record, smtplab diagnose
     * --record): its greeting, EHLO reply and texts, and its refusals of the recorded addresses; a
     * recording that offered AUTH takes any login. A file that is not a recording fails at once,
     * naming the file and the line.
     */
    public static SmtpLabExtension replaying(java.nio.file.Path recording) {
        Objects.requireNonNull(recording);
        return new SmtpLabExtension(builder -> builder.replay(recording, false), false);
    }

    /**
     * Words the greeting, EHLO reply and positive replies as this built-in personality does
     * (postfix, exim, sendmail, gmail, microsoft365), from the next reply on; null for SMTP Lab's own.
     * {@link #reset()} takes it away.
     */
    public SmtpLabExtension personality(String name) {
        if (inboxPerTest) {
            throw new IllegalStateException("a personality words the whole server (its greeting comes before any "
                    + "recipient names an inbox), which the tests of inboxPerTest() share");
        }
        dev.smtplab.server.scenario.Personality personality = name == null ? null
                : dev.smtplab.server.scenario.Personality.builtIn(name);
        server().scenarios().update(scenario -> scenario.withPersonality(personality));
        return this;
    }

    private dev.smtplab.server.scenario.ScenarioHolder scenarios() {
        Optional<TestInbox> inbox = inbox();
        return inbox.isPresent() ? server().inboxes().ownScenarios(inbox.get().name()) : server().scenarios();
    }

    /** Turns a preset on, such as "greylist" or "unknown-recipient:addresses=bob@example.test". */
    public SmtpLabExtension preset(String preset) {
        scenarios().update(scenario -> scenario.withPreset(preset));
        return this;
    }

    /** Adds a rule. */
    public SmtpLabExtension rule(Rule rule) {
        scenarios().update(scenario -> scenario.withRule(rule));
        return this;
    }

    /**
     * Makes the next command at this stage fail with this reply, once, then work again (as
     * MockWebServer's enqueue): {@code failNext(SmtpStage.RCPT, "451 4.7.1 Try again later")}.
     * Several queued at the same stage fail the next commands in turn.
     */
    public SmtpLabExtension failNext(SmtpStage stage, String reply) {
        Rule rule = Rule.at("queued-" + queued.incrementAndGet(), stage, new Effect.Reply(SmtpReply.parse(reply)))
                .expiringAfter(1);
        return rule(rule);
    }

    /**
     * Lets your code decide replies, before the rules, for what they cannot say (see
     * {@link Responder}): {@code smtp.responder(context -> ...)}. {@link #reset()} takes it away.
     * A responder is the whole server's, so not for {@link #inboxPerTest()}, whose tests share one.
     */
    public SmtpLabExtension responder(Responder responder) {
        if (inboxPerTest) {
            throw new IllegalStateException("a responder answers for the whole server, which the tests of "
                    + "inboxPerTest() share: use rules, presets or failNext, which are each test's own");
        }
        server().setResponder(responder);
        return this;
    }

    /** Forgets every message and session so far (GreenMail's purgeEmailFromAllMailboxes); the test's inbox's only with {@link #inboxPerTest()}. */
    public SmtpLabExtension clearMessages() {
        Optional<TestInbox> inbox = inbox();
        if (inbox.isPresent()) {
            inbox.get().messages().clear();
        } else {
            server().store().clear();
        }
        return this;
    }

    /** Back to no failures. */
    public SmtpLabExtension reset() {
        Optional<TestInbox> inbox = inbox();
        if (inbox.isPresent()) {
            server().inboxes().ownScenarios(inbox.get().name()).set(Scenario.none());
            return this;
        }
        server().setScenario(Scenario.none());
        server().setResponder(Responder.NONE);
        return this;
    }
}
