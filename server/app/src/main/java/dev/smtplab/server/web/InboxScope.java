package dev.smtplab.server.web;

import dev.smtplab.server.inbox.Inboxes;
import dev.smtplab.server.record.MessageQuery;
import dev.smtplab.server.record.RecordedMessage;
import dev.smtplab.server.record.RecordedSession;
import io.javalin.http.Context;

import java.util.Set;
import java.util.TreeSet;

/**
 * Which inboxes a request is about and may see: the path's {@code {inbox}} on the scoped routes
 * ({@code /api/v1/inboxes/{inbox}/...}), within those of the logged-in user (--web-auth-inboxes).
 * The unscoped routes mean every inbox the user may see.
 */
final class InboxScope {
    private final Inboxes inboxes;
    private final WebAccess access;

    InboxScope(Inboxes inboxes, WebAccess access) {
        this.inboxes = inboxes;
        this.access = access;
    }

    /** The inboxes the user may see; null for every one. */
    Set<String> allowed(Context ctx) {
        return access.inboxesOf(ctx.attribute(WebGuard.USER));
    }

    /**
     * The inbox the path names, checked: null on the unscoped routes.
     *
     * @throws ApiException 403 for an inbox the user may not see, 404 for one that does not exist
     */
    String asked(Context ctx) {
        String asked = ctx.pathParamMap().get("inbox");
        if (asked == null) {
            return null;
        }
        Set<String> allowed = allowed(ctx);
        if (allowed != null && !allowed.contains(asked)) {
            throw new ApiException(403, "user " + ctx.attribute(WebGuard.USER) + " may see only the inboxes "
                    + new TreeSet<>(allowed) + ", not \"" + asked + "\" (--web-auth-inboxes)");
        }
        if (!inboxes.exists(asked)) {
            throw ApiException.notFound("inbox \"" + asked + "\"");
        }
        return asked;
    }

    /** The inboxes the request is about: the path's, or every one the user may see (null for all). */
    Set<String> visible(Context ctx) {
        String asked = asked(ctx);
        return asked != null ? Set.of(asked) : allowed(ctx);
    }

    /** The inboxes a change the request made may concern: those it may see, or (all of them) every one defined. */
    Set<String> concerned(Context ctx) {
        Set<String> visible = visible(ctx);
        if (visible != null) {
            return visible;
        }
        Set<String> all = new java.util.HashSet<>();
        inboxes.list().forEach(inbox -> all.add(inbox.name()));
        return all;
    }

    MessageQuery scoped(Context ctx, MessageQuery query) {
        return query.inInboxes(visible(ctx));
    }

    /** The message, if the request may see it; a 404 otherwise, as if it did not exist. */
    RecordedMessage check(Context ctx, RecordedMessage message, String what) {
        Set<String> visible = visible(ctx);
        if (visible != null && !visible.contains(message.inbox())) {
            throw ApiException.notFound(what);
        }
        return message;
    }

    boolean sees(Context ctx, RecordedSession session) {
        Set<String> visible = visible(ctx);
        return visible == null || session.inboxes().stream().anyMatch(visible::contains);
    }

    /**
     * Refuses a user limited to some inboxes a change to the whole server (its failure modes, its
     * inbox definitions).
     */
    void requireWholeServer(Context ctx, String what) {
        Set<String> allowed = allowed(ctx);
        if (allowed != null) {
            throw new ApiException(403, "user " + ctx.attribute(WebGuard.USER) + " may see only the inboxes "
                    + new TreeSet<>(allowed) + "; " + what + " is for a user who may see all (--web-auth-inboxes)");
        }
    }
}
