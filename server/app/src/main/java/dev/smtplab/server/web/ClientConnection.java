package dev.smtplab.server.web;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Whether the HTTP client of a request still waiting for its answer has gone away. Jetty does not
 * read a connection while its request is answered asynchronously, so it never notices a client
 * that closed its end; a long poll would hold its place until its timeout. {@link #hasClosed()}
 * reads what the client sent since: end of stream means it is gone.
 *
 * <p>Only call it while the request is unanswered (Jetty reads the connection again once the
 * response is written). A client that pipelined a next request has those bytes read here; the
 * answer then carries {@code Connection: close}, and RFC 9112, 9.3.2 has the client send the
 * request again on a new connection.
 */
final class ClientConnection implements MessageWaits.WaitingClient {
    private final Context ctx;
    private final EndPoint endPoint;
    private final ByteBuffer discard = BufferUtil.allocate(512);

    private ClientConnection(Context ctx, EndPoint endPoint) {
        this.ctx = ctx;
        this.endPoint = endPoint;
    }

    /** The connection of this request, or one that never reports a close where Jetty's end point is out of reach. */
    static ClientConnection of(Context ctx) {
        try {
            var request = ServletContextRequest.getServletContextRequest(ctx.req());
            EndPoint endPoint = request == null ? null : request.getConnectionMetaData().getConnection().getEndPoint();
            return new ClientConnection(ctx, endPoint);
        } catch (RuntimeException notJetty) {
            return new ClientConnection(ctx, null);
        }
    }

    @Override
    public boolean hasClosed() {
        if (endPoint == null) {
            return false;
        }
        if (!endPoint.isOpen()) {
            return true;
        }
        try {
            int read;
            do {
                BufferUtil.clear(discard); // Jetty's buffers are in flush mode: empty is limit 0
                read = endPoint.fill(discard);
                if (read > 0) {
                    ctx.header("Connection", "close");
                }
            } while (read > 0);
            return read < 0;
        } catch (IOException | RuntimeException broken) {
            return true;
        }
    }

    /** Closes the connection of a client that has gone, so its resources go at once. */
    @Override
    public void close() {
        if (endPoint != null) {
            endPoint.close();
        }
    }
}
