package dev.p2pchat.peer.cli;

import dev.p2pchat.peer.api.PeerEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Which kinds of event have been seen since the peer started, and about whom, so that a script can
 * {@code /wait} for one. Only the kind and the subjects are kept, not the events: bounded memory for a peer that
 * runs for weeks.
 */
final class SeenEvents {
    /** Subjects remembered per kind; beyond this, new subjects of that kind are not remembered. */
    static final int MAX_SUBJECTS_PER_KIND = 4096;

    private final Map<String, Set<String>> subjects = new HashMap<>();

    /** Called on the peer's event loop: quick. */
    synchronized void record(PeerEvent event) {
        Set<String> seen = subjects.computeIfAbsent(EventReports.kind(event), kind -> new HashSet<>());
        for (String subject : EventReports.subjects(event)) {
            if (seen.size() < MAX_SUBJECTS_PER_KIND) {
                seen.add(subject);
            }
        }
        notifyAll();
    }

    /**
     * Waits until an event of {@code kind} concerning {@code subject} (any subject when null) has been seen.
     *
     * @return whether one was seen before the timeout
     */
    synchronized boolean await(String kind, String subject, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!seen(kind, subject)) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private boolean seen(String kind, String subject) {
        Set<String> seen = subjects.get(kind);
        return seen != null && (subject == null || seen.contains(subject));
    }
}
