package dev.smtplab.server.web;

import dev.smtplab.server.record.MessageStore;
import dev.smtplab.server.record.RecordedSession;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;

/**
 * Sessions: list (newest first) and one with its transcript; rejected and dropped ones included. A
 * user limited to some inboxes sees the sessions that delivered to them or came through their ports.
 */
final class SessionController {
    private final MessageStore store;
    private final InboxScope scope;

    SessionController(MessageStore store, InboxScope scope) {
        this.store = store;
        this.scope = scope;
    }

    void list(Context ctx) {
        int limit = MessageController.intParam(ctx, "limit", MessageController.DEFAULT_PAGE, 1, MessageController.MAX_PAGE);
        String outcome = ctx.queryParam("outcome");
        List<RecordedSession> all = store.sessions();
        List<Dtos.SessionSummary> page = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && page.size() < limit; i--) {
            RecordedSession session = all.get(i);
            if ((outcome == null || session.outcome().name().equalsIgnoreCase(outcome)) && scope.sees(ctx, session)) {
                page.add(Dtos.SessionSummary.of(session));
            }
        }
        ctx.json(page);
    }

    void one(Context ctx) {
        String id = ctx.pathParam("id");
        RecordedSession session = store.session(id).filter(found -> scope.sees(ctx, found))
                .orElseThrow(() -> ApiException.notFound("session " + id));
        ctx.json(Dtos.SessionDetail.of(session));
    }
}
