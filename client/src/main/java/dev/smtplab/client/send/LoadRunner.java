package dev.smtplab.client.send;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load mode: N messages over C kept-open connections, each connection sending its share one
 * after another. Latency is MAIL FROM to the 250 after the final dot.
 */
public final class LoadRunner {
    private final SendOptions options;
    private final int count;
    private final int concurrency;
    private final PrintWriter progress;

    /** @param progress where a progress bar goes (a terminal), or null for none */
    public LoadRunner(SendOptions options, int count, int concurrency, PrintWriter progress) {
        this.options = options;
        this.count = count;
        this.concurrency = Math.min(concurrency, count);
        this.progress = progress;
    }

    public LoadReport run() throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long[] latencies = new long[count];
        AtomicInteger sent = new AtomicInteger();
        Map<String, Integer> failures = new TreeMap<>();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        long started = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            futures.add(workers.submit(() -> {
                SmtpSender sender = null;
                int index;
                while ((index = next.getAndIncrement()) < count) {
                    try {
                        if (sender == null || !sender.isOpen()) {
                            sender = new SmtpSender(options, List.of());
                            sender.open();
                        }
                        long begin = System.nanoTime();
                        sender.transaction(options.message());
                        latencies[sent.getAndIncrement()] = System.nanoTime() - begin;
                    } catch (SmtpSender.StageFailure failure) {
                        String reason = failure.reply != null ? Integer.toString(failure.reply.code())
                                : failure.exitCode.meaning();
                        synchronized (failures) {
                            failures.merge(reason, 1, Integer::sum);
                        }
                        sender = recover(sender, failure);
                    }
                    showProgress(done.incrementAndGet());
                }
                if (sender != null) {
                    sender.close();
                }
                return null;
            }));
        }
        workers.shutdown();
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a load worker failed: " + e.getCause(), e.getCause());
            }
        }
        workers.awaitTermination(1, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (progress != null) {
            progress.print("\r" + " ".repeat(60) + "\r");
            progress.flush();
        }
        long[] measured = Arrays.copyOf(latencies, sent.get());
        Arrays.sort(measured);
        return new LoadReport(options.server(), count, sent.get(), concurrency, seconds, sent.get() / seconds,
                percentile(measured, 50), percentile(measured, 95), percentile(measured, 99), failures);
    }

    /** After a refused message the connection may still be good: RSET it; after anything else, start over. */
    private static SmtpSender recover(SmtpSender sender, SmtpSender.StageFailure failure) {
        if (sender != null && failure.reply != null && sender.isOpen()) {
            try {
                sender.reset();
                return sender;
            } catch (SmtpSender.StageFailure e) {
                // fall through to a new connection
            }
        }
        if (sender != null) {
            sender.close();
        }
        return null;
    }

    private void showProgress(int done) {
        if (progress == null || (done % Math.max(1, count / 100) != 0 && done != count)) {
            return;
        }
        int width = 40;
        int filled = (int) ((long) done * width / count);
        synchronized (progress) {
            progress.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + count);
            progress.flush();
        }
    }

    private static double percentile(long[] sortedNanos, int percent) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percent / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(index, sortedNanos.length - 1))] / 1e6;
    }
}
