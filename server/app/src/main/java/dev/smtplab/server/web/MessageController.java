package dev.smtplab.server.web;

import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.MessageLinks;
import dev.smtplab.server.record.MessageQuery;
import dev.smtplab.server.record.MessageParts;
import dev.smtplab.server.record.RecordedMessage;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Messages: list, one, raw, HTML view, attachments, read marks, delete, and the long-poll wait. */
final class MessageController {
    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;
    static final int MAX_WAIT_SECONDS = 300;
    /** What a message's HTML may load: inline styles and data: images; nothing remote, never a script. */
    static final String MESSAGE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: cid:; "
            + "font-src data:; frame-ancestors 'self'";
    static final String MESSAGE_CSP_REMOTE = "sandbox; default-src 'none'; style-src 'unsafe-inline' http: https:; "
            + "img-src data: cid: http: https:; font-src data: http: https:; frame-ancestors 'self'";

    private final MessageStore store;

    private final MessageWaits waits;
    private final InboxScope scope;
    private final PdfPages pdfPages = new PdfPages();

    private final EventStream events;

    private final com.fasterxml.jackson.databind.ObjectMapper json;

    MessageController(MessageStore store, MessageWaits waits, InboxScope scope, EventStream events,
                      com.fasterxml.jackson.databind.ObjectMapper json) {
        this.waits = waits;
        this.store = store;
        this.scope = scope;
        this.events = events;
        this.json = json;
    }

    /** The browser tab a change came from, as the web UI names itself: letters, digits and '-', or empty. */
    private static String tab(Context ctx) {
        String tab = ctx.header("X-SmtpLab-Tab");
        return tab != null && tab.matches("[A-Za-z0-9-]{1,64}") ? tab : "";
    }

    /** Newest first; {@code before} is a cursor (a summary's {@code cursor}, or the page's {@code nextBefore}). */
    void list(Context ctx) {
        int limit = intParam(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        long before = longParam(ctx, "before", Long.MAX_VALUE);
        MessageQuery query = scope.scoped(ctx, query(ctx));
        ctx.json(Dtos.MessagePage.of(store.page(query, before, limit), store.count(query.withRead(false))));
    }

    void one(Context ctx) {
        RecordedMessage message = message(ctx);
        ctx.json(Dtos.MessageDetail.of(message, store.isRead(message.id())));
    }

    /** PATCH {"read": true|false}: marks one message read or unread, as the web UI does when it opens one. */
    void mark(Context ctx) {
        RecordedMessage message = message(ctx);
        boolean read = readField(JsonBodies.object(json, ctx.body()));
        if (!store.markRead(message.id(), read)) {
            throw ApiException.notFound("message " + message.id());
        }
        events.messagesChanged(Set.of(message.inbox()), tab(ctx));
        ctx.status(204);
    }

    /**
     * PATCH {"read": true|false}: marks the messages the list's filters match, or with {"ids": [...]}
     * those messages. Every id is checked before any is marked, so a wrong one changes nothing.
     */
    void markAll(Context ctx) {
        com.fasterxml.jackson.databind.JsonNode body = JsonBodies.object(json, ctx.body());
        boolean read = readField(body);
        com.fasterxml.jackson.databind.JsonNode ids = body.get("ids");
        int changed = 0;
        Set<String> concerned = new java.util.HashSet<>();
        if (ids == null) {
            changed = store.markRead(scope.scoped(ctx, query(ctx)), read);
            concerned.addAll(scope.concerned(ctx));
        } else {
            if (!ids.isArray() || ids.size() > MAX_MARKED) {
                throw ApiException.badRequest("\"ids\" must be a list of at most " + MAX_MARKED + " message ids");
            }
            List<RecordedMessage> chosen = new java.util.ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode id : ids) {
                if (!id.isTextual()) {
                    throw ApiException.badRequest("\"ids\" must hold message ids as strings, not " + id);
                }
                chosen.add(scope.check(ctx, store.message(id.asText())
                        .orElseThrow(() -> ApiException.notFound("message " + id.asText())), "message " + id.asText()));
            }
            for (RecordedMessage message : chosen) {
                if (store.isRead(message.id()) != read && store.markRead(message.id(), read)) {
                    changed++;
                    concerned.add(message.inbox());
                }
            }
        }
        if (changed > 0) {
            events.messagesChanged(concerned, tab(ctx));
        }
        ctx.json(Map.of("changed", changed));
    }

    /** The most ids one request marks: a few pages of the inbox. */
    static final int MAX_MARKED = 1_000;

    private static boolean readField(com.fasterxml.jackson.databind.JsonNode body) {
        com.fasterxml.jackson.databind.JsonNode read = body.get("read");
        if (read == null || !read.isBoolean()) {
            throw ApiException.badRequest("say \"read\": true or \"read\": false"
                    + (read == null ? "" : " (got " + read + ")"));
        }
        return read.booleanValue();
    }

    void raw(Context ctx) {
        RecordedMessage message = message(ctx);
        ctx.header("Content-Disposition", "attachment; filename=\"message-" + message.id() + ".eml\"");
        ctx.contentType("message/rfc822").result(message.data());
    }

    /** The HTML body on its own, for the sandboxed iframe: a CSP that forbids scripts and (unless asked) remote content. */
    void html(Context ctx) {
        RecordedMessage message = message(ctx);
        String html = MessageParts.of(message).html().orElse(null);
        if (html == null) {
            throw ApiException.notFound("message " + message.id() + " has no HTML body; it");
        }
        boolean remote = "true".equals(ctx.queryParam("remote"));
        ctx.header("Content-Security-Policy", remote ? MESSAGE_CSP_REMOTE : MESSAGE_CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType("text/html; charset=utf-8").result(html);
    }

    /**
     * The links a test follows, such as a sign-up confirmation, from any language; {@code local}
     * names those that point at this machine or a private network.
     */
    void links(Context ctx) {
        List<String> links = MessageLinks.of(message(ctx)).links();
        ctx.json(Map.of("links", links, "local", links.stream().filter(LinkCheck::isLocal).toList()));
    }

    /** POST {"url": "..."}: whether one of the message's links answers (on request only). */
    void checkLink(Context ctx) throws Exception {
        RecordedMessage message = message(ctx);
        com.fasterxml.jackson.databind.JsonNode body;
        try {
            body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ctx.body());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("the body is not JSON: send {\"url\": \"https://...\"}");
        }
        String url = body == null || !body.path("url").isTextual() ? null : body.get("url").asText();
        if (url == null || url.isBlank()) {
            throw ApiException.badRequest("say which link: {\"url\": \"https://...\"}");
        }
        LinkCheck.uri(url);
        if (!MessageLinks.of(message).links().contains(url)) {
            throw ApiException.badRequest("\"" + url + "\" is not a link of message " + message.id()
                    + "; only a message's own links are checked");
        }
        ctx.json(LinkCheck.of(url));
    }

    /**
     * One-time codes. A pattern from the request is RE2 (linear time), as rule patterns are, so no
     * request can hang the server with a pathological expression.
     */
    void codes(Context ctx) {
        MessageLinks links = MessageLinks.of(message(ctx));
        String pattern = ctx.queryParam("pattern");
        if (pattern == null || pattern.isEmpty()) {
            ctx.json(Map.of("codes", links.codes()));
            return;
        }
        com.google.re2j.Pattern compiled;
        try {
            compiled = com.google.re2j.Pattern.compile(pattern);
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw ApiException.badRequest("pattern is not a regular expression RE2 accepts: " + e.getDescription()
                    + " (backreferences and lookaround are not supported)");
        }
        Set<String> found = new LinkedHashSet<>();
        com.google.re2j.Matcher matcher = compiled.matcher(links.searchableText());
        while (matcher.find()) {
            found.add(matcher.groupCount() > 0 && matcher.group(1) != null ? matcher.group(1) : matcher.group());
        }
        ctx.json(Map.of("codes", List.copyOf(found)));
    }

    /** Types a browser shows inline without running anything: raster images and PDFs. */
    static final Set<String> INLINE_TYPES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf");

    /**
     * One attachment, decoded: a download, or with {@code ?inline=true} shown in the page (images and
     * PDFs only, under a sandboxing CSP: an SVG or HTML attachment could carry script).
     */
    void attachment(Context ctx) throws Exception {
        ChosenAttachment chosen = attachmentOf(ctx);
        MessageParts.Attachment attachment = chosen.attachment();
        int index = attachment.index();
        String filename = attachment.filename() == null ? "attachment-" + index : attachment.filename();
        String type = chosen.type();
        boolean inline = "true".equals(ctx.queryParam("inline"));
        if (inline && !INLINE_TYPES.contains(type)) {
            throw ApiException.badRequest("attachment " + index + " is " + type + ": only images (PNG, JPEG, GIF, WebP) "
                    + "and PDFs are shown inline; download it instead (without inline=true)");
        }
        ctx.header("Content-Disposition", (inline ? "inline" : "attachment") + "; filename=\""
                + filename.replace("\"", "") + "\"");
        ctx.header("X-Content-Type-Options", "nosniff");
        if (inline) {
            ctx.header("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
        }
        ctx.contentType(inline ? type : attachment.contentType()).result(chosen.bytes());
    }

    /** {"pages": N}: how many pages a PDF attachment has, for its preview. */
    void pdfPageCount(Context ctx) throws java.io.IOException {
        ChosenAttachment pdf = pdfOf(ctx);
        ctx.json(Map.of("pages", pdfPages.pageCount(pdf.key(), pdf.bytes(), pdf.name())));
    }

    /** One page of a PDF attachment as a PNG image, drawn on the server: the preview, in any browser. */
    void pdfPage(Context ctx) throws java.io.IOException {
        ChosenAttachment pdf = pdfOf(ctx);
        int page = pathInt(ctx, "page");
        ctx.contentType("image/png").result(pdfPages.page(pdf.key(), pdf.bytes(), page, pdf.name()));
    }

    private ChosenAttachment pdfOf(Context ctx) throws java.io.IOException {
        ChosenAttachment chosen = attachmentOf(ctx);
        if (!chosen.type().equals("application/pdf")) {
            throw ApiException.badRequest(chosen.name() + " is " + chosen.type() + ": only a PDF has pages to show");
        }
        return chosen;
    }

    private static final byte[] PDF_MAGIC = "%PDF-".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length
                && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * An attachment the path names, with its type (lower case, no parameters) and decoded bytes. A
     * file named .pdf whose bytes start as a PDF's do is a PDF, whatever its type says: many mailers
     * send PDFs as application/octet-stream.
     */
    private record ChosenAttachment(String messageId, MessageParts.Attachment attachment, String type, byte[] bytes) {
        String name() {
            return "attachment " + attachment.index() + " of message " + messageId;
        }

        /** What names these bytes for the drawn pages kept: the bytes' own hash too, as ids start over with a store. */
        String key() {
            return messageId + "/" + attachment.index() + "/" + bytes.length + "/" + java.util.Arrays.hashCode(bytes);
        }
    }

    private ChosenAttachment attachmentOf(Context ctx) throws java.io.IOException {
        RecordedMessage message = message(ctx);
        MessageParts view = MessageParts.of(message);
        int index = pathInt(ctx, "index");
        if (index < 0 || index >= view.attachments().size()) {
            throw ApiException.notFound("attachment " + index + " of message " + message.id());
        }
        MessageParts.Attachment attachment = view.attachments().get(index);
        String type = attachment.contentType().toLowerCase(java.util.Locale.ROOT).split(";")[0].trim();
        byte[] bytes = view.attachmentBytes(index);
        String filename = attachment.filename();
        if (filename != null && filename.toLowerCase(java.util.Locale.ROOT).endsWith(".pdf") && startsWith(bytes, PDF_MAGIC)) {
            type = "application/pdf";
        }
        return new ChosenAttachment(message.id(), attachment, type, bytes);
    }

    void delete(Context ctx) {
        RecordedMessage message = message(ctx);
        if (!store.deleteMessage(message.id())) {
            throw ApiException.notFound("message " + message.id());
        }
        events.messagesChanged(Set.of(message.inbox()), tab(ctx));
        ctx.status(204);
    }

    void deleteAll(Context ctx) {
        if (store.delete(scope.scoped(ctx, MessageQuery.all())) > 0) {
            events.messagesChanged(scope.concerned(ctx), tab(ctx));
        }
        ctx.status(204);
    }

    /**
     * Long poll: the first message after {@code after} that matches, or 408 when the timeout passes.
     * It holds no thread while it waits (see {@link MessageWaits}).
     */
    void await(Context ctx) {
        long after = longParam(ctx, "after", 0);
        int timeout = intParam(ctx, "timeout", 30, 0, MAX_WAIT_SECONDS);
        var waiting = waits.await(after, scope.scoped(ctx, query(ctx)), Duration.ofSeconds(timeout), ctx.ip(), ClientConnection.of(ctx));
        ctx.future(() -> waiting.thenAccept(stored -> ctx.json(Dtos.MessageSummary.of(stored))));
    }

    private RecordedMessage message(Context ctx) {
        String id = ctx.pathParam("id");
        return scope.check(ctx, store.message(id).orElseThrow(() -> ApiException.notFound("message " + id)),
                "message " + id);
    }

    /** The list's filters, also the wait's and the export's: from, to, subject, q, since, until and read. */
    static MessageQuery query(Context ctx) {
        try {
            return new MessageQuery(ctx.queryParam("from"), ctx.queryParam("to"), ctx.queryParam("subject"),
                    ctx.queryParam("q"), instantParam(ctx, "since"), instantParam(ctx, "until"), null,
                    booleanParam(ctx, "read"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** true, false, or nothing (null). */
    private static Boolean booleanParam(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("query parameter " + name + "=\"" + value
                    + "\": use true or false");
        };
    }

    /** A time such as 2026-12-05T10:00:00Z, or nothing. */
    private static java.time.Instant instantParam(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest("query parameter " + name + "=\"" + value + "\": use a time such as "
                    + "2026-12-05T10:00:00Z");
        }
    }

    static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("query parameter " + name + "=\"" + value + "\": use a whole number from "
                + min + " to " + max);
    }

    static long longParam(Context ctx, String name, long fallback) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("query parameter " + name + "=\"" + value + "\": use a message's cursor "
                    + "(a whole number, from a list's cursor or nextBefore)");
        }
    }

    static int pathInt(Context ctx, String name) {
        try {
            return Integer.parseInt(ctx.pathParam(name));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("path parameter " + name + "=\"" + ctx.pathParam(name) + "\": use a number");
        }
    }
}
