package dev.smtplab.client.diagnose.policy;

import dev.smtplab.client.dns.Dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * DNS blocklist lookups: an address, reversed, under each named zone ("4.3.2.1.zen.spamhaus.org");
 * an answer in 127.0.0.0/8 means listed, NXDOMAIN means not. 127.255.255.x is a list refusing to
 * answer (Spamhaus says so to queries from public resolvers), which is not a listing.
 *
 * @param role     whose address: "mx" (a mail host of the domain) or "self" (the user's outgoing address)
 * @param answers  the A records the list gave (empty: not listed)
 * @param reason   the list's TXT explanation, if it gave one
 * @param error    why the lookup failed, or null
 */
public record Dnsbl(String address, String role, String zone, List<String> answers, String reason, String error) {
    public Dnsbl {
        answers = List.copyOf(answers);
    }

    public boolean listed() {
        return error == null && answers.stream().anyMatch(a -> a.startsWith("127.") && !a.startsWith("127.255.255."));
    }

    public boolean refused() {
        return error == null && !answers.isEmpty() && answers.stream().allMatch(a -> a.startsWith("127.255.255."));
    }

    public static List<Dnsbl> check(String address, String role, List<String> zones, Dns dns) {
        List<Dnsbl> results = new ArrayList<>();
        String reversed;
        try {
            reversed = reversed(address);
        } catch (IllegalArgumentException e) {
            return List.of(new Dnsbl(address, role, "", List.of(), null, e.getMessage()));
        }
        for (String zone : zones) {
            String name = reversed + "." + zone;
            List<String> answers = dns.addresses(name).stream().filter(a -> !a.contains(":")).toList();
            String reason = null;
            if (!answers.isEmpty()) {
                Dns.TxtAnswer txt = dns.txt(name);
                reason = txt.records().isEmpty() ? null : String.join(" ", txt.records());
            }
            results.add(new Dnsbl(address, role, zone, answers, reason, null));
        }
        return results;
    }

    /** The address as a DNSBL name: IPv4 octets reversed, IPv6 nibbles reversed (RFC 5782, 2.1 and 2.4). */
    static String reversed(String address) {
        InetAddress ip;
        try {
            if (!dev.smtplab.client.protocol.HostAndPort.isIpLiteral(address)) {
                throw new UnknownHostException();
            }
            ip = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + address + "\" is not an IP address");
        }
        byte[] bytes = ip.getAddress();
        StringBuilder name = new StringBuilder();
        for (int i = bytes.length - 1; i >= 0; i--) {
            int b = bytes[i] & 0xff;
            if (ip instanceof Inet4Address) {
                name.append(b).append('.');
            } else {
                name.append(Character.forDigit(b & 0xf, 16)).append('.').append(Character.forDigit(b >> 4, 16)).append('.');
            }
        }
        return name.substring(0, name.length() - 1);
    }
}
