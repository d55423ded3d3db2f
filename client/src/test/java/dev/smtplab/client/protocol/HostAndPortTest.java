package dev.smtplab.client.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostAndPortTest {

    @Test
    void reads_host_host_port_and_bracketed_ipv6() {
        assertThat(HostAndPort.parse("mail.example.test", 25)).isEqualTo(new HostAndPort("mail.example.test", 25));
        assertThat(HostAndPort.parse("127.0.0.1:2525", 25)).isEqualTo(new HostAndPort("127.0.0.1", 2525));
        assertThat(HostAndPort.parse("[::1]:587", 25)).isEqualTo(new HostAndPort("::1", 587));
        assertThat(HostAndPort.parse("::1", 25)).isEqualTo(new HostAndPort("::1", 25));
    }

    @Test
    void bad_ports_are_named() {
        assertThatThrownBy(() -> HostAndPort.parse("host:0", 25))
                .hasMessage("\"host:0\": the port must be a number from 1 to 65535");
        assertThatThrownBy(() -> HostAndPort.parse("host:smtp", 25))
                .hasMessage("\"host:smtp\": the port must be a number from 1 to 65535");
        assertThatThrownBy(() -> HostAndPort.parse("[::1", 25))
                .hasMessage("\"[::1\": an IPv6 address in brackets needs its ]");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} is an IP literal: {1}")
    @org.junit.jupiter.params.provider.CsvSource(textBlock = """
            127.0.0.1,       true
            ::1,             true
            2001:db8::25,    true
            127.0.0.1:2525,  false
            256.0.0.1,       false
            mail.example.test, false
            localhost,       false
            """)
    void ip_literals_are_told_from_names_and_host_ports(String text, boolean literal) {
        assertThat(HostAndPort.isIpLiteral(text)).isEqualTo(literal);
    }
}
