package dev.smtplab.harness;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;
import static dev.smtplab.harness.SmtpLabAssertions.assertThatThrownBy;

/** STARTTLS in a test without a trust-all setting: the extension hands out what trusts its server. */
class TlsExampleTest {

    /** The code under test: it sends through whatever session it is given. */
    static void sendReceipt(Session session, String to) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("shop@example.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject("Your receipt");
        message.setText("Thanks!");
        Transport.send(message);
    }

    // README example: begin
    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.withTls();   // STARTTLS with a certificate of its own

    @Test
    void the_receipt_goes_out_over_starttls() throws Exception {
        Session session = Session.getInstance(smtp.jakartaMailProperties());   // trusts that certificate only
        sendReceipt(session, "bob@example.test");
        assertThat(smtp.takeMessage(Duration.ofSeconds(5))).wasSentOverTls();
    }
    // README example: end

    @Test
    void without_the_extensions_trust_the_certificate_is_refused() {
        Properties untrusting = new Properties();
        untrusting.setProperty("mail.smtp.host", "127.0.0.1");
        untrusting.setProperty("mail.smtp.port", Integer.toString(smtp.port()));
        untrusting.setProperty("mail.smtp.starttls.enable", "true");
        untrusting.setProperty("mail.smtp.starttls.required", "true");
        assertThatThrownBy(() -> sendReceipt(Session.getInstance(untrusting), "bob@example.test"))
                .hasStackTraceContaining("PKIX path building failed");
        assertThat(smtp.messages()).isEmpty();
    }

    @Test
    void the_ssl_context_serves_any_client_and_checks_the_name() throws Exception {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), smtp.port())) {
            plain.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(),
                    StandardCharsets.US_ASCII));
            OutputStream out = plain.getOutputStream();
            in.readLine();
            out.write("EHLO app.test\r\nSTARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            String line;
            do {
                line = in.readLine();
            } while (!line.startsWith("220"));
            SSLSocket tls = (SSLSocket) smtp.clientSslContext().getSocketFactory()
                    .createSocket(plain, "localhost", plain.getPort(), true);
            var parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            assertThat(tls.getSession().getPeerPrincipal().getName()).isEqualTo("CN=localhost,O=SMTP Lab");
            tls.close();
        }
        assertThat(smtp.trustStore().size()).isEqualTo(1);
    }
}
