package dev.smtplab.harness;

import org.xbill.DNS.Flags;
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
 */
final class TestDnsServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
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
        List<Record> known = records.get(question.getName().toString().toLowerCase());
        if (known == null) {
            answer.getHeader().setRcode(Rcode.NXDOMAIN);
            return answer;
        }
        for (Record record : known) {
            if (record.getType() == question.getType()) {
                answer.addRecord(record, Section.ANSWER);
            }
        }
        return answer;
    }

    @Override
    public void close() {
        socket.close();
    }
}
