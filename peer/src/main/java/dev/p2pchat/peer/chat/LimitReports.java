package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.api.LimitKind;
import dev.p2pchat.peer.api.PeerEvent;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Counts the times each budget was reached and tells the user, never silently: the first time at once, then at most
 * once per {@link #REPORT_INTERVAL_MILLIS} per budget with how many times since, so a flood makes a few lines, not a
 * line per datagram. Owned by the event loop.
 */
final class LimitReports {
    static final long REPORT_INTERVAL_MILLIS = 10_000;

    private final Clock clock;
    private final Consumer<PeerEvent> events;
    private final Map<LimitKind, Long> total = new EnumMap<>(LimitKind.class);
    private final Map<LimitKind, Long> unreported = new EnumMap<>(LimitKind.class);
    private final Map<LimitKind, Long> lastReport = new EnumMap<>(LimitKind.class);
    private final Map<LimitKind, Integer> limits = new EnumMap<>(LimitKind.class);

    LimitReports(Clock clock, Consumer<PeerEvent> events) {
        this.clock = clock;
        this.events = events;
    }

    /** {@code kind} was reached (its limit is {@code limit}); the user hears of it now or at the next report. */
    void reached(LimitKind kind, int limit) {
        total.merge(kind, 1L, Long::sum);
        limits.put(kind, limit);
        long times = unreported.merge(kind, 1L, Long::sum);
        long now = clock.millis();
        Long last = lastReport.get(kind);
        if (last == null || now - last >= REPORT_INTERVAL_MILLIS) {
            lastReport.put(kind, now);
            unreported.remove(kind);
            events.accept(new PeerEvent.LimitReached(kind, limit, times));
        }
    }

    /** Reports what was reached since the last report once the interval is over, so nothing stays untold. */
    void tick() {
        long now = clock.millis();
        for (LimitKind kind : LimitKind.values()) {
            Long times = unreported.get(kind);
            if (times != null && now - lastReport.get(kind) >= REPORT_INTERVAL_MILLIS) {
                lastReport.put(kind, now);
                unreported.remove(kind);
                events.accept(new PeerEvent.LimitReached(kind, limits.get(kind), times));
            }
        }
    }

    /** How often {@code kind} was reached since the start. */
    long total(LimitKind kind) {
        return total.getOrDefault(kind, 0L);
    }
}
