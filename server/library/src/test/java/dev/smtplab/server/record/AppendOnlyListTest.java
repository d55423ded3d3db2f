package dev.smtplab.server.record;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Snapshots of a growing list cost nothing and never change afterwards. */
class AppendOnlyListTest {
    @Test
    void a_snapshot_keeps_what_it_held_while_the_list_grows_past_its_array() {
        AppendOnlyList<String> lines = new AppendOnlyList<>();
        lines.add("220 ready");
        List<String> early = lines.snapshot();
        for (int i = 0; i < 100; i++) {
            lines.add("line " + i);
        }
        List<String> late = lines.snapshot();

        assertThat(early).containsExactly("220 ready");
        assertThat(late).hasSize(101).startsWith("220 ready", "line 0").endsWith("line 99");
        assertThat(late.subList(0, 1)).isEqualTo(early);
        assertThat(AppendOnlyList.unmodifiable(late)).as("not copied again").isSameAs(late);
        assertThat(AppendOnlyList.unmodifiable(new java.util.ArrayList<>(late))).isEqualTo(late).isNotSameAs(late);
    }

    @Test
    void a_snapshot_cannot_be_changed_or_read_past_its_end() {
        AppendOnlyList<String> lines = new AppendOnlyList<>();
        lines.add("a");
        List<String> snapshot = lines.snapshot();
        lines.add("b");
        assertThatThrownBy(() -> snapshot.add("c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> snapshot.set(0, "c")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> snapshot.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> lines.add(null)).isInstanceOf(NullPointerException.class);
    }
}
