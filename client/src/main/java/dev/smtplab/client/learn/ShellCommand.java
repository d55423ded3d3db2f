package dev.smtplab.client.learn;

import dev.smtplab.client.protocol.SmtpVerb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A line typed at a network lesson's prompt, read as the walkthrough's tools read it: telnet or nc
 * (HOST PORT), openssl s_client (-connect HOST:PORT, -starttls smtp), nslookup -type=mx, dig mx,
 * host -t mx and smtplab mx (DOMAIN), and the lesson's helpers (/hint, /goal, /help, /quit).
 */
sealed interface ShellCommand {
    /** Port names as /etc/services gives them, for "telnet HOST smtp". */
    Map<String, Integer> SERVICES = Map.of("smtp", 25, "submission", 587, "submissions", 465, "smtps", 465);

    /** A connection: plain, TLS from the first byte (openssl s_client), or after STARTTLS. */
    record Connect(String tool, String host, int port, Tls tls) implements ShellCommand {
        boolean withTls() {
            return tls != Tls.NONE;
        }
    }

    /** How a connection starts TLS. */
    enum Tls { NONE, IMPLICIT, STARTTLS }

    /** An MX lookup; {@code nslookup} prints its answer as nslookup does. */
    record Lookup(String tool, String domain) implements ShellCommand {
    }

    record Helper(String[] words) implements ShellCommand {
    }

    record Empty() implements ShellCommand {
    }

    /** A line the prompt cannot carry out: the text's key and its values. */
    record Problem(String key, List<Object> values) implements ShellCommand {
        static Problem of(String key, Object... values) {
            return new Problem(key, List.of(values));
        }
    }

    static ShellCommand parse(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return new Empty();
        }
        if (trimmed.startsWith("/")) {
            return new Helper(trimmed.split("\\s+"));
        }
        if (!trimmed.chars().allMatch(c -> c < 0x80)) {
            // A Japanese input method left on types full-width letters and spaces that look alike.
            return Problem.of("learn.net.nonAscii", CommandReview.firstNonAscii(trimmed));
        }
        List<String> words = new ArrayList<>(Arrays.asList(trimmed.split("\\s+")));
        String tool = words.remove(0).toLowerCase(Locale.ROOT);
        if (tool.equals("smtplab") && !words.isEmpty() && words.get(0).equalsIgnoreCase("mx")) {
            tool = "mx";
            words.remove(0);
        }
        return switch (tool) {
            case "telnet", "nc", "ncat", "netcat" -> connect(tool, words);
            case "openssl" -> openssl(words);
            case "nslookup" -> nslookup(words);
            case "dig" -> dig(words);
            case "host" -> host(words);
            case "mx" -> words.size() == 1 ? new Lookup("mx", host(words.get(0))) : Problem.of("learn.net.usage.mx");
            default -> CommandReview.VERBS.contains(SmtpVerb.of(trimmed)) ? Problem.of("learn.net.notConnected", trimmed)
                    : Problem.of("learn.net.unknown", tool);
        };
    }

    private static ShellCommand connect(String tool, List<String> words) {
        List<String> operands = words.stream().filter(word -> !word.startsWith("-")).toList();
        if (operands.isEmpty()) {
            return Problem.of("learn.net.usage.telnet", tool);
        }
        if (operands.size() == 1) {
            // Real telnet would go to port 23 (telnet itself), nc would refuse: say what is missing.
            return Problem.of("learn.net.noPort", tool, operands.get(0));
        }
        if (operands.size() > 2) {
            return Problem.of("learn.net.usage.telnet", tool);
        }
        Integer port = port(operands.get(1));
        return port == null ? Problem.of("learn.net.badPort", operands.get(1))
                : new Connect(tool, host(operands.get(0)), port, Tls.NONE);
    }

    private static ShellCommand openssl(List<String> words) {
        if (words.isEmpty() || !words.get(0).equals("s_client")) {
            return Problem.of("learn.net.usage.openssl");
        }
        String target = null;
        Tls tls = Tls.IMPLICIT;
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            if (word.equals("-connect") && i + 1 < words.size()) {
                target = words.get(++i);
            } else if (word.equals("-starttls") && i + 1 < words.size()) {
                if (!words.get(++i).equalsIgnoreCase("smtp")) {
                    return Problem.of("learn.net.usage.openssl");
                }
                tls = Tls.STARTTLS;
            } else if (word.equals("-servername") || word.equals("-CAfile") || word.equals("-name")) {
                i++; // what it names is the lesson's to decide
            }
        }
        if (target == null) {
            return Problem.of("learn.net.usage.openssl");
        }
        int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            return Problem.of("learn.net.usage.openssl");
        }
        Integer port = port(target.substring(colon + 1));
        return port == null ? Problem.of("learn.net.badPort", target.substring(colon + 1))
                : new Connect("openssl", host(target.substring(0, colon)), port, tls);
    }

    private static ShellCommand nslookup(List<String> words) {
        String type = "a";
        String domain = null;
        for (String word : words) {
            String lower = word.toLowerCase(Locale.ROOT);
            if (lower.matches("-(type|query|querytype|q|t)=.*")) {
                type = lower.substring(lower.indexOf('=') + 1);
            } else if (!word.startsWith("-") && domain == null) {
                domain = word;
            }
        }
        if (domain == null) {
            return Problem.of("learn.net.usage.nslookup");
        }
        return type.equals("mx") ? new Lookup("nslookup", host(domain)) : Problem.of("learn.net.notMx", "nslookup",
                type.toUpperCase(Locale.ROOT));
    }

    private static ShellCommand dig(List<String> words) {
        String domain = null;
        boolean mx = false;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.startsWith("+") || word.startsWith("@")) {
                continue;
            }
            if (word.equals("-t") && i + 1 < words.size()) {
                mx = words.get(++i).equalsIgnoreCase("mx");
            } else if (word.equalsIgnoreCase("mx")) {
                mx = true;
            } else if (!word.startsWith("-") && domain == null) {
                domain = word;
            }
        }
        if (domain == null) {
            return Problem.of("learn.net.usage.nslookup");
        }
        return mx ? new Lookup("dig", host(domain)) : Problem.of("learn.net.notMx", "dig", "A");
    }

    private static ShellCommand host(List<String> words) {
        if (words.size() == 3 && words.get(0).equals("-t") && words.get(1).equalsIgnoreCase("mx")) {
            return new Lookup("host", host(words.get(2)));
        }
        return words.size() == 1 ? Problem.of("learn.net.notMx", "host", "A") : Problem.of("learn.net.usage.nslookup");
    }

    private static Integer port(String text) {
        Integer named = SERVICES.get(text.toLowerCase(Locale.ROOT));
        if (named != null) {
            return named;
        }
        if (!text.matches("\\d{1,5}")) {
            return null;
        }
        int port = Integer.parseInt(text);
        return port >= 1 && port <= 65535 ? port : null;
    }

    /** Host names are case-blind, and a trailing dot (as dig prints them) names the same host. */
    private static String host(String typed) {
        String host = typed.toLowerCase(Locale.ROOT);
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
