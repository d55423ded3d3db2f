package dev.smtplab.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.mail.MailSendException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import static dev.smtplab.harness.SmtpLabAssertions.assertThat;
import static dev.smtplab.harness.SmtpLabAssertions.assertThatThrownBy;
import static dev.smtplab.server.scenario.SmtpStage.RCPT;

/** The README's Spring section, run as written: JavaMailSender against SMTP Lab, and Boot's properties. */
class SpringMailExampleTest {
    // README example: begin
    @RegisterExtension
    static SmtpLabExtension smtp = SmtpLabExtension.create().perClass();   // one per class, like Spring's context

    @DynamicPropertySource   // in a @SpringBootTest, Boot's mail starter reads these
    static void mailProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", smtp::host);
        registry.add("spring.mail.port", smtp::port);
    }

    @Test
    void java_mail_sender_retries_a_greylisted_recipient() throws Exception {
        JavaMailSenderImpl mailSender = new JavaMailSenderImpl();   // in Boot: @Autowired JavaMailSender
        mailSender.setHost(smtp.host());
        mailSender.setPort(smtp.port());
        SimpleMailMessage mail = new SimpleMailMessage();
        mail.setFrom("noreply@shop.test");
        mail.setTo("bob@example.test");
        mail.setSubject("Your order");
        mail.setText("It has shipped.");

        smtp.failNext(RCPT, "451 4.7.1 Greylisted, try again later");
        assertThatThrownBy(() -> mailSender.send(mail)).isInstanceOf(MailSendException.class)
                .hasStackTraceContaining("451 4.7.1");
        mailSender.send(mail);
        assertThat(smtp.takeMessage(Duration.ofSeconds(5))).hasSubject("Your order");
    }
    // README example: end

    @Test
    void the_properties_name_this_classes_server() {
        Map<String, Supplier<Object>> registered = new HashMap<>();
        mailProperties(registered::put);
        assertThat(registered.get("spring.mail.host").get()).isEqualTo(smtp.host());
        assertThat(registered.get("spring.mail.port").get()).isEqualTo(smtp.port());
    }
}
