package dev.smtplab.server.scenario;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import com.google.re2j.Pattern;

/** Which events at a stage a rule applies to. Every match is a pure value. */
public sealed interface Match {

    boolean test(StageContext context);

    /** Every event. */
    record Anything() implements Match {
        @Override
        public boolean test(StageContext context) {
            return true;
        }
    }

    /** The command argument (what follows the verb), by glob or regular expression. */
    record Argument(TextPattern pattern) implements Match {
        @Override
        public boolean test(StageContext context) {
            return pattern.matches(context.argument());
        }
    }

    /** The command verb is one of these (MAIL, RCPT ...); for rules at any-command. */
    record Verb(List<String> verbs) implements Match {
        public Verb {
            verbs = verbs.stream().map(v -> v.toUpperCase(Locale.ROOT)).toList();
        }

        @Override
        public boolean test(StageContext context) {
            return verbs.contains(context.verb().toUpperCase(Locale.ROOT));
        }
    }

    /** A MAIL FROM address that is not a plausible address (the null sender {@code <>} is valid). */
    record SenderInvalid() implements Match {
        @Override
        public boolean test(StageContext context) {
            return context.sender() != null && !context.sender().isEmpty() && !isPlausibleAddress(context.sender());
        }
    }

    /** The client has not authenticated. */
    record Unauthenticated() implements Match {
        @Override
        public boolean test(StageContext context) {
            return context.authUser() == null;
        }
    }

    /** The opposite of a match. */
    record Not(Match match) implements Match {
        @Override
        public boolean test(StageContext context) {
            return !match.test(context);
        }
    }

    /** The MAIL FROM address, or its domain. */
    record Sender(TextPattern address) implements Match {
        @Override
        public boolean test(StageContext context) {
            return context.sender() != null && address.matches(context.sender());
        }
    }

    record SenderDomain(List<String> domains) implements Match {
        public SenderDomain {
            domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        }

        @Override
        public boolean test(StageContext context) {
            return context.sender() != null && domains.contains(domainOf(context.sender()));
        }
    }

    /** The RCPT TO address (at RCPT), or its domain. */
    record Recipient(TextPattern address) implements Match {
        @Override
        public boolean test(StageContext context) {
            return context.recipient() != null && address.matches(context.recipient());
        }
    }

    record RecipientDomain(List<String> domains) implements Match {
        public RecipientDomain {
            domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        }

        @Override
        public boolean test(StageContext context) {
            return context.recipient() != null && domains.contains(domainOf(context.recipient()));
        }
    }

    /** The HELO/EHLO name. */
    record Helo(TextPattern name) implements Match {
        @Override
        public boolean test(StageContext context) {
            return context.helo() != null && name.matches(context.helo());
        }
    }

    /** The client's address, in a CIDR block. */
    record Client(Cidr block) implements Match {
        @Override
        public boolean test(StageContext context) {
            return block.contains(context.clientAddress());
        }
    }

    record AuthUser(String user) implements Match {
        @Override
        public boolean test(StageContext context) {
            return user.equals(context.authUser());
        }
    }

    /** At MESSAGE: the size in octets, within [atLeast, atMost]. */
    record Size(long atLeast, long atMost) implements Match {
        @Override
        public boolean test(StageContext context) {
            return context.messageSize() >= atLeast && context.messageSize() <= atMost;
        }
    }

    /** At MESSAGE: some value of the named header matches. */
    record Header(String name, TextPattern value) implements Match {
        @Override
        public boolean test(StageContext context) {
            return context.header(name).stream().anyMatch(value::matches);
        }
    }

    /** A recipient in the server's own domains: localhost and its host name. */
    record RecipientLocal() implements Match {
        @Override
        public boolean test(StageContext context) {
            if (context.recipient() == null) {
                return false;
            }
            String domain = domainOf(context.recipient());
            return domain.equals("localhost") || domain.equalsIgnoreCase(context.serverHostName());
        }
    }

    /** Any one of these. */
    record AnyOf(List<Match> matches) implements Match {
        public AnyOf {
            matches = List.copyOf(matches);
        }

        @Override
        public boolean test(StageContext context) {
            for (Match match : matches) {
                if (match.test(context)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Every one of these. */
    record AllOf(List<Match> matches) implements Match {
        public AllOf {
            matches = List.copyOf(matches);
        }

        @Override
        public boolean test(StageContext context) {
            for (Match match : matches) {
                if (!match.test(context)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** local@domain, one @, no spaces or brackets, a domain with a dot or "localhost". */
    static boolean isPlausibleAddress(String address) {
        int at = address.lastIndexOf('@');
        if (at < 1 || at == address.length() - 1 || address.indexOf('@') != at) {
            return false;
        }
        if (address.chars().anyMatch(c -> c <= ' ' || c == '<' || c == '>' || c == ',' || c == ';')) {
            return false;
        }
        String domain = address.substring(at + 1);
        return (domain.contains(".") || domain.equalsIgnoreCase("localhost"))
                && !domain.startsWith(".") && !domain.endsWith(".") && !domain.contains("..");
    }

    /** The domain of an address, lower case; "" if it has none. */
    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Text matched by a glob ("*@example.test", case-insensitive) or a regular expression. Both run
     * on RE2/J, whose matching takes time linear in the text: no expression (such as {@code (.*a){20}$})
     * can make a session hang. RE2 has no backreferences or lookaround; such an expression is refused
     * when the rule is read.
     */
    record TextPattern(String source, Pattern pattern, boolean isRegex) {
        public TextPattern {
            Objects.requireNonNull(source);
            Objects.requireNonNull(pattern);
        }

        /** What was written: the glob, or the regular expression without its slashes. */
        public String expression() {
            return isRegex ? pattern.pattern() : source;
        }

        public static TextPattern glob(String glob) {
            StringBuilder regex = new StringBuilder();
            for (char c : glob.toCharArray()) {
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    default -> regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return new TextPattern(glob, Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL), false);
        }

        /** A regular expression; it must match the whole text. */
        public static TextPattern regex(String regex) {
            return new TextPattern("/" + regex + "/", Pattern.compile(regex, Pattern.DOTALL), true);
        }

        public boolean matches(String text) {
            return text != null && pattern.matcher(text).matches();
        }

        // Pattern has no equals of its own; two patterns written alike are the same rule.
        @Override
        public boolean equals(Object other) {
            return other instanceof TextPattern that && that.source.equals(source) && that.isRegex == isRegex;
        }

        @Override
        public int hashCode() {
            return source.hashCode() * 2 + (isRegex ? 1 : 0);
        }

        @Override
        public String toString() {
            return source;
        }
    }

    /** An address block such as 192.0.2.0/24 or ::1/128. */
    record Cidr(byte[] network, int prefixLength, String source) {
        public static Cidr parse(String text) {
            String[] parts = text.trim().split("/", 2);
            byte[] address = IpLiteral.parse(parts[0]);
            int bits = address.length * 8;
            int prefix = bits;
            if (parts.length == 2) {
                try {
                    prefix = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("\"" + text + "\": the prefix length must be 0 to " + bits);
                }
            }
            return new Cidr(address, prefix, text.trim());
        }

        public boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefixLength; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Cidr that && java.util.Arrays.equals(that.network, network)
                    && that.prefixLength == prefixLength;
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(network) * 31 + prefixLength;
        }

        @Override
        public String toString() {
            return source;
        }
    }
}
