package dev.smtplab.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.smtplab.server.FakeSmtpServer;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The web UI and REST API (Javalin) in front of a running {@link FakeSmtpServer}. Every route is
 * registered in {@link #routes}, the one place that lists them.
 */
public final class WebServer implements AutoCloseable {
    /** The UI's own pages: only our scripts and styles; messages' HTML goes in a sandboxed frame. */
    static final String UI_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
            + "frame-ancestors 'none'";

    private static final String API_ERROR = "smtplab.apiError";

    /** One route: what the OpenAPI document must describe. */
    public record Route(HandlerType method, String path, Handler handler) {
    }

    private final FakeSmtpServer smtp;
    private final InetAddress bindAddress;
    private final int requestedPort;
    private final WebGuard guard;
    private final InboxScope scope;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final Metrics metrics;
    private final EventStream events;
    private final MessageWaits waits;
    private Javalin app;
    /** Where {@code smtplab learn} saves lesson transcripts, if anywhere. */
    private Path lessonTranscripts;
    /** The webhooks the API manages: the server's (see {@link #webhooks}), or its own when none is given. */
    private dev.smtplab.server.webhook.Webhooks webhooks;
    private boolean ownWebhooks;
    /** The largest request body: an mbox to import. */
    static final long MAX_UPLOAD = 64L * 1024 * 1024;

    /** @param access who may use it: host names, other origins, basic auth */
    public WebServer(FakeSmtpServer smtp, InetAddress bindAddress, int port, WebAccess access) {
        this.smtp = smtp;
        this.bindAddress = bindAddress;
        this.requestedPort = port;
        this.guard = new WebGuard(access);
        this.scope = new InboxScope(smtp.inboxes(), access);
        this.metrics = new Metrics(smtp.store());
        this.events = new EventStream(smtp.store(), scope);
        smtp.addListener(metrics);
        smtp.addListener(events);
        this.webhooks = new dev.smtplab.server.webhook.Webhooks(dev.smtplab.server.webhook.Webhooks.Settings.DEFAULT,
                java.time.Clock.systemUTC());
        this.ownWebhooks = true;
        smtp.addListener(webhooks);
        this.waits = new MessageWaits(smtp.store());
        smtp.addListener(waits);
        if (smtp.store() instanceof dev.smtplab.server.store.PostgresMessageStore shared) {
            // Mail another instance received: the waits and the live views hear of it too (the
            // metrics count this instance's own, so that a scraper can add up the instances).
            shared.onRemoteMessage(message -> {
                waits.messageReceived(message);
                events.messageReceived(message);
            });
        }
    }

    /** Shows the lesson transcripts {@code smtplab learn} saved in this folder (data folder/learn/transcripts). */
    public WebServer lessonTranscripts(Path folder) {
        this.lessonTranscripts = folder;
        return this;
    }

    /**
     * The webhooks /api/v1/webhooks manages: the server's, which its owner registered as a listener
     * (the command line's). Without this call the web server has its own, with no endpoint until the
     * API adds one.
     */
    public WebServer webhooks(dev.smtplab.server.webhook.Webhooks webhooks) {
        this.webhooks.close();
        this.webhooks = java.util.Objects.requireNonNull(webhooks);
        this.ownWebhooks = false;
        return this;
    }

    /** The Server-Sent Events streams (GET): the server's events, and one session's lines as they come. */
    public static final List<String> STREAMS = List.of("/api/v1/events", "/api/v1/sessions/{id}/live");

    /** Every route of the API, method and path (the streams apart). */
    public List<Route> routes() {
        MessageController messages = new MessageController(smtp.store(), waits, scope, events, json);
        SessionController sessions = new SessionController(smtp.store(), scope);
        FailureModeController failures = new FailureModeController(smtp.inboxes(), scope, json);
        ArchiveController archive = new ArchiveController(smtp, scope);
        InboxController inboxes = new InboxController(smtp, scope, json);
        LessonController lessons = new LessonController(lessonTranscripts, scope);
        WebhookController hooks = new WebhookController(webhooks, scope, json);
        List<Route> routes = new ArrayList<>();
        // Each of these answers for every inbox the caller may see, and under /api/v1/inboxes/{inbox}
        // for that inbox alone.
        for (String base : List.of("/api/v1", "/api/v1/inboxes/{inbox}")) {
            routes.add(new Route(HandlerType.GET, base + "/messages", messages::list));
            routes.add(new Route(HandlerType.DELETE, base + "/messages", messages::deleteAll));
            routes.add(new Route(HandlerType.PATCH, base + "/messages", messages::markAll));
            routes.add(new Route(HandlerType.GET, base + "/messages/wait", messages::await));
            routes.add(new Route(HandlerType.GET, base + "/messages/export", archive::export));
            routes.add(new Route(HandlerType.POST, base + "/messages/import", archive::importMessages));
            routes.add(new Route(HandlerType.GET, base + "/sessions", sessions::list));
            routes.add(new Route(HandlerType.GET, base + "/failure-modes", failures::show));
            routes.add(new Route(HandlerType.DELETE, base + "/failure-modes", failures::reset));
            routes.add(new Route(HandlerType.PUT, base + "/failure-modes/presets/{name}", failures::presetOn));
            routes.add(new Route(HandlerType.DELETE, base + "/failure-modes/presets/{name}", failures::presetOff));
            routes.add(new Route(HandlerType.POST, base + "/failure-modes/rules", failures::addRule));
            routes.add(new Route(HandlerType.PUT, base + "/failure-modes/rules/{id}", failures::replaceRule));
            routes.add(new Route(HandlerType.POST, base + "/failure-modes/try", failures::tryOut));
            routes.add(new Route(HandlerType.DELETE, base + "/failure-modes/rules/{id}", failures::removeRule));
        }
        routes.add(new Route(HandlerType.GET, "/api/v1/messages/{id}", messages::one));
        routes.add(new Route(HandlerType.DELETE, "/api/v1/messages/{id}", messages::delete));
        routes.add(new Route(HandlerType.PATCH, "/api/v1/messages/{id}", messages::mark));
        routes.add(new Route(HandlerType.GET, "/api/v1/messages/{id}/raw", messages::raw));
        routes.add(new Route(HandlerType.GET, "/api/v1/messages/{id}/html", messages::html));
        routes.add(new Route(HandlerType.GET, "/api/v1/messages/{id}/links", messages::links));
        routes.add(new Route(HandlerType.POST, "/api/v1/messages/{id}/links/check", messages::checkLink));
        routes.add(new Route(HandlerType.POST, "/api/v1/messages/{id}/release", new ReleaseController(smtp.store(), scope,
                json, java.time.Clock.systemUTC())::release));
        routes.add(new Route(HandlerType.GET, "/api/v1/messages/{id}/codes", messages::codes));
        routes.add(new Route(HandlerType.GET, "/api/v1/messages/{id}/attachments/{index}", messages::attachment));
        routes.add(new Route(HandlerType.GET, "/api/v1/messages/{id}/attachments/{index}/pages", messages::pdfPageCount));
        routes.add(new Route(HandlerType.GET, "/api/v1/messages/{id}/attachments/{index}/pages/{page}", messages::pdfPage));
        routes.add(new Route(HandlerType.GET, "/api/v1/sessions/{id}", sessions::one));
        routes.add(new Route(HandlerType.GET, "/api/v1/inboxes", inboxes::list));
        routes.add(new Route(HandlerType.GET, "/api/v1/inboxes/{inbox}", inboxes::one));
        routes.add(new Route(HandlerType.PUT, "/api/v1/inboxes/{inbox}", inboxes::put));
        routes.add(new Route(HandlerType.DELETE, "/api/v1/inboxes/{inbox}", inboxes::delete));
        routes.add(new Route(HandlerType.GET, "/api/v1/webhooks", hooks::show));
        routes.add(new Route(HandlerType.POST, "/api/v1/webhooks", hooks::add));
        routes.add(new Route(HandlerType.DELETE, "/api/v1/webhooks", hooks::remove));
        routes.add(new Route(HandlerType.GET, "/api/v1/lessons/transcripts", lessons::list));
        routes.add(new Route(HandlerType.GET, "/api/v1/lessons/transcripts/{name}", lessons::one));
        routes.add(new Route(HandlerType.GET, "/api/v1/tls/ca.pem", this::caCertificate));
        routes.add(new Route(HandlerType.GET, "/api/v1/openapi.json", this::openApi));
        routes.add(new Route(HandlerType.GET, "/healthz", this::health));
        routes.add(new Route(HandlerType.GET, "/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4")
                .result(metrics.text())));
        return routes;
    }

    public synchronized WebServer start() {
        events.open();
        app = Javalin.create(this::configure);
        try {
            app.start(bindAddress.getHostAddress(), requestedPort);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot serve the web UI on " + bindAddress.getHostAddress() + ":"
                    + requestedPort + ": " + rootMessage(e), e);
        }
        return this;
    }

    private void configure(JavalinConfig config) {
        config.jsonMapper(new JavalinJackson(json, false));
        config.startup.showJavalinBanner = false;
        // An mbox upload may hold many messages; nothing else sent to the API comes near this.
        config.http.maxRequestSize = MAX_UPLOAD;
        config.staticFiles.add(staticFiles -> {
            staticFiles.hostedPath = "/";
            staticFiles.directory = "/web";
            staticFiles.location = Location.CLASSPATH;
            staticFiles.headers = Map.of("Content-Security-Policy", UI_CSP, "Cache-Control", "no-cache",
                    "X-Content-Type-Options", "nosniff");
        });
        config.routes.before(guard::check);
        for (Route route : routes()) {
            config.routes.addHttpHandler(route.method(), route.path(), route.handler());
        }
        config.routes.sse(STREAMS.get(0), events::join);
        config.routes.sse(STREAMS.get(1), client -> events.joinSession(client, client.ctx().pathParam("id"),
                smtp::openSession));
        config.routes.exception(ApiException.class, (e, ctx) -> {
            ctx.attribute(API_ERROR, Boolean.TRUE);
            ctx.status(e.status).json(new Dtos.ApiError(e.status, e.getMessage()));
        });
        config.routes.error(404, ctx -> {
            // Only for paths no route matched: a handler's own 404 already says what was missing.
            if (ctx.path().startsWith("/api/") && ctx.attribute(API_ERROR) == null) {
                ctx.json(new Dtos.ApiError(404, "no such route: " + ctx.method() + " " + ctx.path()));
            }
        });
    }

    private void health(Context ctx) {
        ctx.json(Map.of("status", "ok", "smtpPort", smtp.port(), "messages",
                smtp.store().count(dev.smtplab.server.record.MessageQuery.all())));
    }

    /** The local CA, so clients can trust the server's certificate. */
    private void caCertificate(Context ctx) {
        var ca = smtp.tls().flatMap(dev.smtplab.server.tls.TlsMaterial::caCertificate)
                .orElseThrow(() -> ApiException.notFound("local CA (TLS is off, or uses a certificate of the user's):"
                        + " the CA is"));
        ctx.header("Content-Disposition", "attachment; filename=\"smtplab-ca.pem\"");
        ctx.contentType("application/x-pem-file").result(dev.smtplab.server.tls.TlsMaterial.pem(ca));
    }

    private void openApi(Context ctx) throws Exception {
        try (var in = WebServer.class.getResourceAsStream("/openapi.json")) {
            ctx.contentType("application/json").result(in.readAllBytes());
        }
    }

    /** The port the web server listens on (the real one when started on port 0). */
    public int port() {
        return app.port();
    }

    /** Long polls waiting now. */
    int openWaits() {
        return waits.open();
    }

    public synchronized void stop() {
        events.closeAll();
        waits.close();
        if (ownWebhooks) {
            webhooks.close();
        }
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        return message.toLowerCase().contains("in use") ? "the port is already in use" : message;
    }
}
