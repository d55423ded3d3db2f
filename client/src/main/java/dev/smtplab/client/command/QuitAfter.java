package dev.smtplab.client.command;

import dev.smtplab.client.send.Stage;

import java.util.Locale;

/** The stages --quit-after can name: a send stops after one, says QUIT, and sends no message. */
enum QuitAfter {
    CONNECT(Stage.CONNECT),
    BANNER(Stage.BANNER),
    EHLO(Stage.EHLO),
    STARTTLS(Stage.STARTTLS),
    AUTH(Stage.AUTH),
    MAIL(Stage.MAIL),
    RCPT(Stage.RCPT),
    DATA(Stage.DATA);

    private final Stage stage;

    QuitAfter(Stage stage) {
        this.stage = stage;
    }

    Stage stage() {
        return stage;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
