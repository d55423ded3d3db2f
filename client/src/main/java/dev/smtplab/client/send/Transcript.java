package dev.smtplab.client.send;

import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.WireListener;

import java.io.PrintWriter;

/**
 * Prints the dialogue as it happens: elapsed time, direction and whether it went over TLS
 * ({@code ->}/{@code <-} plain, {@code ~>}/{@code <~} TLS, as swaks marks them).
 */
public final class Transcript implements WireListener {
    private final PrintWriter out;
    private final long started = System.nanoTime();

    public Transcript(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void sent(String line, boolean tls) {
        print(tls ? " ~> " : " -> ", line);
    }

    @Override
    public void received(Reply reply, boolean tls) {
        for (String line : reply.wireText().split("\r\n")) {
            print(tls ? "<~  " : "<-  ", line);
        }
    }

    private synchronized void print(String marker, String line) {
        out.printf("%6d ms %s%s%n", (System.nanoTime() - started) / 1_000_000, marker, line);
        out.flush();
    }
}
