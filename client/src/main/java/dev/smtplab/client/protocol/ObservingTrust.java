package dev.smtplab.client.protocol;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Checks the server's certificate as a sender would (trust and host name), but only writes the
 * verdict down instead of ending the handshake, so diagnose can go on and look at the server, and a person in a session can decide.
 */
public final class ObservingTrust extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager real;
    private volatile CertificateException failure;

    public ObservingTrust(X509ExtendedTrustManager real) {
        this.real = real;
    }

    /** Why the certificate did not verify, or null when it did. */
    public CertificateException failure() {
        return failure;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        try {
            real.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            failure = e;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        try {
            real.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            failure = e;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        try {
            real.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            failure = e;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        real.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        real.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        real.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return real.getAcceptedIssuers();
    }
}
