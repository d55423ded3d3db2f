package dev.smtplab.server;

import org.junit.jupiter.api.Test;

import java.security.Permission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The server never asks DNS: not for its own name, not for a client's address. Java reports every
 * name-service lookup to the security manager as checkConnect(host, -1), so one that allows
 * everything but writes those down sees any lookup the server makes.
 */
class NoDnsLookupTest {

    @Test
    @SuppressWarnings("removal")
    void a_whole_session_makes_no_name_lookup() throws Exception {
        List<String> lookups = Collections.synchronizedList(new ArrayList<>());
        SecurityManager watcher = new SecurityManager() {
            @Override
            public void checkPermission(Permission permission) {
            }

            @Override
            public void checkPermission(Permission permission, Object context) {
            }

            @Override
            public void checkConnect(String host, int port) {
                if (port == -1) {
                    lookups.add(host + " (thread " + Thread.currentThread().getName() + ")");
                }
            }
        };
        try {
            System.setSecurityManager(watcher);
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, "this JVM does not allow a security manager (Java 18+ without -Djava.security.manager=allow)");
        }
        try (FakeSmtpServer server = FakeSmtpServer.builder().build().start();
             RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: dns\r\n\r\nbody\r\n.")).startsWith("250");
            smtp.command("QUIT");
            server.takeMessage(java.time.Duration.ofSeconds(5));
        } finally {
            System.setSecurityManager(null);
        }
        assertThat(lookups).as("name lookups made while the server ran").isEmpty();
    }
}
