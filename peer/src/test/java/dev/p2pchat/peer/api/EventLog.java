package dev.p2pchat.peer.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.api.PeerEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Every event one peer reported, in order, with ways to wait for one. */
final class EventLog implements PeerListener {
    static final long DEFAULT_WAIT_SECONDS = 20;

    private final List<PeerEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(PeerEvent event) {
        events.add(event);
    }

    <T extends PeerEvent> List<T> all(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends PeerEvent> List<T> all(Class<T> type, Predicate<T> match) {
        return all(type).stream().filter(match).toList();
    }

    long count(Class<? extends PeerEvent> type) {
        return all(type).size();
    }

    /** Waits for the first event of {@code type} that matches, and returns it. */
    <T extends PeerEvent> T await(Class<T> type, Predicate<T> match) throws InterruptedException {
        until(type.getSimpleName() + " in " + this, () -> !all(type, match).isEmpty());
        return all(type, match).get(0);
    }

    <T extends PeerEvent> T await(Class<T> type) throws InterruptedException {
        return await(type, event -> true);
    }

    @Override
    public String toString() {
        return events.toString();
    }

    /** Polls {@code condition} until it holds, failing after {@value #DEFAULT_WAIT_SECONDS} s. */
    static void until(String what, BooleanSupplier condition) throws InterruptedException {
        until(what, DEFAULT_WAIT_SECONDS, condition);
    }

    static void until(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
