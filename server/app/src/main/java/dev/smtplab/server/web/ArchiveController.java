package dev.smtplab.server.web;

import dev.smtplab.server.FakeSmtpServer;
import dev.smtplab.server.archive.ImportedEnvelope;
import dev.smtplab.server.archive.Mbox;
import dev.smtplab.server.record.MessageQuery;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.StoreUnavailableException;
import dev.smtplab.server.record.StoredMessage;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Messages out and in as files: an export of what a query finds as mbox or a zip of {@code .eml}
 * files, and an import of an {@code .eml} or an mbox, so that mail seen elsewhere (in production,
 * say) can be loaded, looked at and sent again with {@code smtplab send --data}.
 */
final class ArchiveController {
    static final String MBOX = "application/mbox";
    static final String EML = "message/rfc822";

    private final FakeSmtpServer smtp;
    private final InboxScope scope;

    ArchiveController(FakeSmtpServer smtp, InboxScope scope) {
        this.smtp = smtp;
        this.scope = scope;
    }

    /** GET /api/v1/messages/export?format=mbox|zip and the list's filters; oldest first. */
    void export(Context ctx) throws IOException {
        String format = Optional.ofNullable(ctx.queryParam("format")).orElse("mbox").toLowerCase(Locale.ROOT);
        if (!format.equals("mbox") && !format.equals("zip")) {
            throw ApiException.badRequest("query parameter format=\"" + ctx.queryParam("format") + "\": use mbox or zip");
        }
        MessageQuery query = scope.scoped(ctx, MessageController.query(ctx));
        ctx.header("Content-Disposition", "attachment; filename=\"smtplab-messages." + format + "\"");
        ctx.contentType(format.equals("mbox") ? MBOX : "application/zip");
        OutputStream out = ctx.outputStream();
        if (format.equals("mbox")) {
            for (StoredMessage stored : matching(query)) {
                RecordedMessage message = stored.message();
                Mbox.write(out, message.mailFrom(), message.receivedAt(), message.data());
            }
        } else {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                for (StoredMessage stored : matching(query)) {
                    zip.putNextEntry(new ZipEntry("message-" + stored.message().id() + ".eml"));
                    zip.write(stored.message().data());
                    zip.closeEntry();
                }
            }
        }
        out.flush();
    }

    /** What the query finds, oldest first, one message read at a time. */
    private Iterable<StoredMessage> matching(MessageQuery query) {
        return () -> new java.util.Iterator<>() {
            private Optional<StoredMessage> next = smtp.store().firstAfter(0, query);

            @Override
            public boolean hasNext() {
                return next.isPresent();
            }

            @Override
            public StoredMessage next() {
                StoredMessage current = next.orElseThrow();
                next = smtp.store().firstAfter(current.cursor(), query);
                return current;
            }
        };
    }

    /**
     * POST /api/v1/messages/import, the body an {@code .eml} ({@code message/rfc822}) or an mbox
     * ({@code application/mbox}). Every message is checked before any is kept: one that cannot be
     * imported refuses the whole upload, naming it and why. On an inbox's route the messages go to
     * that inbox; otherwise where their recipients route them.
     */
    void importMessages(Context ctx) {
        String inbox = scope.asked(ctx);
        if (inbox == null) {
            scope.requireWholeServer(ctx, "an import that routes mail by its recipients");
        }
        String type = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
        byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            throw ApiException.badRequest("the body is empty: send an .eml (Content-Type: message/rfc822) or an mbox "
                    + "(Content-Type: application/mbox)");
        }
        List<byte[]> contents;
        if (type.startsWith(EML)) {
            contents = List.of(withCrlf(body));
        } else if (type.startsWith(MBOX)) {
            try {
                contents = Mbox.read(body);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        } else {
            throw new ApiException(415, "send an .eml with Content-Type: message/rfc822, or an mbox with "
                    + "Content-Type: application/mbox (got " + (type.isEmpty() ? "no Content-Type" : type) + ")");
        }
        List<ImportedEnvelope> envelopes = new ArrayList<>();
        for (int i = 0; i < contents.size(); i++) {
            try {
                envelopes.add(ImportedEnvelope.of(contents.get(i)));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("message " + (i + 1) + " of " + contents.size() + " cannot be imported: "
                        + e.getMessage() + "; nothing was imported");
            }
        }
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < contents.size(); i++) {
                ids.add(smtp.importMessage(contents.get(i), envelopes.get(i).mailFrom(), envelopes.get(i).recipients(),
                        "an upload to the API", inbox).id());
            }
        } catch (StoreUnavailableException e) {
            throw new ApiException(503, "the store cannot keep messages now: " + e.getMessage() + "; imported before "
                    + "it failed: " + ids);
        }
        ctx.status(201).json(Map.of("imported", ids.size(), "ids", ids));
    }

    /** An .eml saved on a Unix system has LF line ends; SMTP carries CRLF, and so does the store. */
    static byte[] withCrlf(byte[] content) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(content.length + content.length / 40);
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n' && (i == 0 || content[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(content[i]);
        }
        return out.toByteArray();
    }
}
