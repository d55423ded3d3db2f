package dev.smtplab.client.dns;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.dnssec.ValidatingResolver;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Lookups validated with DNSSEC by dnsjava's validating resolver, from the given trust anchors down:
 * what DANE (RFC 7672) needs to know about MX and TLSA records before a sender may rely on them.
 */
public final class Dnssec {
    /** What validation made of an answer. */
    public enum Status {
        /** Signed, and the signatures chain up to a trust anchor. */
        SECURE,
        /** Not signed (or signed below no trust anchor): nothing can be proved either way. */
        INSECURE,
        /** Signed, but the signatures do not verify: a validating sender refuses to use it. */
        BOGUS,
        /** The lookup itself failed (timeout, refused), or the DNS server gives no DNSSEC data to validate. */
        FAILED
    }

    /**
     * One validated answer: the records of the type asked for (none for NXDOMAIN or NODATA), and
     * why validation failed, if it did.
     */
    public record Answer(Status status, List<Record> records, String reason) {
        public Answer {
            records = List.copyOf(records);
        }
    }

    private static final String ROOT_ANCHORS = "root-anchors.txt";

    private final Resolver upstream;
    private final ValidatingResolver resolver;
    /** Per trust anchor: why its keys cannot be validated through this DNS server ("" when they can). */
    private final java.util.Map<Name, String> anchorProblems = new java.util.concurrent.ConcurrentHashMap<>();

    Dnssec(Resolver upstream, InputStream trustAnchors) throws IOException {
        this.upstream = upstream;
        resolver = new ValidatingResolver(upstream);
        resolver.loadTrustAnchors(trustAnchors);
        if (resolver.getTrustAnchors().items().isEmpty()) {
            throw new IOException("no DS or DNSKEY record in the trust anchors");
        }
    }

    /** IANA's root key-signing keys, shipped with the client. */
    public static InputStream rootAnchors() {
        return Dnssec.class.getResourceAsStream(ROOT_ANCHORS);
    }

    public Answer query(String name, int type) {
        Name parsed;
        try {
            parsed = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return new Answer(Status.FAILED, List.of(), "\"" + name + "\" is not a domain name");
        }
        // A name below no trust anchor can be neither proved nor disproved: insecure, asked plainly.
        RRset anchor = resolver.getTrustAnchors().find(parsed, DClass.IN);
        boolean anchored = anchor != null;
        if (anchored) {
            // A DNS server that gives no DNSSEC data at all (a private one, say) makes everything look
            // bogus; that is a fact about the server, not about the domain.
            String problem = anchorProblems.computeIfAbsent(anchor.getName(), this::anchorProblem);
            if (!problem.isEmpty()) {
                return new Answer(Status.FAILED, List.of(), problem);
            }
        }
        Message response;
        try {
            Message query = Message.newQuery(Record.newRecord(parsed, type, DClass.IN));
            response = anchored ? resolver.send(query) : upstream.send(query);
        } catch (IOException e) {
            return new Answer(Status.FAILED, List.of(), "the DNS lookup failed: " + e.getMessage());
        }
        List<Record> records = new ArrayList<>();
        for (Record record : response.getSection(Section.ANSWER)) {
            if (record.getType() == type) {
                records.add(record);
            }
        }
        String reason = anchored ? reason(response) : "no trust anchor covers " + parsed;
        if (response.getHeader().getFlag(Flags.AD)) {
            return new Answer(Status.SECURE, records, null);
        }
        if (response.getRcode() == Rcode.SERVFAIL) {
            // The validator answers SERVFAIL for bogus data and says why; a plain SERVFAIL has no reason.
            return new Answer(reason == null ? Status.FAILED : Status.BOGUS, List.of(),
                    reason == null ? "the DNS server answered SERVFAIL" : reason);
        }
        return new Answer(Status.INSECURE, records, reason);
    }

    private String anchorProblem(Name anchor) {
        try {
            Message response = resolver.send(Message.newQuery(Record.newRecord(anchor, org.xbill.DNS.Type.DNSKEY, DClass.IN)));
            if (response.getHeader().getFlag(Flags.AD)) {
                return "";
            }
            String reason = reason(response);
            return "the DNS server gives no DNSSEC keys for " + anchor + " that validate"
                    + (reason == null ? "" : " (" + reason + ")") + ", so DNSSEC cannot be checked through it";
        } catch (IOException e) {
            return "the DNS lookup of the keys for " + anchor + " failed: " + e.getMessage();
        }
    }

    /** The validator's reason, a TXT record for the root in its private class, if it gave one. */
    private static String reason(Message response) {
        for (RRset set : response.getSectionRRsets(Section.ADDITIONAL)) {
            if (set.getName().equals(Name.root) && set.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS
                    && set.first() instanceof TXTRecord txt && !txt.getStrings().isEmpty()) {
                return txt.getStrings().get(0);
            }
        }
        return null;
    }
}
