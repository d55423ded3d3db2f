package dev.smtplab.client.learn;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MX lesson's DNS server: a made-up zone (example.test) answered over UDP on a free loopback
 * port, so the learner's lookups go through a real resolver and a real DNS exchange, never to the
 * machine's DNS. Names outside the zone are NXDOMAIN; a name without records of the type asked
 * gets an empty answer with the zone's SOA, as an authoritative server gives.
 */
final class LessonDns implements AutoCloseable {
    private static final long TTL = 300;

    private final Map<Name, List<Record>> records;
    private final Name zone;
    private final SOARecord soa;
    private final DatagramSocket socket;
    private final Thread answering;

    private LessonDns(Name zone, Map<Name, List<Record>> records) throws IOException {
        this.zone = zone;
        this.records = records;
        this.soa = new SOARecord(zone, DClass.IN, TTL, name("ns." + zone), name("hostmaster." + zone), 1, 3600, 600,
                86400, TTL);
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.answering = new Thread(this::answer, "smtplab-lesson-dns");
        answering.setDaemon(true);
        answering.start();
    }

    static Builder zone(String zone) {
        return new Builder(name(zone));
    }

    /** "127.0.0.1:PORT", for {@link dev.smtplab.client.dns.Dns#server}. */
    String address() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    private void answer() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                return;
            }
            try {
                byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                byte[] reply = respond(new Message(query)).toWire(512);
                socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
            } catch (IOException e) {
                // Not a DNS query (or the socket closed as it answered): nothing to answer.
            }
        }
    }

    Message respond(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        Name asked = question.getName();
        if (!asked.subdomain(zone)) {
            response.getHeader().setRcode(Rcode.REFUSED);
            return response;
        }
        response.getHeader().setFlag(Flags.AA);
        List<Record> found = records.get(asked);
        if (found == null) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            response.addRecord(soa, Section.AUTHORITY);
            return response;
        }
        boolean answered = false;
        for (Record record : found) {
            if (record.getType() == question.getType() || question.getType() == Type.ANY) {
                response.addRecord(record, Section.ANSWER);
                answered = true;
            }
        }
        if (!answered) {
            response.addRecord(soa, Section.AUTHORITY);
        }
        return response;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        answering.join(1000);
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a domain name: " + text, e);
        }
    }

    /** The zone's records, added by name. */
    static final class Builder {
        private final Name zone;
        private final Map<Name, List<Record>> records = new LinkedHashMap<>();

        private Builder(Name zone) {
            this.zone = zone;
        }

        Builder mx(String domain, int preference, String host) {
            return add(new MXRecord(name(domain), DClass.IN, TTL, preference, name(host)));
        }

        /** "MX 0 ." (RFC 7505): the domain takes no mail. */
        Builder nullMx(String domain) {
            return add(new MXRecord(name(domain), DClass.IN, TTL, 0, Name.root));
        }

        Builder a(String host, InetAddress address) {
            return add(new ARecord(name(host), DClass.IN, TTL, address));
        }

        private Builder add(Record record) {
            if (!record.getName().subdomain(zone)) {
                throw new IllegalArgumentException(record.getName() + " is outside the zone " + zone);
            }
            records.computeIfAbsent(record.getName(), name -> new ArrayList<>()).add(record);
            return this;
        }

        LessonDns start() throws SocketException, IOException {
            return new LessonDns(zone, Map.copyOf(records));
        }
    }
}
