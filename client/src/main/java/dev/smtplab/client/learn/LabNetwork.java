package dev.smtplab.client.learn;

import dev.smtplab.client.dns.Dns;
import dev.smtplab.server.FakeSmtpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * What a network lesson's commands reach: host names of the lesson's own (all on 127.0.0.1), each
 * with the ports it serves (25, 465, 587 as the learner types them) standing for the free loopback
 * ports the lesson's servers listen on, and the lesson's DNS server, which knows every host name
 * (A records) and the mail hosts of the lesson's domains (MX records).
 */
final class LabNetwork implements AutoCloseable {
    static final String ADDRESS = "127.0.0.1";

    private final Map<String, Map<Integer, Integer>> hosts;
    private final List<AutoCloseable> running;
    private final LessonDns dns;
    private final Path ca;

    private LabNetwork(Builder builder) {
        this.hosts = builder.hosts;
        this.running = builder.running;
        this.dns = builder.dns;
        this.ca = builder.ca;
    }

    /** What a lesson puts on its network: servers it starts, host names, DNS records. */
    @FunctionalInterface
    interface Setup {
        void addTo(Builder network) throws IOException;
    }

    /**
     * The lesson's network: its set-up, then the DNS server. Should any of it fail, what was started
     * is stopped before the failure goes on.
     */
    static LabNetwork start(Setup setup) throws IOException {
        Builder network = new Builder();
        try {
            setup.addTo(network);
        } catch (IOException | RuntimeException e) {
            network.abandon();
            throw e;
        }
        return network.build();
    }

    boolean knows(String host) {
        return hosts.containsKey(host);
    }

    /** The loopback port standing for a host's port, when the lesson serves it. */
    OptionalInt localPort(String host, int port) {
        Integer local = hosts.getOrDefault(host, Map.of()).get(port);
        return local == null ? OptionalInt.empty() : OptionalInt.of(local);
    }

    /** "mx1.example.test:25, ..." for the learner who typed a name or port the lesson does not have. */
    String describe() {
        List<String> all = new ArrayList<>();
        hosts.forEach((host, ports) -> ports.keySet().forEach(port -> all.add(host + ":" + port)));
        return String.join(", ", all);
    }

    String ports(String host) {
        return String.join(", ", hosts.getOrDefault(host, Map.of()).keySet().stream().map(String::valueOf).toList());
    }

    /** A resolver that asks the lesson's DNS server. */
    Dns dns() {
        return Dns.server(dns.address(), Duration.ofSeconds(2));
    }

    /** "127.0.0.1:PORT" of the lesson's DNS server. */
    String dnsAddress() {
        return dns.address();
    }

    /** The CA the lesson's servers' certificates are signed by (null when none speaks TLS). */
    Path ca() {
        return ca;
    }

    /** Stops the lesson's servers and its DNS. */
    @Override
    public void close() {
        for (AutoCloseable closeable : running) {
            try {
                closeable.close();
            } catch (Exception e) {
                // The lesson is over: what did not stop goes with the process, nothing is lost.
            }
        }
    }

    static final class Builder {
        private final Map<String, Map<Integer, Integer>> hosts = new LinkedHashMap<>();
        private final List<AutoCloseable> running = new ArrayList<>();
        private final LessonDns.Builder zone = LessonDns.zone("example.test");
        private LessonDns dns;
        private Path ca;

        /** The host's {@code port} is served on this loopback port; the host's name gets an A record. */
        Builder host(String host, int port, int localPort) {
            if (!hosts.containsKey(host)) {
                zone.a(host, InetAddress.getLoopbackAddress());
            }
            hosts.computeIfAbsent(host, name -> new TreeMap<>()).put(port, localPort);
            return this;
        }

        Builder mx(String domain, int preference, String host) {
            zone.mx(domain, preference, host);
            return this;
        }

        Builder nullMx(String domain) {
            zone.nullMx(domain);
            return this;
        }

        /** Starts a server of the lesson's, stopped with it. */
        FakeSmtpServer started(FakeSmtpServer.Builder server) {
            FakeSmtpServer started = server.build().start();
            running.add(started);
            return started;
        }

        Builder ca(Path ca) {
            this.ca = ca;
            return this;
        }

        /** Starts the DNS server; on failure, stops what was started. */
        private LabNetwork build() throws IOException {
            try {
                dns = zone.start();
            } catch (IOException e) {
                abandon();
                throw e;
            }
            running.add(dns);
            return new LabNetwork(this);
        }

        /** Stops what was started, when setting up the rest failed. */
        private void abandon() {
            for (AutoCloseable closeable : running) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // stopping after a failure: the failure is what to report
                }
            }
        }
    }
}
