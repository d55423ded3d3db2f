package dev.smtplab.client.learn;

import dev.smtplab.server.FakeSmtpServer;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A lesson's network starts whole or not at all: a failing set-up leaves no server running. */
class LabNetworkTest {
    @Test
    void a_set_up_that_fails_halfway_stops_the_servers_it_had_started() {
        AtomicReference<FakeSmtpServer> first = new AtomicReference<>();
        assertThatThrownBy(() -> LabNetwork.start(network -> {
            first.set(network.started(FakeSmtpServer.builder()));
            network.host("mx.example.test", 25, first.get().port());
            network.mx("outside.example.com", 10, "mx.example.test");
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the zone");

        int port = first.get().port();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void the_names_the_learner_types_stand_for_loopback_ports_and_are_in_the_lessons_dns() throws Exception {
        try (LabNetwork network = LabNetwork.start(setup -> setup.host("mx.example.test", 587, 40587))) {
            assertThat(network.knows("mx.example.test")).isTrue();
            assertThat(network.localPort("mx.example.test", 587)).hasValue(40587);
            assertThat(network.localPort("mx.example.test", 25)).isEmpty();
            assertThat(network.ports("mx.example.test")).isEqualTo("587");
            assertThat(network.dns().addresses("mx.example.test")).containsExactly("127.0.0.1");
        }
    }
}
