package dev.smtplab.server.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IpLiteralTest {
    @Test
    void only_well_formed_addresses_are_read_and_nothing_is_looked_up() {
        assertThat(IpLiteral.parse("192.0.2.10")).hasValueSatisfying(a -> assertThat(a.getHostAddress()).isEqualTo("192.0.2.10"));
        assertThat(IpLiteral.parse("::1")).hasValueSatisfying(a -> assertThat(a.isLoopbackAddress()).isTrue());
        assertThat(IpLiteral.parse("999.1.1.1")).as("an octet past 255 is no address, and not a name to look up").isEmpty();
        assertThat(IpLiteral.parse("host.example")).isEmpty();
        assertThat(IpLiteral.parse("cafe")).as("hex letters alone are a name").isEmpty();
        assertThat(IpLiteral.parse("[::1]")).as("brackets belong to URLs and Host headers").isEmpty();
    }
}
