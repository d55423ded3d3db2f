package dev.smtplab.server.record;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A list that only grows, whose snapshots cost nothing: a snapshot is the first {@code size}
 * items of the array as it was, and items once added never change. A session's transcript is
 * snapshot after every message; copying it each time made a kept connection's recording grow
 * with the square of its length (the profile under load showed the copies).
 *
 * <p>Not thread-safe by itself: the recorder adds and snapshots under its own lock.
 */
public final class AppendOnlyList<T> {
    private Object[] items = new Object[16];
    private int size;

    public void add(T item) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = Objects.requireNonNull(item);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The items so far, as an unmodifiable list that later adds do not change. */
    public List<T> snapshot() {
        return new Snapshot<>(items, size);
    }

    /** An unmodifiable prefix of an append-only array. */
    static final class Snapshot<T> extends AbstractList<T> implements RandomAccess {
        private final Object[] items;
        private final int size;

        Snapshot(Object[] items, int size) {
            this.items = items;
            this.size = size;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T get(int index) {
            Objects.checkIndex(index, size);
            return (T) items[index];
        }

        @Override
        public int size() {
            return size;
        }
    }

    /** The list itself when it is such a snapshot (already unmodifiable), else an unmodifiable copy. */
    static <T> List<T> unmodifiable(List<T> list) {
        return list instanceof Snapshot<T> ? list : List.copyOf(list);
    }
}
