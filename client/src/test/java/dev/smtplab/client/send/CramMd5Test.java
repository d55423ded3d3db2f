package dev.smtplab.client.send;

import dev.smtplab.client.protocol.AuthMechanism;
import dev.smtplab.client.protocol.TlsSettings;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CRAM-MD5 against a raw-socket fake that plays RFC 2195's own example: user "tim", password
 * "tanstaaftanstaaf", and the challenge and answer printed in the RFC.
 */
class CramMd5Test {
    private static final String CHALLENGE = "<1896.697170952@postoffice.reston.mci.net>";
    private static final String RFC_2195_ANSWER = "tim b913a602c7eda7a495b4e6e7334d3890";

    @Test
    void answers_the_challenge_as_rfc_2195_shows() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> heard = CompletableFuture.supplyAsync(() -> serveOnce(listener));
            SendOptions options = new SendOptions("127.0.0.1", listener.getLocalPort(), "client.test", "a@example.test",
                    List.of("b@example.test"), new byte[0], TlsMode.NONE, TlsSettings.systemTrust(), "tim",
                    "tanstaaftanstaaf", AuthMechanism.CRAM_MD5, Stage.AUTH, Duration.ofSeconds(2), Duration.ofSeconds(5), false);
            SendReport report = new SmtpSender(options, List.of()).send();
            assertThat(report.exitCode()).as(String.valueOf(report.error())).isZero();
            List<String> lines = heard.get(10, TimeUnit.SECONDS);
            assertThat(lines).containsExactly("EHLO client.test", "AUTH CRAM-MD5",
                    Base64.getEncoder().encodeToString(RFC_2195_ANSWER.getBytes(StandardCharsets.US_ASCII)), "QUIT");
            assertThat(report.stages().get(4).command()).as("the answer is masked").isEqualTo("****");
        }
    }

    private static List<String> serveOnce(ServerSocket listener) {
        List<String> heard = new ArrayList<>();
        try (Socket client = listener.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            out.write("220 fake ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null) {
                heard.add(line);
                String reply;
                if (line.startsWith("EHLO")) {
                    reply = "250-fake\r\n250 AUTH CRAM-MD5";
                } else if (line.equals("AUTH CRAM-MD5")) {
                    reply = "334 " + Base64.getEncoder().encodeToString(CHALLENGE.getBytes(StandardCharsets.US_ASCII));
                } else if (line.equals("QUIT")) {
                    out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                    break;
                } else {
                    String answer = new String(Base64.getDecoder().decode(line), StandardCharsets.US_ASCII);
                    reply = answer.equals(RFC_2195_ANSWER) ? "235 2.7.0 ok" : "535 5.7.8 wrong";
                }
                out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (Exception e) {
            heard.add("fake failed: " + e);
        }
        return heard;
    }
}
