package dev.smtplab.server.web;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides, before any handler, whether a request may go on: its Host must be one this server
 * answers to (no DNS rebinding), a request that changes state must come from the UI's own origin
 * (or one named with --web-cors) and send JSON as JSON, and with --web-auth the password must match.
 * It also sets the headers every response carries.
 */
final class WebGuard {
    private static final Set<HandlerType> CHANGES_STATE = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
            HandlerType.DELETE);

    /** The request's logged-in user, when there is basic auth. */
    static final String USER = "smtplab.user";

    private final WebAccess access;
    /** The Authorization header each user sends, by user. */
    private final Map<String, byte[]> expectedAuthorizations = new LinkedHashMap<>();

    WebGuard(WebAccess access) {
        this.access = access;
        access.users().forEach((user, password) -> expectedAuthorizations.put(user, ("Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .getBytes(StandardCharsets.UTF_8)));
    }

    void check(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        if (ctx.path().startsWith("/api/")) {
            ctx.header("Cache-Control", "no-store");
        }
        String host = hostName(ctx.header("Host"));
        if (host != null && !hostAllowed(host)) {
            throw new ApiException(403, "this SMTP Lab does not answer to the host name \"" + host + "\" (a page "
                    + "on another site could reach it through DNS rebinding); to use that name, start it with "
                    + "--web-host " + host);
        }
        String origin = ctx.header("Origin");
        boolean allowedOrigin = origin != null && access.corsOrigins().contains(origin.toLowerCase(Locale.ROOT));
        if (allowedOrigin) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
        }
        if (ctx.method() == HandlerType.OPTIONS && allowedOrigin) {
            ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE");
            ctx.header("Access-Control-Allow-Headers", "Content-Type, Authorization");
            ctx.header("Access-Control-Max-Age", "600");
            ctx.status(204);
            ctx.skipRemainingHandlers();
            return;
        }
        if (CHANGES_STATE.contains(ctx.method())) {
            if (!allowedOrigin && crossSite(ctx, origin)) {
                throw new ApiException(403, "a request that changes SMTP Lab's state must come from its own web UI, "
                        + "not from " + (origin != null ? origin : "another site") + "; to allow another origin, "
                        + "start it with --web-cors ORIGIN");
            }
            String type = ctx.contentType();
            // An upload of mail is the one body that is not JSON; neither of its types is one a page may send
            // across sites without the browser's preflight, which finds no CORS.
            boolean mailUpload = ctx.path().endsWith("/messages/import") && type != null
                    && (type.toLowerCase(Locale.ROOT).startsWith(ArchiveController.EML)
                    || type.toLowerCase(Locale.ROOT).startsWith(ArchiveController.MBOX));
            if (!mailUpload && !ctx.body().isEmpty()
                    && (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json"))) {
                throw new ApiException(415, "send the body as JSON, with Content-Type: application/json (got "
                        + (type == null ? "no Content-Type" : type) + ")");
            }
        }
        boolean open = ctx.path().equals("/healthz") || (access.metricsOpen() && ctx.path().equals("/metrics"));
        if (!expectedAuthorizations.isEmpty() && !open) {
            String user = loggedIn(ctx.header("Authorization"));
            if (user == null) {
                ctx.header("WWW-Authenticate", "Basic realm=\"SMTP Lab\", charset=\"UTF-8\"");
                throw new ApiException(401, "authentication required: this SMTP Lab was started with --web-auth");
            }
            ctx.attribute(USER, user);
        }
    }

    /**
     * The user whose credentials the header carries, or null. Every user's are compared, each in
     * constant time, so the time taken says neither who exists nor how much of a guess was right.
     */
    private String loggedIn(String header) {
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        String found = null;
        for (Map.Entry<String, byte[]> expected : expectedAuthorizations.entrySet()) {
            if (MessageDigest.isEqual(expected.getValue(), given) && found == null) {
                found = expected.getKey();
            }
        }
        return found;
    }

    /**
     * Another site asked: an Origin that is not this server's own, or, from a browser that sent no
     * Origin, a Sec-Fetch-Site that is not same-origin. Tools that send neither (curl, test code) pass.
     */
    private static boolean crossSite(Context ctx, String origin) {
        if (origin != null) {
            return !sameOrigin(origin, ctx.header("Host"));
        }
        String site = ctx.header("Sec-Fetch-Site");
        return site != null && !site.equals("same-origin") && !site.equals("none");
    }

    private static boolean sameOrigin(String origin, String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                return false;
            }
            String authority = uri.getHost() + ":" + (uri.getPort() < 0 ? 80 : uri.getPort());
            String host = hostHeader.contains(":") && !hostHeader.endsWith("]") ? hostHeader : hostHeader + ":80";
            return authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean hostAllowed(String host) {
        return host.equals("localhost") || isIpLiteral(host) || access.hosts().contains(host);
    }

    /** An IP address in a Host header names no DNS entry, so no page can rebind it. */
    private static boolean isIpLiteral(String host) {
        if (host.startsWith("[") && host.endsWith("]")) {
            return host.substring(1, host.length() - 1).matches("[0-9a-f:.]+");
        }
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** "example.test" of "Example.test:8025"; "[::1]" of "[::1]:8025"; null for no header. */
    static String hostName(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
