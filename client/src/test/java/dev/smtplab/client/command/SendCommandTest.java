package dev.smtplab.client.command;

import dev.smtplab.client.i18n.Language;
import dev.smtplab.client.i18n.Texts;
import dev.smtplab.client.send.SendReport;
import dev.smtplab.client.send.StageResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The line a send that went through prints, written without the texts in English, says what the texts say. */
class SendCommandTest {
    private static SendReport report(String result, StageResult... stages) {
        return new SendReport("127.0.0.1:2525", List.of(stages), null, result, 0, null, null, null, List.of());
    }

    private static final StageResult MESSAGE = new StageResult("message", "[message: 10 bytes]", 250, "2.0.0",
            "2.0.0 Ok: queued as 7", false, false, 1);
    private static final StageResult QUIT = new StageResult("quit", "QUIT", 221, "2.0.0", "2.0.0 Bye", false, false, 1);
    private static final StageResult RCPT = new StageResult("rcpt", "RCPT TO:<b@example.test>", 250, "2.1.5", "2.1.5 Ok",
            false, false, 1);

    @Test
    void the_english_lines_written_in_code_are_the_english_texts() {
        Texts english = Texts.of(Language.ENGLISH);
        assertThat(SendCommand.resultLine(report("sent", MESSAGE, QUIT), english))
                .isEqualTo(english.get("send.sent", "127.0.0.1:2525", "250 2.0.0 Ok: queued as 7"));
        assertThat(SendCommand.resultLine(report("stopped", RCPT, QUIT), english))
                .isEqualTo(english.get("send.stopped", "rcpt", "127.0.0.1:2525"));
        assertThat(SendCommand.resultLine(report("sent", RCPT), english))
                .isEqualTo(english.get("send.sentNoReply", "127.0.0.1:2525"));
    }

    @Test
    void in_japanese_the_lines_come_from_the_texts() {
        Texts japanese = Texts.of(Language.JAPANESE);
        assertThat(SendCommand.resultLine(report("sent", MESSAGE, QUIT), japanese))
                .isEqualTo("127.0.0.1:2525 に送信しました: 250 2.0.0 Ok: queued as 7");
        assertThat(SendCommand.resultLine(report("stopped", RCPT, QUIT), japanese))
                .isEqualTo("指示どおり rcpt の後で止めました (127.0.0.1:2525)");
    }
}
