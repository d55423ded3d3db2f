package dev.smtplab.client.learn;

import dev.smtplab.client.diagnose.Report;
import dev.smtplab.client.dns.MxReport;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.SmtpConnection;
import dev.smtplab.client.protocol.TlsInfo;
import dev.smtplab.client.protocol.TlsSettings;
import dev.smtplab.client.session.LineSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The prompt of a network lesson: the learner types the walkthrough's commands (telnet, nc,
 * openssl s_client, nslookup, dig, host), carried out for real against the lesson's servers and
 * DNS on loopback, and printed as those tools print; the lesson's notes (marked) say what each
 * outcome means, and the tutor judges it. A wait for the network can be given up with Ctrl-C, as
 * in a shell.
 */
final class NetworkShell {
    static final String PROMPT = "lesson$ ";
    /** How long a connection attempt may go unanswered (real telnet waits about two minutes). */
    static final Duration CONNECT_PATIENCE = Duration.ofSeconds(10);
    /** How long a connected port may stay silent before the lesson says what the silence means. */
    static final Duration GREETING_PATIENCE = Duration.ofSeconds(5);
    /** When a wait gets a note that says it may be long, and how to stop it. */
    private static final Duration STILL_WAITING = Duration.ofSeconds(3);
    private static final String HELO_NAME = "learner.example.test";

    private final LabNetwork network;
    private final Tutor tutor;
    private final Texts texts;
    private final LineSource lines;
    private final List<String> shown = new ArrayList<>();
    private final ExecutorService waits = Executors.newCachedThreadPool(work -> {
        Thread thread = new Thread(work, "smtplab-lesson-network");
        thread.setDaemon(true);
        return thread;
    });
    private Duration connectPatience = CONNECT_PATIENCE;
    private Duration greetingPatience = GREETING_PATIENCE;
    private boolean typedForYouNoted;

    NetworkShell(LabNetwork network, Tutor tutor, LineSource lines) {
        this.network = network;
        this.tutor = tutor;
        this.texts = tutor.texts();
        this.lines = lines;
    }

    /** Other waits than the lesson's (a test's, shorter). */
    NetworkShell patience(Duration connect, Duration greeting) {
        this.connectPatience = connect;
        this.greetingPatience = greeting;
        return this;
    }

    /** Runs until /quit or the end of input (Ctrl-D); returns the exit code. */
    int run() throws IOException {
        note(tutor.opening());
        try {
            while (true) {
                String line;
                try {
                    line = lines.readLine(PROMPT);
                } catch (LineSource.Interrupted e) {
                    note(texts.get("learn.net.leave"));
                    continue;
                }
                if (line == null) {
                    break;
                }
                shown.add(PROMPT + line);
                if (!carryOut(ShellCommand.parse(line))) {
                    break;
                }
            }
        } finally {
            waits.shutdownNow();
            String problem = tutor.saveTranscript(shown);
            if (problem != null) {
                note(problem);
            }
        }
        return 0;
    }

    /** Carries out one typed line; false when the learner leaves. */
    private boolean carryOut(ShellCommand command) {
        if (command instanceof ShellCommand.Helper helper) {
            return helper(helper.words()[0].toLowerCase(Locale.ROOT));
        }
        if (command instanceof ShellCommand.Problem problem) {
            note(texts.get(problem.key(), problem.values().toArray()));
        } else if (command instanceof ShellCommand.Lookup lookup) {
            lookup(lookup);
        } else if (command instanceof ShellCommand.Connect connect) {
            connect(connect);
        }
        return true;
    }

    private boolean helper(String name) {
        switch (name) {
            case "/quit", "/exit" -> {
                return false;
            }
            case "/hint" -> note(tutor.hint());
            case "/goal" -> note(tutor.goal());
            case "/help" -> note(texts.get("learn.net.help"));
            default -> note(texts.get("learn.net.unknownHelper", name));
        }
        return true;
    }

    private void lookup(ShellCommand.Lookup command) {
        MxReport report = network.dns().mx(command.domain());
        if (command.tool().equals("nslookup")) {
            printAsNslookup(report);
        } else {
            StringWriter table = new StringWriter();
            Report.mx(report, new PrintWriter(table));
            table.toString().lines().forEach(this::print);
        }
        if (report.nullMx()) {
            note(texts.get("learn.net.lookup.nullMx", report.domain()));
        } else if (noSuchDomain(report)) {
            note(texts.get("learn.net.lookup.nxdomain", report.domain()));
        } else if (report.implicit() && !report.hosts().isEmpty()) {
            note(texts.get("learn.net.lookup.implicit", report.domain(),
                    String.join(" ", report.hosts().get(0).addresses())));
        } else if (!report.hosts().isEmpty()) {
            note(texts.get("learn.net.lookup.hosts", report.hosts().get(0).host()));
        }
        judge(new Probe.Lookup(report.domain(), report));
    }

    /** The lookup's answer was NXDOMAIN (Dns words its error so). */
    private static boolean noSuchDomain(MxReport report) {
        return report.error() != null && report.error().contains("NXDOMAIN");
    }

    /** What nslookup prints: the server asked, then the MX records themselves (no implicit MX). */
    private void printAsNslookup(MxReport report) {
        print("Server:\t\t" + LabNetwork.ADDRESS);
        print("Address:\t" + network.dnsAddress().replace(':', '#'));
        print("");
        if (report.nullMx()) {
            print(report.domain() + "\tmail exchanger = 0 .");
        } else if (noSuchDomain(report)) {
            print("** server can't find " + report.domain() + ": NXDOMAIN");
        } else if (report.error() != null) {
            print(";; " + report.error());
        } else if (report.implicit()) {
            print("*** Can't find " + report.domain() + ": No answer");
        } else {
            report.hosts().forEach(host -> print(report.domain() + "\tmail exchanger = " + host.preference() + " "
                    + host.host() + "."));
        }
    }

    private void connect(ShellCommand.Connect command) {
        String host = command.host();
        int port = command.port();
        boolean tls = command.withTls();
        if (!network.knows(host)) {
            print(failure(command, "resolve"));
            note(texts.get("learn.net.unknownHost", host, network.describe()));
            judge(new Probe.Connect(host, port, tls, Probe.Outcome.UNKNOWN_HOST, null, null));
            return;
        }
        if (command.tool().equals("telnet")) {
            print("Trying " + LabNetwork.ADDRESS + "...");
        }
        OptionalInt local = network.localPort(host, port);
        if (local.isEmpty()) {
            // Nothing of the lesson's listens there: the host answers as any host does, with a refusal.
            print(failure(command, "refused"));
            note(texts.get("learn.net.closedPort", port, host, network.ports(host)));
            judge(new Probe.Connect(host, port, tls, Probe.Outcome.REFUSED, null, null));
            return;
        }
        Probe.Connect outcome = converse(command, local.getAsInt());
        judge(outcome);
    }

    /** Connects, starts TLS if asked, waits for the greeting, and says EHLO and QUIT for the learner. */
    private Probe.Connect converse(ShellCommand.Connect command, int localPort) {
        String host = command.host();
        int port = command.port();
        boolean tls = command.withTls();
        SmtpConnection connection;
        try {
            connection = await(() -> SmtpConnection.connect(host, LabNetwork.ADDRESS, localPort, connectPatience,
                    greetingPatience), () -> { }, late -> close(late), texts.get("learn.net.stillTrying",
                    connectPatience.toSeconds()));
        } catch (CancellationException e) {
            note(texts.get("learn.net.explain.cancelled"));
            return new Probe.Connect(host, port, tls, Probe.Outcome.CANCELLED, null, null);
        } catch (ConnectException e) {
            print(failure(command, "refused"));
            note(texts.get("learn.net.explain.refused"));
            return new Probe.Connect(host, port, tls, Probe.Outcome.REFUSED, null, null);
        } catch (SocketTimeoutException e) {
            print(failure(command, "timeout"));
            note(texts.get("learn.net.explain.timedOut", connectPatience.toSeconds()));
            return new Probe.Connect(host, port, tls, Probe.Outcome.TIMED_OUT, null, null);
        } catch (Exception e) {
            print(failure(command, "other") + e.getMessage());
            return new Probe.Connect(host, port, tls, Probe.Outcome.REFUSED, null, null);
        }
        try (connection) {
            return greetAndLeave(command, connection);
        } catch (IOException e) {
            return new Probe.Connect(host, port, tls, Probe.Outcome.NO_GREETING, null, null);
        }
    }

    private Probe.Connect greetAndLeave(ShellCommand.Connect command, SmtpConnection connection) throws IOException {
        String host = command.host();
        int port = command.port();
        boolean tls = command.withTls();
        switch (command.tool()) {
            case "telnet" -> {
                print("Connected to " + host + ".");
                print("Escape character is '^]'.");
            }
            case "openssl" -> print("CONNECTED(00000003)");
            default -> { }
        }
        Reply greeting = null;
        try {
            if (command.tls() == ShellCommand.Tls.STARTTLS) {
                greeting = awaitReply(connection);
                connection.command("EHLO " + HELO_NAME);
                Reply ready = connection.command("STARTTLS");
                if (ready.code() != 220) {
                    print("Didn't find STARTTLS in server response, trying anyway...");
                    note(texts.get("learn.net.noStarttls", port));
                    return new Probe.Connect(host, port, true, Probe.Outcome.TLS_FAILED, greeting, null);
                }
            }
            if (tls) {
                connection.startTls(new TlsSettings(network.ca(), false));
                printHandshake(connection);
            }
            if (greeting == null) {
                greeting = awaitReply(connection);
            }
        } catch (CancellationException e) {
            note(texts.get("learn.net.explain.cancelledSilence"));
            return new Probe.Connect(host, port, tls, Probe.Outcome.NO_GREETING, null, null);
        } catch (SocketTimeoutException e) {
            note(texts.get("learn.net.explain.noGreeting", greetingPatience.toSeconds()));
            return new Probe.Connect(host, port, tls, Probe.Outcome.NO_GREETING, null, null);
        } catch (dev.smtplab.client.protocol.TlsFailure e) {
            print(e.getMessage());
            note(texts.get("learn.net.explain.tlsFailed", port));
            return new Probe.Connect(host, port, tls, Probe.Outcome.TLS_FAILED, null, null);
        }
        if (command.tls() != ShellCommand.Tls.STARTTLS) {
            printReply(greeting);
        }
        if (!typedForYouNoted) {
            note(texts.get("learn.net.typedForYou"));
            typedForYouNoted = true;
        }
        print("EHLO " + HELO_NAME);
        Reply ehlo = connection.command("EHLO " + HELO_NAME);
        printReply(ehlo);
        print("QUIT");
        printReply(connection.command("QUIT"));
        if (command.tool().equals("telnet")) {
            print("Connection closed by foreign host.");
        }
        return new Probe.Connect(host, port, tls, Probe.Outcome.GREETED, greeting, ehlo);
    }

    /** The first reply, waited for so that Ctrl-C can end the wait (closing the connection). */
    private Reply awaitReply(SmtpConnection connection) throws IOException {
        try {
            return await(connection::readReply, () -> close(connection), late -> { },
                    texts.get("learn.net.stillSilent", greetingPatience.toSeconds()));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** What openssl s_client says of the handshake, in short: the certificate and the session. */
    private void printHandshake(SmtpConnection connection) {
        connection.tls().ifPresent((TlsInfo info) -> {
            print("---");
            print("Certificate chain");
            print(" 0 s:" + info.subject());
            print("   i:" + info.issuer());
            print("---");
            print("New, " + info.protocol() + ", Cipher is " + info.cipher());
            print("Verify return code: 0 (ok)");
            print("---");
        });
    }

    private void printReply(Reply reply) {
        reply.wireText().lines().forEach(this::print);
    }

    /** The line each tool prints when a connection fails, as the real tool words it. */
    private static String failure(ShellCommand.Connect command, String kind) {
        String host = command.host();
        int port = command.port();
        return switch (command.tool()) {
            case "telnet" -> switch (kind) {
                case "resolve" -> "telnet: could not resolve " + host + "/" + port + ": Name or service not known";
                case "refused" -> "telnet: Unable to connect to remote host: Connection refused";
                case "timeout" -> "telnet: Unable to connect to remote host: Connection timed out";
                default -> "telnet: Unable to connect to remote host: ";
            };
            case "openssl" -> switch (kind) {
                case "resolve" -> "BIO_lookup_ex:system lib: " + host + ": Name or service not known";
                case "refused" -> "connect:errno=111 (Connection refused)";
                case "timeout" -> "connect:errno=110 (Connection timed out)";
                default -> "connect: ";
            };
            default -> switch (kind) {
                case "resolve" -> command.tool() + ": getaddrinfo for host \"" + host + "\" port " + port
                        + ": Name or service not known";
                case "refused" -> command.tool() + ": connect to " + host + " port " + port + " (tcp) failed: Connection refused";
                case "timeout" -> command.tool() + ": connect to " + host + " port " + port + " (tcp) timed out";
                default -> command.tool() + ": connect to " + host + " port " + port + " (tcp) failed: ";
            };
        };
    }

    /**
     * Waits for work done on another thread, so that Ctrl-C can give up the wait, as in a shell.
     *
     * @param onCancel     what stops the work at once, when something can (closing the socket)
     * @param discardLate  what to do with a result that comes after the learner gave up
     * @param stillWaiting said once when the wait grows long
     * @throws CancellationException when the learner pressed Ctrl-C
     */
    private <T> T await(Callable<T> work, Runnable onCancel, java.util.function.Consumer<T> discardLate,
                        String stillWaiting) throws Exception {
        lines.takeInterrupt(); // a Ctrl-C from before this wait is not about it
        Future<T> future = waits.submit(work);
        long start = System.nanoTime();
        boolean noted = false;
        while (true) {
            try {
                return future.get(100, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            } catch (TimeoutException e) {
                if (lines.takeInterrupt()) {
                    if (lines.interactive()) {
                        lines.print(""); // the terminal echoed ^C without ending the line
                    }
                    onCancel.run();
                    waits.execute(() -> {
                        try {
                            discardLate.accept(future.get());
                        } catch (Exception ignored) {
                            // it failed after all: nothing to discard
                        }
                    });
                    throw new CancellationException();
                }
                if (!noted && System.nanoTime() - start > STILL_WAITING.toNanos()) {
                    note(stillWaiting);
                    noted = true;
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void judge(Probe probe) {
        if (tutor.finished()) {
            return;
        }
        Step<Probe> step = (Step<Probe>) tutor.current();
        if (step.reached().test(probe)) {
            note(tutor.reachedText());
            note(tutor.advance());
        } else {
            step.missed(probe).forEach(miss -> note(tutor.stepText(miss)));
        }
    }

    private static void close(SmtpConnection connection) {
        try {
            connection.close();
        } catch (IOException e) {
            // closing to give up: nothing more to do
        }
    }

    private void print(String line) {
        shown.add(line);
        lines.print(line);
    }

    /** The lesson's own words, marked so they stand apart from what the tools print. */
    private void note(String text) {
        LessonCoach.marked(text).forEach(this::print);
    }
}
