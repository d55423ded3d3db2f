package dev.smtplab.client.dns;

import java.util.List;

/**
 * A domain's mail hosts.
 *
 * @param hosts    MX hosts by preference (lowest first), each with its addresses
 * @param implicit the domain has no MX record, so its own address receives mail (RFC 5321, 5.1)
 * @param nullMx   the domain publishes "MX 0 ." (RFC 7505): it accepts no mail
 * @param error    why the lookup failed, or null
 */
public record MxReport(String domain, List<MxHost> hosts, boolean implicit, boolean nullMx, String error) {
    public MxReport {
        hosts = List.copyOf(hosts);
    }

    /** One mail host: its preference, its name, its IPv4 and IPv6 addresses. */
    public record MxHost(int preference, String host, List<String> ipv4, List<String> ipv6) {
        public MxHost {
            ipv4 = List.copyOf(ipv4);
            ipv6 = List.copyOf(ipv6);
        }

        public List<String> addresses() {
            List<String> all = new java.util.ArrayList<>(ipv4);
            all.addAll(ipv6);
            return all;
        }
    }
}
