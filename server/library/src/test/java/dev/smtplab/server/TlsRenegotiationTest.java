package dev.smtplab.server;

import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A client may not renegotiate TLS 1.2 (each handshake costs the server; a known denial of service). */
class TlsRenegotiationTest {
    private FakeSmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void client_initiated_renegotiation_is_refused_and_the_session_says_so(@TempDir Path data) throws Exception {
        server = FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost")).build().start();
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            plain.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = plain.getOutputStream();
            assertThat(in.readLine()).startsWith("220 ");
            out.write("EHLO client.test\r\nSTARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            do {
                line = in.readLine();
            } while (line.charAt(3) == '-');
            assertThat(in.readLine()).startsWith("220 ");

            SSLSocket tls = (SSLSocket) server.tls().orElseThrow().clientSslContext().getSocketFactory().createSocket(plain, "localhost", server.port(), false);
            tls.setEnabledProtocols(new String[] {"TLSv1.2"});
            tls.startHandshake();
            BufferedReader secureIn = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream secureOut = tls.getOutputStream();
            secureOut.write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            secureOut.flush();
            assertThat(secureIn.readLine()).startsWith("250 ");

            // A second handshake on the same connection: the renegotiation.
            Throwable refused = catchThrowable(() -> {
                tls.startHandshake();
                secureOut.write("NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
                secureOut.flush();
                if (secureIn.readLine() != null) {
                    throw new AssertionError("the server answered after a renegotiation");
                }
                throw new IOException("closed");
            });
            assertThat(refused).isInstanceOf(IOException.class);
        }
        RecordedSession session = server.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5));
        assertThat(session.outcomeDetail()).isEqualTo(
                "the TLS connection failed: Client initiated renegotiation is not allowed");
        assertThat(session.transcriptText()).contains("-- the TLS connection failed: Client initiated renegotiation "
                + "is not allowed");
    }

}
