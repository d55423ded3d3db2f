package dev.smtplab.client.learn;

import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.SmtpVerb;
import dev.smtplab.server.FakeSmtpServer;

import java.util.function.Predicate;

/**
 * One goal of a lesson. Its texts are {@code lesson.ID.STEP.goal} (what to do), {@code .hint1},
 * {@code .hint2} ... (given on request, one at a time, the answer never unasked) and {@code .done}
 * (what the reply that reached the goal means).
 *
 * @param id        the step's key within its lesson
 * @param reached   whether a reply (and the server's record of it) shows the goal reached
 */
record Step(String id, Predicate<Event> reached) {

    /** A reply and everything a step may look at to judge it. */
    record Event(String line, Reply reply, Dialogue dialogue, FakeSmtpServer server) {
        String verb() {
            return SmtpVerb.of(line);
        }

        boolean answers(String verb, int code) {
            return verb().equals(verb) && reply.code() == code;
        }
    }
}
