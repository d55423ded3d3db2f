package dev.smtplab.server;

import dev.smtplab.server.record.RecordedSession;
import dev.smtplab.server.tls.TlsMaterial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Commands sent in the same packet as STARTTLS are never executed after the handshake (CVE-2011-0411). */
class StartTlsInjectionTest {
    private FakeSmtpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void commands_pipelined_after_starttls_are_discarded_not_run_over_tls(@TempDir Path data) throws Exception {
        server = FakeSmtpServer.builder().tls(TlsMaterial.localCa(data, "localhost")).build().start();
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            plain.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = plain.getOutputStream();
            assertThat(in.readLine()).startsWith("220 ");
            out.write("EHLO client.test\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            do {
                line = in.readLine();
            } while (line.charAt(3) == '-');
            // The injection: a command in the same write as STARTTLS.
            out.write("STARTTLS\r\nMAIL FROM:<injected@evil.test>\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).startsWith("220 ");

            SSLSocket tls = (SSLSocket) server.tls().orElseThrow().clientSslContext().getSocketFactory().createSocket(plain, "localhost",
                    server.port(), false);
            tls.startHandshake();
            BufferedReader secureIn = new BufferedReader(new InputStreamReader(tls.getInputStream(),
                    StandardCharsets.US_ASCII));
            OutputStream secureOut = tls.getOutputStream();
            secureOut.write("RCPT TO:<bob@example.test>\r\n".getBytes(StandardCharsets.US_ASCII));
            secureOut.flush();
            assertThat(secureIn.readLine()).as("no MAIL ran, so RCPT has no transaction")
                    .isEqualTo("503 5.5.1 Error: need MAIL command");
            secureOut.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            secureOut.flush();
            assertThat(secureIn.readLine()).startsWith("221");
        }
        RecordedSession session = server.awaitSession(s -> s.ended().isPresent(), Duration.ofSeconds(5));
        assertThat(session.transcriptText()).contains("-- discarded 32 octets sent after STARTTLS")
                .doesNotContain("C: MAIL FROM:<injected@evil.test>");
    }

}
