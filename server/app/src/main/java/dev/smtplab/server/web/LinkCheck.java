package dev.smtplab.server.web;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;

/**
 * Whether a link in a captured message answers: one HEAD (a GET when HEAD is not allowed), no
 * redirect followed (where it points is the answer), bounded in time. Only on request, one link at
 * a time, and only for http and https links the message holds. A link to this machine or a
 * private network is flagged: it works for the developer and for no one who gets the mail.
 *
 * @param status   the HTTP status, or 0 when there was no answer
 * @param location where a redirect points, or null
 * @param error    why there was no answer, or null
 */
record LinkCheck(String url, boolean local, int status, String location, String error, long millis) {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    static LinkCheck of(String url) {
        URI uri = uri(url);
        long started = System.nanoTime();
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        try {
            HttpResponse<Void> response = send(client, uri, "HEAD");
            if (response.statusCode() == 405 || response.statusCode() == 501) {
                response = send(client, uri, "GET");
            }
            return new LinkCheck(url, isLocal(url), response.statusCode(),
                    response.headers().firstValue("Location").orElse(null), null, millis(started));
        } catch (HttpTimeoutException e) {
            return new LinkCheck(url, isLocal(url), 0, null, "no answer within " + TIMEOUT.toSeconds() + " s", millis(started));
        } catch (IOException e) {
            return new LinkCheck(url, isLocal(url), 0, null, reason(e), millis(started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new LinkCheck(url, isLocal(url), 0, null, "interrupted", millis(started));
        }
    }

    private static HttpResponse<Void> send(HttpClient client, URI uri, String method)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(TIMEOUT).header("User-Agent", "SMTP Lab link check").build(), HttpResponse.BodyHandlers.discarding());
    }

    /** An http(s) URL with a host, or a 400 naming what is wrong with it. */
    static URI uri(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw ApiException.badRequest("\"" + url + "\" is not an http or https link; only those are checked");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("\"" + url + "\" is not a link: " + e.getReason());
        }
    }

    /** A link to this machine or a private network, told from its host alone (never looked up). */
    static boolean isLocal(String url) {
        String host;
        try {
            host = new URI(url).getHost();
        } catch (URISyntaxException e) {
            return false;
        }
        if (host == null) {
            return false;
        }
        // A URI writes an IPv6 host in brackets ("http://[::1]/").
        host = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
        if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")
                || host.endsWith(".lan") || host.endsWith(".home.arpa")) {
            return true;
        }
        return IpLiteral.parse(host).map(address -> {
            byte[] bytes = address.getAddress();
            return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                    || address.isAnyLocalAddress() || (bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc);
        }).orElse(false);
    }

    private static String reason(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.UnknownHostException || (message != null && message.contains("UnresolvedAddress"))) {
            return "the host name does not resolve";
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static long millis(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
