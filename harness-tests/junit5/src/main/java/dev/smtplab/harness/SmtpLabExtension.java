package dev.smtplab.harness;

import dev.smtplab.server.FakeSmtpServer;
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
        this.settings = settings;
        this.perClass = perClass;
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
            // JUnit calls beforeAll only on extensions in static fields.
            throw new org.junit.jupiter.api.extension.ExtensionConfigurationException("SmtpLabExtension.perClass() "
                    + "needs a static field: @RegisterExtension static SmtpLabExtension smtp = ...perClass()");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClass) {
            stop(context);
        }
    }

    /** Starts a server for this context (a test, or the class), kept in JUnit's store under this extension. */
    private void start(ExtensionContext context) {
        FakeSmtpServer.Builder builder = FakeSmtpServer.builder();
        settings.accept(builder);
        FakeSmtpServer started = builder.build().start();
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
            running.stop();
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

    public int port() {
        return server().port();
    }

    public String host() {
        return server().host();
    }

    public List<RecordedMessage> awaitMessages(int count, Duration timeout) throws InterruptedException {
        return server().awaitMessages(count, timeout);
    }

    public RecordedMessage takeMessage(Duration timeout) throws InterruptedException {
        return server().takeMessage(timeout);
    }

    /** The first message, stored or to come, that matches: {@code awaitMessage(m -> m.hasSubject("x"), ...)}. */
    public RecordedMessage awaitMessage(Predicate<RecordedMessage> condition, Duration timeout)
            throws InterruptedException {
        return server().awaitMessage(condition, timeout);
    }

    public List<RecordedMessage> messages() {
        return server().messages();
    }

    public List<RecordedSession> sessions() {
        return server().sessions();
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
        properties.setProperty("mail.smtp.port", Integer.toString(server.port()));
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

    /** Turns a preset on, such as "greylist" or "unknown-recipient:addresses=bob@example.test". */
    public SmtpLabExtension preset(String preset) {
        server().scenarios().update(scenario -> scenario.withPreset(preset));
        return this;
    }

    /** Adds a rule. */
    public SmtpLabExtension rule(Rule rule) {
        server().scenarios().update(scenario -> scenario.withRule(rule));
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
     */
    public SmtpLabExtension responder(Responder responder) {
        server().setResponder(responder);
        return this;
    }

    /** Forgets every message and session so far (GreenMail's purgeEmailFromAllMailboxes). */
    public SmtpLabExtension clearMessages() {
        server().store().clear();
        return this;
    }

    /** Back to no failures. */
    public SmtpLabExtension reset() {
        server().setScenario(Scenario.none());
        server().setResponder(Responder.NONE);
        return this;
    }
}
