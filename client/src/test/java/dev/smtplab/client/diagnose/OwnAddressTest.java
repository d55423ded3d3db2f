package dev.smtplab.client.diagnose;

import dev.smtplab.client.protocol.HostAndPort;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OwnAddressTest {
    @Test
    void the_outgoing_address_is_read_from_an_ehlo_greeting_that_names_it() {
        assertThat(OwnAddress.in("mx.google.com at your service, [203.0.113.5]")).isEqualTo("203.0.113.5");
        assertThat(OwnAddress.in("mail.example.net Hello client.example [IPv6:2001:db8::5]")).isEqualTo("2001:db8::5");
        assertThat(OwnAddress.in("mx.example.test")).isNull();
        assertThat(OwnAddress.in("mx.example.test Hello [127.0.0.1]")).as("loopback is not what the internet sees").isNull();
        assertThat(OwnAddress.in("mx.example.test Hello [10.1.2.3]")).as("nor a private address").isNull();
        assertThat(OwnAddress.in("mx.example.test Hello [cafe]")).as("a name, never looked up").isNull();
        assertThat(OwnAddress.in((String) null)).isNull();
    }

    @Test
    void ipv6_addresses_are_shown_in_their_short_form() {
        assertThat(HostAndPort.compact("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(HostAndPort.compact("2001:db8:0:0:0:0:0:5")).isEqualTo("2001:db8::5");
        assertThat(HostAndPort.compact("2001:db8:0:0:1:0:0:1")).as("the first of two equal runs").isEqualTo("2001:db8::1:0:0:1");
        assertThat(HostAndPort.compact("2001:db8:0:1:1:1:1:1")).as("one zero group stays").isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(HostAndPort.compact("fe80:0:0:0:0:0:0:0")).isEqualTo("fe80::");
        assertThat(HostAndPort.compact("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(HostAndPort.compact("mx.example.test")).isEqualTo("mx.example.test");
    }
}
