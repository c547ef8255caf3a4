package dev.p2pchat.peer.cli;

import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.api.PeerRef;
import dev.p2pchat.peer.api.PeerListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Receives the peer's events on its event loop: hands each to the printer, remembers it for {@code /wait}, and
 * collects peer names for the shell's completion.
 */
final class EventFeed implements PeerListener {
    /** Names offered for completion; a bound, not a directory. */
    static final int MAX_NAMES = 4096;
    /** Events kept while the first line is not out yet (the peer registers within milliseconds of starting). */
    static final int MAX_EARLY = 1024;

    private final Printer printer;
    private final SeenEvents seen = new SeenEvents();
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    /** Reports of events that came before {@link #open}, so that the line saying where the peer runs is first. */
    private List<Report> early = new ArrayList<>();

    EventFeed(Printer printer) {
        this.printer = printer;
    }

    @Override
    public void onEvent(PeerEvent event) {
        // Printed before it is recorded: whatever a /wait prints next comes after the line that ended the wait.
        print(EventReports.report(event));
        PeerRef peer = EventReports.peer(event);
        if (peer != null) {
            learn(peer);
        }
        seen.record(event);
    }

    /** Prints {@code first}, then the events that came before it, and from now on every event as it comes. */
    synchronized void open(Report first) {
        printer.print(first);
        early.forEach(printer::print);
        early = null;
    }

    private synchronized void print(Report report) {
        if (early == null) {
            printer.print(report);
        } else if (early.size() < MAX_EARLY) {
            early.add(report);
        }
    }

    SeenEvents seen() {
        return seen;
    }

    void learn(String name) {
        if (names.size() < MAX_NAMES) {
            names.add(name);
        }
    }

    void learn(PeerRef peer) {
        learn(peer.name());
    }

    /** Peer names seen so far, for completion. */
    Collection<String> names() {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        return sorted;
    }
}
