package dev.smtplab.server;

import dev.smtplab.server.inbox.Inbox;
import dev.smtplab.server.inbox.InboxRoute;
import dev.smtplab.server.inbox.Inboxes;
import dev.smtplab.server.scenario.RulesFile;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Named inboxes: the listeners that feed them (--smtp-port NAME=PORT) and the routes (--inbox). */
final class InboxOptions {
    @Option(names = "--smtp-port", paramLabel = "[NAME=]PORT", defaultValue = "2525", split = "\\s+",
            splitSynopsisLabel = " ",
            description = "SMTP port to listen on; 0 takes a free one (default: ${DEFAULT-VALUE}). NAME=PORT adds "
                    + "another port whose mail goes to inbox NAME; repeatable.")
    List<String> smtpPorts = new ArrayList<>();

    @Option(names = "--inbox", paramLabel = "NAME=ROUTE[,ROUTE...]",
            description = "A named inbox and the mail it takes: rcpt:PATTERN (an accepted recipient, such as "
                    + "rcpt:*@team-a.test, or a domain, rcpt:team-a.test) or auth:USER (the AUTH login; * matches "
                    + "anything). Repeatable; the first inbox whose route matches takes the message; mail no inbox "
                    + "takes goes to \"default\".")
    List<String> inboxes = new ArrayList<>();

    /** The main SMTP port: the one --smtp-port gives without a name (2525 if none does). */
    int mainPort() {
        int main = 2525;
        boolean seen = false;
        for (String entry : smtpPorts) {
            if (entry.indexOf('=') < 0) {
                if (seen) {
                    throw ServerExit.badConfiguration("--smtp-port: two ports without an inbox name; give the others "
                            + "as NAME=PORT");
                }
                seen = true;
                main = port(entry, "--smtp-port " + entry);
            }
        }
        return main;
    }

    /** The ports of inboxes, by name, in the order given. */
    Map<String, Integer> inboxPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String entry : smtpPorts) {
            int equals = entry.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String name = entry.substring(0, equals).trim();
            checkName(name, "--smtp-port " + entry);
            if (Inboxes.DEFAULT.equals(name)) {
                throw ServerExit.badConfiguration("--smtp-port " + entry + ": the default inbox takes the main port's "
                        + "mail; give another name");
            }
            if (ports.put(name, port(entry.substring(equals + 1), "--smtp-port " + entry)) != null) {
                throw ServerExit.badConfiguration("--smtp-port: inbox \"" + name + "\" given two ports");
            }
        }
        return ports;
    }

    /** The inboxes --inbox defines, in order. */
    List<Inbox> routedInboxes() {
        List<Inbox> defined = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (String entry : inboxes) {
            int equals = entry.indexOf('=');
            if (equals < 1) {
                throw ServerExit.badConfiguration("--inbox " + entry + ": use NAME=ROUTE[,ROUTE...], such as "
                        + "team-a=rcpt:*@team-a.test");
            }
            String name = entry.substring(0, equals).trim();
            checkName(name, "--inbox " + entry);
            if (Inboxes.DEFAULT.equals(name)) {
                throw ServerExit.badConfiguration("--inbox " + entry + ": \"default\" takes the mail no inbox takes; "
                        + "give another name");
            }
            if (!names.add(name)) {
                throw ServerExit.badConfiguration("--inbox: inbox \"" + name + "\" given twice; list its routes "
                        + "together, separated by commas");
            }
            List<InboxRoute> routes = new ArrayList<>();
            for (String route : entry.substring(equals + 1).split(",")) {
                try {
                    routes.add(InboxRoute.parse(route.trim()));
                } catch (IllegalArgumentException e) {
                    throw ServerExit.badConfiguration("--inbox " + entry + ": " + e.getMessage());
                }
            }
            defined.add(new Inbox(name, routes));
        }
        return defined;
    }

    /**
     * Gives the builder every inbox: the rules file's first, then --inbox's, then the ports'.
     *
     * @return the names of every inbox defined, "default" included
     */
    Set<String> apply(FakeSmtpServer.Builder builder, RulesFile.Contents rules) {
        Set<String> names = new LinkedHashSet<>();
        names.add(Inboxes.DEFAULT);
        List<Inbox> all = new ArrayList<>(rules.inboxes());
        for (Inbox inbox : routedInboxes()) {
            if (all.stream().anyMatch(known -> known.name().equals(inbox.name()))) {
                throw ServerExit.badConfiguration("--inbox " + inbox.name() + ": the rules file defines that inbox "
                        + "already; give its routes in one place");
            }
            all.add(inbox);
        }
        for (Inbox inbox : all) {
            builder.inbox(inbox);
            names.add(inbox.name());
        }
        Map<String, Integer> ports = new LinkedHashMap<>(rules.inboxPorts());
        for (Map.Entry<String, Integer> port : inboxPorts().entrySet()) {
            if (ports.containsKey(port.getKey())) {
                throw ServerExit.badConfiguration("--smtp-port " + port.getKey() + "=" + port.getValue() + ": the rules "
                        + "file gives inbox \"" + port.getKey() + "\" a port already");
            }
            ports.put(port.getKey(), port.getValue());
        }
        ports.forEach(builder::inboxPort);
        names.addAll(ports.keySet());
        return names;
    }

    private static void checkName(String name, String where) {
        try {
            Inboxes.checkName(name);
        } catch (IllegalArgumentException e) {
            throw ServerExit.badConfiguration(where + ": " + e.getMessage());
        }
    }

    private static int port(String text, String where) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ServerExit.badConfiguration(where + ": '" + text.trim() + "' is not a port: use 0 to 65535");
    }
}
