package dev.smtplab.server;

import java.security.Permission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Run in a JVM of its own by {@link NoDnsLookupTest}: a whole SMTP session under a security
 * manager that allows everything but writes down each name-service lookup (Java reports them as
 * checkConnect(host, -1)). Prints one line per lookup, then "done". The watcher lives and dies
 * with this process, so the test JVM never has a security manager. With the argument
 * "self-check" it first looks up a name itself, to show the watcher sees lookups.
 */
public final class NoDnsProbe {
    private NoDnsProbe() {
    }

    @SuppressWarnings("removal")
    public static void main(String[] args) throws Exception {
        List<String> lookups = Collections.synchronizedList(new ArrayList<>());
        System.setSecurityManager(new SecurityManager() {
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
        });
        if (args.length > 0 && args[0].equals("self-check")) {
            try {
                java.net.InetAddress.getByName("probe.invalid");
            } catch (java.net.UnknownHostException e) {
                // expected: the point is that the lookup was seen
            }
        }
        try (FakeSmtpServer server = FakeSmtpServer.builder().build().start();
             RawSmtp smtp = new RawSmtp(server.port())) {
            smtp.reply();
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<a@example.test>");
            smtp.command("RCPT TO:<b@example.test>");
            smtp.command("DATA");
            if (!smtp.command("Subject: dns\r\n\r\nbody\r\n.").startsWith("250")) {
                throw new IllegalStateException("the message was not accepted");
            }
            smtp.command("QUIT");
            server.takeMessage(Duration.ofSeconds(5));
        }
        System.setSecurityManager(null);
        lookups.forEach(lookup -> System.out.println("lookup: " + lookup));
        System.out.println("done");
    }
}
