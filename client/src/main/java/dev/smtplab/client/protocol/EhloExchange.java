package dev.smtplab.client.protocol;

import java.util.List;

/**
 * EHLO, and HELO when the server does not know EHLO (RFC 5321, 4.1.4): the reply that counts and
 * the capabilities it announced.
 *
 * @param reply        the reply to EHLO, or to HELO after the fallback
 * @param heloFallback the server refused EHLO with 500 or 502, so HELO was sent
 * @param capabilities the EHLO keywords with their arguments ("SIZE 10240000"); empty after HELO
 *                     or a refusal
 */
public record EhloExchange(Reply reply, boolean heloFallback, List<String> capabilities) {
    public EhloExchange {
        capabilities = List.copyOf(capabilities);
    }

    /** Sends one command line and reads its reply, however the caller does that. */
    @FunctionalInterface
    public interface Commands<E extends Exception> {
        Reply send(String commandLine) throws E;
    }

    public static <E extends Exception> EhloExchange run(String helo, Commands<E> commands) throws E {
        Reply ehlo = commands.send("EHLO " + helo);
        if (ehlo.code() == 500 || ehlo.code() == 502) {
            return new EhloExchange(commands.send("HELO " + helo), true, List.of());
        }
        List<String> capabilities = ehlo.isPositive() ? ehlo.lines().subList(1, ehlo.lines().size()) : List.of();
        return new EhloExchange(ehlo, false, capabilities);
    }

    public Extensions extensions() {
        return new Extensions(capabilities);
    }
}
