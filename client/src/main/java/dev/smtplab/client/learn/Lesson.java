package dev.smtplab.client.learn;

import java.util.List;

/**
 * A lesson: the number the learner types ({@code smtplab learn 6}), its key in the texts
 * ({@code lesson.ID.title}, {@code .intro}, {@code .outro}) and its steps. A dialogue lesson is typed
 * in an SMTP session; a network lesson at a prompt that runs the walkthrough's telnet, nslookup and
 * openssl against servers of its own.
 */
sealed interface Lesson permits DialogueLesson, NetworkLesson {
    int number();

    String id();

    List<? extends Step<?>> steps();
}
