package dev.smtplab.client.send;

import java.util.Map;

/**
 * What a load run measured.
 *
 * @param failures how many messages failed, by reply code ("451") or by what went wrong ("connection closed")
 */
public record LoadReport(String server, int requested, int sent, int concurrency, double seconds,
                         double messagesPerSecond, double p50Millis, double p95Millis, double p99Millis,
                         Map<String, Integer> failures) {

    public String summary() {
        StringBuilder text = new StringBuilder(String.format(java.util.Locale.ROOT,
                "sent %d of %d messages to %s in %.2f s over %d connection(s): %.1f msgs/s; "
                        + "latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms; failures: ",
                sent, requested, server, seconds, concurrency, messagesPerSecond, p50Millis, p95Millis, p99Millis));
        if (failures.isEmpty()) {
            text.append("none");
        } else {
            failures.forEach((reason, count) -> text.append(reason).append(" x").append(count).append(", "));
            text.setLength(text.length() - 2);
        }
        return text.toString();
    }
}
