package dev.smtplab.client.dns;

import dev.smtplab.client.protocol.HostAndPort;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * DNS through dnsjava: MX, A, AAAA, PTR and TXT, from the system's resolvers or one given with
 * --dns-server; DNSSEC-validated answers through {@link #validating}.
 */
public final class Dns implements TxtLookup {
    private final Resolver resolver;

    private Dns(Resolver resolver) {
        this.resolver = resolver;
    }

    /** The system's resolvers (/etc/resolv.conf). */
    public static Dns system(Duration timeout) {
        ExtendedResolver resolver = new ExtendedResolver();
        resolver.setTimeout(timeout);
        return new Dns(resolver);
    }

    /** One resolver, "IP" or "IP:PORT" (an IP literal: asking DNS where DNS is would be circular). */
    public static Dns server(String address, Duration timeout) {
        HostAndPort server;
        try {
            server = HostAndPort.parse(address, 53);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--dns-server " + e.getMessage());
        }
        if (!HostAndPort.isIpLiteral(server.host())) {
            throw new IllegalArgumentException("--dns-server " + address + ": give an IP address, such as 127.0.0.1:5353");
        }
        try {
            // An IP literal is parsed, never looked up.
            InetAddress ip = InetAddress.getByName(server.host());
            SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(ip, server.port()));
            resolver.setTimeout(timeout);
            return new Dns(resolver);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--dns-server " + address + ": not an IP address");
        }
    }

    public MxReport mx(String domain) {
        Name name;
        try {
            name = Name.fromString(domain.endsWith(".") ? domain : domain + ".");
        } catch (TextParseException e) {
            return new MxReport(domain, List.of(), false, false, "\"" + domain + "\" is not a domain name");
        }
        Lookup lookup = lookup(name, Type.MX);
        Record[] records = lookup.run();
        if (lookup.getResult() == Lookup.HOST_NOT_FOUND) {
            return new MxReport(domain, List.of(), false, false, "the domain " + domain + " does not exist (NXDOMAIN)");
        }
        if (lookup.getResult() == Lookup.TRY_AGAIN || lookup.getResult() == Lookup.UNRECOVERABLE) {
            return new MxReport(domain, List.of(), false, false, "the DNS lookup failed: " + lookup.getErrorString());
        }
        if (records == null || records.length == 0) {
            // RFC 5321, 5.1: no MX means the domain's own address receives mail.
            MxReport.MxHost own = host(0, domain);
            if (own.addresses().isEmpty()) {
                return new MxReport(domain, List.of(), true, false, "the domain has no MX record and no address");
            }
            return new MxReport(domain, List.of(own), true, false, null);
        }
        List<MXRecord> mx = new ArrayList<>();
        for (Record record : records) {
            if (record instanceof MXRecord found) {
                mx.add(found);
            }
        }
        mx.sort(Comparator.comparingInt(MXRecord::getPriority).thenComparing(r -> r.getTarget().toString()));
        if (mx.size() == 1 && mx.get(0).getTarget().equals(Name.root)) {
            return new MxReport(domain, List.of(), false, true, null);
        }
        List<MxReport.MxHost> hosts = new ArrayList<>();
        for (MXRecord record : mx) {
            hosts.add(host(record.getPriority(), record.getTarget().toString(true)));
        }
        return new MxReport(domain, hosts, false, false, null);
    }

    private MxReport.MxHost host(int preference, String host) {
        List<String> ipv4 = new ArrayList<>();
        List<String> ipv6 = new ArrayList<>();
        try {
            Name name = Name.fromString(host.endsWith(".") ? host : host + ".");
            Record[] a = lookup(name, Type.A).run();
            if (a != null) {
                for (Record record : a) {
                    ipv4.add(((ARecord) record).getAddress().getHostAddress());
                }
            }
            Record[] aaaa = lookup(name, Type.AAAA).run();
            if (aaaa != null) {
                for (Record record : aaaa) {
                    ipv6.add(HostAndPort.compact(((AAAARecord) record).getAddress().getHostAddress()));
                }
            }
        } catch (TextParseException e) {
            // a malformed host name has no addresses
        }
        return new MxReport.MxHost(preference, host, ipv4, ipv6);
    }

    /** The name an address points back to (PTR), if any. */
    public Optional<String> reverse(String address) {
        try {
            Lookup lookup = lookup(ReverseMap.fromAddress(address), Type.PTR);
            Record[] records = lookup.run();
            if (records != null && records.length > 0) {
                return Optional.of(((PTRRecord) records[0]).getTarget().toString(true));
            }
        } catch (UnknownHostException e) {
            // not an address
        }
        return Optional.empty();
    }

    /**
     * The TXT records at a name, each record's strings joined as RFC 7208, 3.3 says. A name with no
     * TXT records, or that does not exist, has none; a lookup that failed says why.
     */
    @Override
    public TxtAnswer txt(String name) {
        Name parsed;
        try {
            parsed = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return new TxtAnswer(name, List.of(), "\"" + name + "\" is not a domain name");
        }
        Lookup lookup = lookup(parsed, Type.TXT);
        Record[] records = lookup.run();
        if (lookup.getResult() == Lookup.TRY_AGAIN || lookup.getResult() == Lookup.UNRECOVERABLE) {
            return new TxtAnswer(name, List.of(), "the DNS lookup of " + name + " TXT failed: " + lookup.getErrorString());
        }
        List<String> texts = new ArrayList<>();
        if (records != null) {
            for (Record record : records) {
                if (record instanceof TXTRecord txt) {
                    texts.add(String.join("", txt.getStrings()));
                }
            }
        }
        return new TxtAnswer(name, texts, null);
    }

    /** TXT records at a name; {@code error} is null unless the lookup itself failed. */
    public record TxtAnswer(String name, List<String> records, String error) {
        public TxtAnswer {
            records = List.copyOf(records);
        }

        /** The records that start with this tag ("v=spf1", "v=DMARC1"), compared as RFC 7208 and 7489 say. */
        public List<String> tagged(String tag) {
            return records.stream().filter(text -> text.regionMatches(true, 0, tag, 0, tag.length())
                    && (text.length() == tag.length() || text.charAt(tag.length()) == ' '
                    || text.charAt(tag.length()) == ';')).toList();
        }
    }

    /** DNSSEC-validated lookups through this resolver, trusting the given anchors (DS or DNSKEY records). */
    public Dnssec validating(java.io.InputStream trustAnchors) throws java.io.IOException {
        return new Dnssec(resolver, trustAnchors);
    }

    /** The addresses of a host name, through this resolver. */
    public List<String> addresses(String host) {
        return host(0, host).addresses();
    }

    private Lookup lookup(Name name, int type) {
        Lookup lookup = new Lookup(name, type);
        lookup.setResolver(resolver);
        lookup.setCache(null);
        return lookup;
    }
}
