package dev.smtplab.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Dialogue cases sent to two servers in turn and their replies compared: the conformance suites' engine. */
final class Dialogues {
    private Dialogues() {
    }

    /** One dialogue: the lines sent in turn (a 354 turns the following lines into message text). */
    record Case(String name, List<String> lines, boolean pipelined) {
    }

    static Case c(String name, String... lines) {
        return new Case(name, List.of(lines), false);
    }

    /** Sent in one write, as a client that pipelines (RFC 2920) does; the replies must come in order. */
    static Case pipelined(String name, String... lines) {
        return new Case(name, List.of(lines), true);
    }

    /**
     * The outcome of sending every case to a peer and to SMTP Lab.
     *
     * @param classDifferences cases where a reply's class (first digit) or the number of replies differ
     * @param codeDifferences  cases of the same classes whose compared codes differ
     */
    record Comparison(String peer, int cases, List<String> classDifferences, List<String> codeDifferences) {
        double agreement() {
            return 100.0 * (cases - classDifferences.size() - codeDifferences.size()) / cases;
        }

        void print(PrintStream out) {
            out.printf("conformance with %s: %d cases; reply classes agree on %d; codes on %d (%.1f %%)%n", peer, cases,
                    cases - classDifferences.size(), cases - classDifferences.size() - codeDifferences.size(),
                    agreement());
            classDifferences.forEach(difference -> out.println("  class differs: " + difference));
            codeDifferences.forEach(difference -> out.println("  code differs: " + difference));
        }
    }

    static Comparison compare(List<Case> cases, String peer, int peerPort, int labPort, Function<String, String> codes)
            throws IOException {
        List<String> classDifferences = new ArrayList<>();
        List<String> codeDifferences = new ArrayList<>();
        for (Case dialogue : cases) {
            List<String> fromPeer = talk(peerPort, dialogue);
            List<String> fromLab = talk(labPort, dialogue);
            boolean sameClass = fromPeer.size() == fromLab.size();
            boolean same = sameClass;
            for (int i = 0; sameClass && i < fromPeer.size(); i++) {
                sameClass = fromPeer.get(i).charAt(0) == fromLab.get(i).charAt(0);
                same &= codes.apply(fromPeer.get(i)).equals(codes.apply(fromLab.get(i)));
            }
            String shown = dialogue.name() + ": " + dialogue.lines() + "\n    " + peer + ": " + fromPeer
                    + "\n    SMTP Lab: " + fromLab;
            if (!sameClass) {
                classDifferences.add(shown);
            } else if (!same) {
                codeDifferences.add(shown);
            }
        }
        return new Comparison(peer, cases.size(), classDifferences, codeDifferences);
    }

    private static final Pattern CODES = Pattern.compile("^(\\d{3})[ -]?(\\d\\.\\d{1,3}\\.\\d{1,3})?");

    /** "250 2.1.0" of "250 2.1.0 Ok"; "250" when there is no enhanced code. */
    static String fullCodes(String reply) {
        Matcher matcher = CODES.matcher(reply);
        if (!matcher.find()) {
            return reply;
        }
        return matcher.group(2) == null ? matcher.group(1) : matcher.group(1) + " " + matcher.group(2);
    }

    /** "250" of "250 2.1.0 Ok". */
    static String replyCode(String reply) {
        return reply.length() < 3 ? reply : reply.substring(0, 3);
    }

    /** The replies to the dialogue's lines (the greeting not counted), each as its last line. */
    static List<String> talk(int port, Case dialogue) throws IOException {
        if (!dialogue.pipelined()) {
            return wholeReplies(port, dialogue.lines()).stream().skip(1)
                    .map(Dialogues::lastLine).toList();
        }
        List<String> replies = new ArrayList<>();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            reply(in);
            StringBuilder group = new StringBuilder();
            dialogue.lines().forEach(line -> group.append(line).append("\r\n"));
            out.write(group.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (int i = 0; i < dialogue.lines().size(); i++) {
                replies.add(reply(in));
            }
        }
        return replies;
    }

    /**
     * The greeting and every reply to the lines, each whole (its lines joined by a newline); message
     * lines after a 354 get no reply of their own, and a 221, 421 or closed connection ends it.
     */
    static List<String> wholeReplies(int port, List<String> lines) throws IOException {
        List<String> replies = new ArrayList<>();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            replies.add(wholeReply(in));
            boolean inMessage = false;
            for (String line : lines) {
                out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (inMessage && !line.equals(".")) {
                    continue;
                }
                String reply = wholeReply(in);
                replies.add(reply);
                inMessage = reply.startsWith("354");
                if (reply.startsWith("221") || reply.startsWith("421") || reply.equals("<closed>")) {
                    break;
                }
            }
        }
        return replies;
    }

    private static String wholeReply(BufferedReader in) throws IOException {
        StringBuilder reply = new StringBuilder();
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                return "<closed>";
            }
            reply.append(reply.length() == 0 ? "" : "\n").append(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return reply.toString();
    }

    /** A whole reply's last line, the one with the final code. */
    private static String reply(BufferedReader in) throws IOException {
        return lastLine(wholeReply(in));
    }

    private static String lastLine(String reply) {
        return reply.substring(reply.lastIndexOf('\n') + 1);
    }
}
