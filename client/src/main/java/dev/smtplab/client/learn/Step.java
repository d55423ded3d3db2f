package dev.smtplab.client.learn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One goal of a lesson. Its texts are {@code lesson.ID.STEP.goal} (what to do), {@code .hint1},
 * {@code .hint2} ... (given on request, one at a time, the answer never unasked), {@code .done}
 * (what the outcome that reached the goal means), and one per near miss: what an outcome that
 * came close says ({@code lesson.ID.STEP.MISS}).
 *
 * @param id      the step's key within its lesson
 * @param reached whether an outcome (a reply in a dialogue lesson, a probe in a network lesson) shows
 *                the goal reached
 * @param misses  outcomes that did not reach the goal but deserve a word, each with its text's key
 * @param <E>     what the lesson's steps look at
 */
record Step<E>(String id, Predicate<E> reached, List<Miss<E>> misses) {
    /** A near miss: when it applies, and the name of its text within the step. */
    record Miss<E>(String text, Predicate<E> when) {
    }

    Step(String id, Predicate<E> reached) {
        this(id, reached, List.of());
    }

    /** This step, with a word for an outcome that comes close. */
    Step<E> missedWhen(String text, Predicate<E> when) {
        List<Miss<E>> more = new ArrayList<>(misses);
        more.add(new Miss<>(text, when));
        return new Step<>(id, reached, List.copyOf(more));
    }

    /** The texts (their names within the step) of the near misses this outcome is. */
    List<String> missed(E outcome) {
        return misses.stream().filter(miss -> miss.when().test(outcome)).map(Miss::text).toList();
    }
}
