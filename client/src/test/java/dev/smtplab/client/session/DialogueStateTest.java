package dev.smtplab.client.session;

import dev.smtplab.client.protocol.Reply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DialogueStateTest {
    private final DialogueState state = new DialogueState();

    private void reply(int code) {
        state.replied(Reply.of(code, "text"));
    }

    @Test
    void typed_by_hand_message_lines_after_354_await_no_reply() {
        reply(220);
        assertThat(state.sent("EHLO me.test")).isEqualTo(DialogueState.Kind.COMMAND);
        reply(250);
        state.sent("MAIL FROM:<a@example.test>");
        reply(250);
        state.sent("RCPT TO:<b@example.test>");
        reply(250);
        assertThat(state.sent("DATA")).isEqualTo(DialogueState.Kind.DATA);
        reply(354);
        assertThat(state.inMessage()).isTrue();
        assertThat(state.awaitingReply()).isFalse();
        for (String line : new String[] {"Subject: hi", "", "body", "..dot-stuffed"}) {
            assertThat(state.sent(line)).isEqualTo(DialogueState.Kind.CONTENT);
        }
        assertThat(state.awaitingReply()).as("content lines wait for nothing").isFalse();
        assertThat(state.sent(".")).isEqualTo(DialogueState.Kind.END_OF_MESSAGE);
        assertThat(state.awaitedFor()).hasValue(DialogueState.MESSAGE);
        reply(250);
        assertThat(state.inMessage()).isFalse();
        assertThat(state.awaitingReply()).isFalse();
        assertThat(state.sent("QUIT")).isEqualTo(DialogueState.Kind.COMMAND);
        assertThat(state.awaitedFor()).hasValue("QUIT");
    }

    @Test
    void piped_lines_sent_before_the_354_become_content_up_to_the_dot() {
        state.sent("EHLO me.test");
        state.sent("DATA");
        state.sent("Subject: piped");
        state.sent("");
        state.sent(".");
        state.sent("QUIT");
        reply(220);
        reply(250);
        assertThat(state.awaitedFor()).hasValue("DATA");
        reply(354);
        assertThat(state.awaitedFor()).hasValue(DialogueState.MESSAGE);
        reply(250);
        assertThat(state.awaitedFor()).hasValue("QUIT");
        reply(221);
        assertThat(state.awaitingReply()).isFalse();
    }

    @Test
    void piped_lines_after_a_refused_data_are_commands_each_answered() {
        reply(220);
        state.sent("DATA");
        state.sent("Subject: x");
        state.sent(".");
        reply(554);
        assertThat(state.inMessage()).isFalse();
        assertThat(state.awaitedFor()).hasValue("Subject: x");
        reply(500);
        assertThat(state.awaitedFor()).hasValue(".");
        reply(500);
        assertThat(state.awaitingReply()).isFalse();
    }

    @Test
    void the_greeting_comes_first_and_unasked_replies_answer_nothing() {
        assertThat(state.awaitedFor()).hasValue(DialogueState.GREETING);
        assertThat(state.replied(Reply.of(220, "hi"))).isEmpty();
        assertThat(state.replied(Reply.of(421, "4.4.2 timeout"))).isEmpty();
        state.sent("NOOP");
        assertThat(state.replied(Reply.of(250, "Ok"))).hasValue("NOOP");
        state.closed();
        assertThat(state.awaitingReply()).isFalse();
    }
}
