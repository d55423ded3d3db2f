package dev.smtplab.harness;

import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DNS server of the test's own on 127.0.0.1 (UDP, dnsjava's message classes), so no test ever
 * asks the machine's resolver. Names it knows answer with their records; others get NXDOMAIN.
 *
 * <p>A zone signed by a real signer (ldns-signzone) can be served too ({@link #signedZone}): to a
 * query with the DO bit, answers carry their RRSIGs, and NODATA and NXDOMAIN answers the NSEC
 * records (with the SOA) that prove them, as an authoritative server does, so that a validating
 * resolver can check every answer.
 */
final class TestDnsServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
    private final List<Name> zones = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread thread;

    TestDnsServer() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "test-dns");
        thread.setDaemon(true);
        thread.start();
    }

    /** Adds a record in zone-file form: "example.test. 300 IN MX 10 mx1.example.test.". */
    TestDnsServer add(String zoneLine) throws IOException {
        String[] parts = zoneLine.trim().split("\\s+", 5);
        Name name = Name.fromString(parts[0]);
        Record record = Record.fromString(name, Type.value(parts[3]), org.xbill.DNS.DClass.IN,
                Long.parseLong(parts[1]), parts[4], Name.root);
        records.computeIfAbsent(name.toString().toLowerCase(), key -> new ArrayList<>()).add(record);
        return this;
    }

    /** Serves every record of a signed zone file (with its RRSIG, NSEC and DNSKEY records). */
    TestDnsServer signedZone(java.nio.file.Path file) throws IOException {
        try (org.xbill.DNS.Master master = new org.xbill.DNS.Master(file.toString())) {
            for (Record record = master.nextRecord(); record != null; record = master.nextRecord()) {
                if (record.getType() == Type.SOA) {
                    zones.add(record.getName());
                }
                records.computeIfAbsent(record.getName().toString().toLowerCase(), key -> new ArrayList<>()).add(record);
            }
        }
        return this;
    }

    String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Message answer = answer(query);
                byte[] wire = answer.toWire();
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private Message answer(Message query) {
        Message answer = new Message(query.getHeader().getID());
        answer.getHeader().setFlag(Flags.QR);
        answer.getHeader().setFlag(Flags.AA);
        answer.getHeader().setFlag(Flags.RA);
        Record question = query.getQuestion();
        answer.addRecord(question, Section.QUESTION);
        OPTRecord opt = query.getOPT();
        boolean dnssec = opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
        if (opt != null) {
            answer.addRecord(new OPTRecord(4096, 0, 0, dnssec ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        }
        Name name = question.getName();
        List<Record> known = records.get(name.toString().toLowerCase());
        Name zone = zones.stream().filter(name::subdomain).findFirst().orElse(null);
        if (known == null && !(zone != null && hasDescendant(name))) {
            answer.getHeader().setRcode(Rcode.NXDOMAIN);
            if (dnssec && zone != null) {
                denial(answer, zone, name, true);
            }
            return answer;
        }
        boolean answered = false;
        for (Record record : known == null ? List.<Record>of() : known) {
            if (record.getType() == question.getType()) {
                answer.addRecord(record, Section.ANSWER);
                answered = true;
            } else if (dnssec && record instanceof RRSIGRecord signature && signature.getTypeCovered() == question.getType()) {
                answer.addRecord(record, Section.ANSWER);
            }
        }
        if (!answered && dnssec && zone != null) {
            denial(answer, zone, name, false);
        }
        return answer;
    }

    /** The SOA and the NSEC records (signed) that prove a name or type absent (RFC 4035, 3.1.3). */
    private void denial(Message answer, Name zone, Name name, boolean noSuchName) {
        withSignatures(answer, zone, Type.SOA);
        Record atName = records.getOrDefault(name.toString().toLowerCase(), List.of()).stream()
                .filter(r -> r.getType() == Type.NSEC).findFirst().orElse(null);
        if (atName != null) {
            withSignatures(answer, name, Type.NSEC);
            return;
        }
        NSECRecord covering = covering(name);
        if (covering != null) {
            withSignatures(answer, covering.getName(), Type.NSEC);
        }
        if (noSuchName) {
            NSECRecord wildcard = covering(concatenate(Name.fromConstantString("*"), zone));
            if (wildcard != null && (covering == null || !wildcard.getName().equals(covering.getName()))) {
                withSignatures(answer, wildcard.getName(), Type.NSEC);
            }
        }
    }

    private static Name concatenate(Name prefix, Name suffix) {
        try {
            return Name.concatenate(prefix, suffix);
        } catch (org.xbill.DNS.NameTooLongException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The NSEC whose owner comes before the name and whose next name after it, in DNSSEC order. */
    private NSECRecord covering(Name name) {
        for (List<Record> list : records.values()) {
            for (Record record : list) {
                if (record instanceof NSECRecord nsec && nsec.getName().compareTo(name) < 0
                        && (nsec.getNext().compareTo(name) > 0 || nsec.getNext().compareTo(nsec.getName()) <= 0)) {
                    return nsec;
                }
            }
        }
        return null;
    }

    private boolean hasDescendant(Name name) {
        return records.values().stream().flatMap(List::stream)
                .anyMatch(record -> record.getName().subdomain(name) && !record.getName().equals(name));
    }

    private void withSignatures(Message answer, Name owner, int type) {
        for (Record record : records.getOrDefault(owner.toString().toLowerCase(), List.of())) {
            if (record.getType() == type || (record instanceof RRSIGRecord signature && signature.getTypeCovered() == type)) {
                answer.addRecord(record, Section.AUTHORITY);
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
