package dev.smtplab.client.learn;

import dev.smtplab.client.protocol.Reply;
import dev.smtplab.client.protocol.SmtpVerb;
import dev.smtplab.server.FakeSmtpServer;

/** A reply in a dialogue lesson and everything a step may look at to judge it. */
record DialogueEvent(String line, Reply reply, Dialogue dialogue, FakeSmtpServer server) {
    String verb() {
        return SmtpVerb.of(line);
    }

    boolean answers(String verb, int code) {
        return verb().equals(verb) && reply.code() == code;
    }
}
