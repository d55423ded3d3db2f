package dev.smtplab.server.smtp;

import javax.net.ssl.SSLContext;
import java.util.function.Supplier;

/**
 * An SSL context made once, when first needed: building one (key store, key manager, the JDK's
 * TLS classes) takes a sixth of a second, which must not stand between a launch and its first
 * accept. {@link #warmUp} makes it in the background right after the start, so that the first
 * STARTTLS rarely waits for it either.
 */
public final class LazySslContext implements Supplier<SSLContext> {
    private final Supplier<SSLContext> make;
    private volatile SSLContext made;

    public LazySslContext(Supplier<SSLContext> make) {
        this.make = make;
    }

    @Override
    public SSLContext get() {
        SSLContext context = made;
        if (context == null) {
            synchronized (this) {
                context = made;
                if (context == null) {
                    context = make.get();
                    made = context;
                }
            }
        }
        return context;
    }

    /** Makes the context on a thread of its own; a failure shows again at the first use. */
    public void warmUp() {
        Thread warm = new Thread(() -> {
            try {
                get().createSSLEngine();
            } catch (RuntimeException ignored) {
                // reported where the context is used
            }
        }, "smtplab-tls-warm-up");
        warm.setDaemon(true);
        warm.start();
    }
}
