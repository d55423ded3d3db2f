package dev.smtplab.server.record;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class MessageLinksTest {

    /** A sign-up mail as senders write them: quoted-printable text (a soft break inside the link) and HTML. */
    private static final String SIGN_UP = """
            From: shop@example.test\r
            To: bob@example.test\r
            Subject: Confirm\r
            MIME-Version: 1.0\r
            Content-Type: multipart/alternative; boundary="b"\r
            \r
            --b\r
            Content-Type: text/plain; charset=UTF-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Welcome! Confirm here: https://shop.example.test/confirm?token=3Dab12&user=\r
            =3D42.\r
            Your code is 482913 (valid until 2026-12-05 18:00).\r
            =C2=A9 2026 Example Shop, call 555-0123\r
            --b\r
            Content-Type: text/html; charset=UTF-8\r
            Content-Transfer-Encoding: base64\r
            \r
            %s\r
            --b--\r
            """;
    private static final String HTML = "<html><head><style>p{color:#123456}</style></head><body>"
            + "<p>Welcome!</p><a href=\"https://shop.example.test/confirm?token=ab12&amp;user=42\">Confirm</a>"
            + "<p>Your code is <b>482913</b></p><a href='https://shop.example.test/unsubscribe'>Leave</a>"
            + "<a href=\"mailto:help@example.test\">Help</a><p>Or visit https://help.example.test/faq.</p>"
            + "</body></html>";

    static RecordedMessage message(String content) {
        return new RecordedMessage("1", "1", 1, 1, Instant.EPOCH, "127.0.0.1", 40000, "client.test",
                "shop@example.test", Map.of(), List.of(new Recipient("bob@example.test", Map.of(), 250, "250 Ok")),
                content.getBytes(StandardCharsets.UTF_8));
    }

    private static RecordedMessage signUp() {
        String html = java.util.Base64.getMimeEncoder().encodeToString(HTML.getBytes(StandardCharsets.UTF_8));
        return message(SIGN_UP.formatted(html));
    }

    @Test
    void links_come_from_hrefs_and_text_decoded_once_each() {
        assertThat(signUp().links()).containsExactly(
                "https://shop.example.test/confirm?token=ab12&user=42",
                "https://shop.example.test/unsubscribe",
                "https://help.example.test/faq");
    }

    @Test
    void first_link_finds_by_regular_expression() {
        assertThat(signUp().firstLink("/confirm\\?token=")).contains("https://shop.example.test/confirm?token=ab12&user=42");
        assertThat(signUp().firstLink("/reset")).isEmpty();
    }

    @Test
    void the_code_is_the_standalone_number_not_a_date_a_year_in_a_link_or_a_colour() {
        assertThat(signUp().code()).contains("482913");
        assertThat(MessageLinks.of(signUp()).codes()).containsExactly("482913", "2026");
    }

    @Test
    void a_pattern_with_a_group_gives_the_group() {
        RecordedMessage message = message("Subject: x\r\n\r\nYour login code: K7Q-29X\r\n");
        assertThat(message.code()).isEmpty();
        assertThat(message.code(Pattern.compile("code: ([A-Z0-9]{3}-[A-Z0-9]{3})"))).contains("K7Q-29X");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            Your code is 1234.                          | 1234
            code:00112233                               | 00112233
            PIN 123                                     |
            order 123456789                             |
            call 555-1234                               |
            version 1.2345                              |
            costs 1234.50                               |
            see https://x.test/?otp=123456 or 654321    | 654321
            """)
    void default_codes(String text, String code) {
        assertThat(message("Subject: x\r\n\r\n" + text + "\r\n").code().orElse(null)).isEqualTo(code);
    }

    @Test
    void html_entities_are_decoded() {
        assertThat(MessageLinks.decodeEntities("a&amp;b &lt;&#65;&#x42;&gt; &unknown; &#1114112;"))
                .isEqualTo("a&b <AB> &unknown; &#1114112;");
    }

    @Test
    void a_plain_message_without_mime_headers_is_its_own_text() {
        RecordedMessage message = message("Subject: hi\r\n\r\nvisit http://x.test/a, code 9876\r\n");
        assertThat(message.links()).containsExactly("http://x.test/a");
        assertThat(message.code()).contains("9876");
    }
}
