package dev.smtplab.client.diagnose;

import dev.smtplab.client.protocol.WireListener;

/** Who listens to each probe's dialogue (smtplab diagnose --record records one); nobody by default. */
@FunctionalInterface
public interface ProbeListeners {
    ProbeListeners NONE = (host, port, clientAddress) -> null;

    /**
     * @param clientAddress this end's address, as the server sees it
     * @return the listener for the dialogue with HOST:PORT, or null for none
     */
    WireListener listenerFor(String host, int port, String clientAddress);
}
