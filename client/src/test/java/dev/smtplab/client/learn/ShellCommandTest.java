package dev.smtplab.client.learn;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The walkthrough's commands are read as the real tools read them; a malformed one is named, not run. */
class ShellCommandTest {
    @Test
    void telnet_and_nc_take_a_host_and_a_port_or_a_service_name() {
        assertThat(ShellCommand.parse("telnet mx1.example.test 25"))
                .isEqualTo(new ShellCommand.Connect("telnet", "mx1.example.test", 25, ShellCommand.Tls.NONE));
        assertThat(ShellCommand.parse("  TELNET MX1.Example.Test. smtp "))
                .isEqualTo(new ShellCommand.Connect("telnet", "mx1.example.test", 25, ShellCommand.Tls.NONE));
        assertThat(ShellCommand.parse("nc -v -C mx.example.test submission"))
                .isEqualTo(new ShellCommand.Connect("nc", "mx.example.test", 587, ShellCommand.Tls.NONE));
    }

    @Test
    void a_connection_without_a_port_or_with_a_bad_one_is_named() {
        assertThat(ShellCommand.parse("telnet mx1.example.test"))
                .isEqualTo(ShellCommand.Problem.of("learn.net.noPort", "telnet", "mx1.example.test"));
        assertThat(ShellCommand.parse("telnet")).isEqualTo(ShellCommand.Problem.of("learn.net.usage.telnet", "telnet"));
        assertThat(ShellCommand.parse("telnet a b c")).isEqualTo(ShellCommand.Problem.of("learn.net.usage.telnet", "telnet"));
        assertThat(ShellCommand.parse("telnet mx 70000")).isEqualTo(ShellCommand.Problem.of("learn.net.badPort", "70000"));
        assertThat(ShellCommand.parse("telnet mx 0")).isEqualTo(ShellCommand.Problem.of("learn.net.badPort", "0"));
        assertThat(ShellCommand.parse("nc mx twenty-five")).isEqualTo(ShellCommand.Problem.of("learn.net.badPort",
                "twenty-five"));
    }

    @Test
    void openssl_s_client_connects_with_tls_at_once_or_after_starttls() {
        assertThat(ShellCommand.parse("openssl s_client -connect mx.example.test:465 -crlf -quiet"))
                .isEqualTo(new ShellCommand.Connect("openssl", "mx.example.test", 465, ShellCommand.Tls.IMPLICIT));
        assertThat(ShellCommand.parse("openssl s_client -starttls smtp -servername x -connect mx.example.test:587"))
                .isEqualTo(new ShellCommand.Connect("openssl", "mx.example.test", 587, ShellCommand.Tls.STARTTLS));
        assertThat(ShellCommand.parse("openssl s_client mx.example.test:465"))
                .isEqualTo(ShellCommand.Problem.of("learn.net.usage.openssl"));
        assertThat(ShellCommand.parse("openssl s_client -starttls imap -connect mx:143"))
                .isEqualTo(ShellCommand.Problem.of("learn.net.usage.openssl"));
        assertThat(ShellCommand.parse("openssl s_client -connect mx.example.test"))
                .isEqualTo(ShellCommand.Problem.of("learn.net.usage.openssl"));
        assertThat(ShellCommand.parse("openssl x509 -in cert.pem")).isEqualTo(ShellCommand.Problem.of("learn.net.usage.openssl"));
    }

    @Test
    void every_way_of_asking_for_mx_records_is_a_lookup() {
        ShellCommand expected = new ShellCommand.Lookup("nslookup", "shop.example.test");
        assertThat(ShellCommand.parse("nslookup -type=mx shop.example.test")).isEqualTo(expected);
        assertThat(ShellCommand.parse("nslookup -q=MX Shop.Example.Test.")).isEqualTo(expected);
        assertThat(ShellCommand.parse("dig mx shop.example.test +short"))
                .isEqualTo(new ShellCommand.Lookup("dig", "shop.example.test"));
        assertThat(ShellCommand.parse("dig @127.0.0.1 shop.example.test MX"))
                .isEqualTo(new ShellCommand.Lookup("dig", "shop.example.test"));
        assertThat(ShellCommand.parse("dig -t mx shop.example.test"))
                .isEqualTo(new ShellCommand.Lookup("dig", "shop.example.test"));
        assertThat(ShellCommand.parse("host -t mx shop.example.test"))
                .isEqualTo(new ShellCommand.Lookup("host", "shop.example.test"));
        assertThat(ShellCommand.parse("smtplab mx shop.example.test"))
                .isEqualTo(new ShellCommand.Lookup("mx", "shop.example.test"));
    }

    @Test
    void a_lookup_of_addresses_instead_of_mail_hosts_is_named() {
        assertThat(ShellCommand.parse("nslookup shop.example.test"))
                .isEqualTo(ShellCommand.Problem.of("learn.net.notMx", "nslookup", "A"));
        assertThat(ShellCommand.parse("nslookup -type=txt shop.example.test"))
                .isEqualTo(ShellCommand.Problem.of("learn.net.notMx", "nslookup", "TXT"));
        assertThat(ShellCommand.parse("dig shop.example.test")).isEqualTo(ShellCommand.Problem.of("learn.net.notMx", "dig", "A"));
        assertThat(ShellCommand.parse("host shop.example.test")).isEqualTo(ShellCommand.Problem.of("learn.net.notMx", "host", "A"));
        assertThat(ShellCommand.parse("nslookup -type=mx")).isEqualTo(ShellCommand.Problem.of("learn.net.usage.nslookup"));
        assertThat(ShellCommand.parse("mx")).isEqualTo(ShellCommand.Problem.of("learn.net.usage.mx"));
    }

    @Test
    void smtp_typed_before_connecting_and_unknown_tools_are_named() {
        assertThat(ShellCommand.parse("EHLO client.example.test"))
                .isEqualTo(ShellCommand.Problem.of("learn.net.notConnected", "EHLO client.example.test"));
        assertThat(ShellCommand.parse("ping mx1.example.test")).isEqualTo(ShellCommand.Problem.of("learn.net.unknown", "ping"));
        assertThat(ShellCommand.parse("ｔｅｌｎｅｔ mx1.example.test 25"))
                .isEqualTo(ShellCommand.Problem.of("learn.net.nonAscii", "ｔ"));
        assertThat(ShellCommand.parse("telnet\u3000mx1.example.test 25"))
                .isEqualTo(ShellCommand.Problem.of("learn.net.nonAscii", "\u3000"));
        assertThat(ShellCommand.parse("   ")).isInstanceOf(ShellCommand.Empty.class);
        assertThat(ShellCommand.parse("/hint")).isInstanceOf(ShellCommand.Helper.class);
    }
}
