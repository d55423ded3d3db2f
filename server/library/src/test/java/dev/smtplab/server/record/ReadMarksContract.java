package dev.smtplab.server.record;

import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every store does with read marks, the same in memory, in SQLite and in PostgreSQL: each
 * store's test runs this against its own store.
 */
public final class ReadMarksContract {
    private ReadMarksContract() {
    }

    /**
     * @param newMessage a new message with this subject, routed to this inbox, and an id the store takes
     * @param keep       stores a message as the server does
     */
    public static void check(MessageStore store, BiFunction<String, String, RecordedMessage> newMessage,
                             Consumer<RecordedMessage> keep) {
        RecordedMessage alpha = newMessage.apply("alpha", "default");
        RecordedMessage beta = newMessage.apply("beta", "default");
        RecordedMessage gamma = newMessage.apply("gamma", "team-a");
        keep.accept(alpha);
        keep.accept(beta);
        keep.accept(gamma);
        MessageQuery all = MessageQuery.all();

        // New mail is unread.
        assertThat(store.isRead(alpha.id())).isFalse();
        assertThat(store.page(all, Long.MAX_VALUE, 10).messages()).noneMatch(StoredMessage::read);
        assertThat(store.count(all.withRead(false))).isEqualTo(3);
        assertThat(store.count(all.withRead(true))).isZero();

        // One marked read: the page, the counts, the filters and the wait's lookup all see it.
        assertThat(store.markRead(alpha.id(), true)).isTrue();
        assertThat(store.isRead(alpha.id())).isTrue();
        assertThat(store.page(all, Long.MAX_VALUE, 10).messages())
                .extracting(stored -> stored.message().id() + "=" + stored.read())
                .containsExactly(gamma.id() + "=false", beta.id() + "=false", alpha.id() + "=true");
        assertThat(store.page(all.withRead(false), Long.MAX_VALUE, 10).messages())
                .extracting(stored -> stored.message().id()).containsExactly(gamma.id(), beta.id());
        assertThat(store.page(all.withRead(false), Long.MAX_VALUE, 10).total()).isEqualTo(2);
        assertThat(store.count(all.withRead(true))).isEqualTo(1);
        assertThat(store.firstAfter(0, all.withRead(true))).hasValueSatisfying(stored -> {
            assertThat(stored.message().id()).isEqualTo(alpha.id());
            assertThat(stored.read()).isTrue();
        });
        assertThat(store.count(all.withText("beta").withRead(false))).isEqualTo(1);
        assertThat(store.count(all.withText("alpha").withRead(false))).isZero();
        // Marking it again changes nothing and still finds it.
        assertThat(store.markRead(alpha.id(), true)).isTrue();
        assertThat(store.count(all.withRead(true))).isEqualTo(1);

        // Marked by a query, within one inbox: only those that changed are counted.
        assertThat(store.markRead(all.inInboxes(Set.of("default")), true)).isEqualTo(1);
        assertThat(store.isRead(beta.id())).isTrue();
        assertThat(store.isRead(gamma.id())).isFalse();
        assertThat(store.markRead(all, true)).isEqualTo(1);
        assertThat(store.count(all.withRead(false))).isZero();
        assertThat(store.markRead(all.withText("gamma"), false)).isEqualTo(1);
        assertThat(store.markRead(alpha.id(), false)).isTrue();
        assertThat(store.page(all, Long.MAX_VALUE, 10).messages())
                .extracting(stored -> stored.message().id() + "=" + stored.read())
                .containsExactly(gamma.id() + "=false", beta.id() + "=true", alpha.id() + "=false");

        // A message that is not there: nothing to mark.
        assertThat(store.markRead("987654321", true)).isFalse();
        assertThat(store.isRead("987654321")).isFalse();

        // Deleting by read state, and a deleted message cannot be marked.
        assertThat(store.delete(all.withRead(true))).isEqualTo(1);
        assertThat(store.messages()).extracting(RecordedMessage::id).containsExactly(alpha.id(), gamma.id());
        assertThat(store.deleteMessage(alpha.id())).isTrue();
        assertThat(store.markRead(alpha.id(), true)).isFalse();
        assertThat(store.isRead(alpha.id())).isFalse();
    }
}
