package dev.smtplab.client.learn;

import dev.smtplab.client.dns.Dns;
import dev.smtplab.client.dns.MxReport;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The MX lesson's DNS server answers the client's own resolver as an authoritative server would. */
class LessonDnsTest {
    private static LessonDns zone() throws Exception {
        return LessonDns.zone("example.test")
                .mx("shop.example.test", 20, "mx2.shop.example.test")
                .mx("shop.example.test", 10, "mx1.shop.example.test")
                .a("mx1.shop.example.test", InetAddress.getLoopbackAddress())
                .a("mx2.shop.example.test", InetAddress.getLoopbackAddress())
                .a("blog.example.test", InetAddress.getLoopbackAddress())
                .nullMx("nomail.example.test")
                .start();
    }

    @Test
    void mx_records_implicit_mx_null_mx_and_nxdomain_come_through_a_real_lookup() throws Exception {
        try (LessonDns dns = zone()) {
            Dns resolver = Dns.server(dns.address(), Duration.ofSeconds(2));

            MxReport shop = resolver.mx("shop.example.test");
            assertThat(shop.hosts()).extracting(MxReport.MxHost::preference, MxReport.MxHost::host)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(10, "mx1.shop.example.test"),
                            org.assertj.core.groups.Tuple.tuple(20, "mx2.shop.example.test"));
            assertThat(shop.hosts().get(0).ipv4()).containsExactly("127.0.0.1");

            MxReport blog = resolver.mx("blog.example.test");
            assertThat(blog.implicit()).isTrue();
            assertThat(blog.hosts()).singleElement().extracting(MxReport.MxHost::addresses).isEqualTo(List.of("127.0.0.1"));

            assertThat(resolver.mx("nomail.example.test").nullMx()).isTrue();
            assertThat(resolver.mx("nothere.example.test").error()).contains("NXDOMAIN");
        }
    }

    @Test
    void a_name_outside_the_zone_is_refused_and_garbage_is_ignored_without_stopping_the_server() throws Exception {
        try (LessonDns dns = zone(); DatagramSocket socket = new DatagramSocket()) {
            String[] address = dns.address().split(":");
            byte[] garbage = {1, 2, 3};
            socket.send(new DatagramPacket(garbage, garbage.length,
                    new InetSocketAddress(address[0], Integer.parseInt(address[1]))));

            Dns resolver = Dns.server(dns.address(), Duration.ofSeconds(2));
            assertThat(resolver.mx("example.com").error()).isNotNull();
            assertThat(resolver.mx("shop.example.test").hosts()).hasSize(2);
        }
    }
}
