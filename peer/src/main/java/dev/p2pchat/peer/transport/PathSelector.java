package dev.p2pchat.peer.transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Which path one conversation's datagrams take, as pure logic: the candidate addresses it greets while connecting,
 * the route once connected (straight to an address, or the tracker's relay), the fallback to the relay when a direct
 * path stops answering, the probes that look for a direct path again (an upgrade, or a peer whose NAT mapping moved),
 * and roaming onto whatever address fresh authenticated datagrams arrive from. The conversation that owns it does
 * the sending; this decides where.
 *
 * <p>Routes move. A direct route that owes an answer for {@code relayAfter} falls back to the relay, and asks for a
 * fresh introduction; a relayed conversation asks for one every {@code upgradeInterval} and probes the addresses it
 * gets. An authenticated arrival straight from an address moves the route there; a relayed one moves a direct
 * conversation onto the relay only once the direct path has been silent for a while, so the datagrams still on
 * their way through the relay after an upgrade do not undo it. A moved route is unproven until it answers a PING.
 */
public final class PathSelector {
    /** Addresses a greeting is repeated to: a NAT mapping, a few LAN addresses, and where greetings came from. */
    public static final int MAX_CANDIDATES = 8;

    /** What the conversation does for its path. */
    public interface Session {
        /** Sends a PING straight to {@code address}, to find out whether the peer answers there. */
        void probe(InetSocketAddress address);

        /** The route moved from {@code previous} to {@link #route()} at {@code now}: prove it with a PING over it. */
        void moved(Route previous, long now);

        /** Asks the owner for a fresh introduction to the peer (its addresses come back to {@link #probeTargets}). */
        void wantIntroduction();
    }

    private final long relayAfter;
    private final long upgradeInterval;
    private final long directPingInterval;
    private final Session session;
    private final List<InetSocketAddress> candidates;
    private final long started;
    private Route route;
    private long lastHeardDirect;
    /** When this side first sent something that wants an answer since it last heard from the peer; 0: none due. */
    private long answerDueSince;
    private long lastIntroductionWanted = Long.MIN_VALUE / 2;
    /** Whether the route moved and no PONG has come back over it yet (see {@link #moveTo}). */
    private boolean unproven;
    private long lastProbeRound = Long.MIN_VALUE / 2;
    private long lastDirectPing = Long.MIN_VALUE / 2;
    /** The direct address a conversation left for the relay: still pinged, so a path that comes back is taken. */
    private InetSocketAddress lastDirect;

    /**
     * @param relayAfter how long a direct path may stay silent (while connecting, or while an answer is due) before
     *     the relay is used, and the least time between two probe rounds
     * @param upgradeInterval how often a relayed conversation tries for a direct path again
     * @param directPingInterval how often a relayed conversation pings the direct address it left
     */
    public PathSelector(long relayAfter, long upgradeInterval, long directPingInterval,
            List<InetSocketAddress> candidates, Session session, long now) {
        this.relayAfter = relayAfter;
        this.upgradeInterval = upgradeInterval;
        this.directPingInterval = directPingInterval;
        this.session = session;
        this.candidates = new ArrayList<>(candidates);
        this.started = now;
    }

    /** How the conversation runs, or null while connecting. */
    public Route route() {
        return route;
    }

    /** The peer's address on a direct route; null while connecting and on the relay. */
    public InetSocketAddress address() {
        return route == null ? null : route.address();
    }

    // ---- connecting ----

    /** The addresses to greet while connecting. */
    public List<InetSocketAddress> candidates() {
        return List.copyOf(candidates);
    }

    /** Adds the candidates among {@code more} that are new (up to {@link #MAX_CANDIDATES}); returns those. */
    public List<InetSocketAddress> addCandidates(List<InetSocketAddress> more) {
        List<InetSocketAddress> added = new ArrayList<>();
        for (InetSocketAddress candidate : more) {
            if (!candidates.contains(candidate) && candidates.size() < MAX_CANDIDATES) {
                candidates.add(candidate);
                added.add(candidate);
            }
        }
        return added;
    }

    /** Whether a conversation still connecting should greet through the relay too: no direct path formed in time. */
    public boolean relayWhileConnecting(long now) {
        return !candidates.isEmpty() && now - started >= relayAfter;
    }

    /** Whether this conversation runs over, or (while connecting) tries, {@code candidate}. */
    public boolean tries(InetSocketAddress candidate) {
        return candidate.equals(address()) || (route == null && candidates.contains(candidate));
    }

    /** The conversation connected over {@code from}. */
    public void established(Route from, long now) {
        route = from;
        lastHeardDirect = from.relayed() ? Long.MIN_VALUE / 2 : now;
        lastIntroductionWanted = now;
    }

    // ---- connected ----

    /**
     * Addresses where the peer may be reached, from a lookup or an introduction: while the conversation runs over the
     * relay, over a direct path that stopped answering, or over a direct path to an address the peer is no longer
     * found at (its mapping moved), a PING goes to each, so that both NATs open towards each other again; whichever
     * answers directly becomes the route. Returns whether it probed.
     */
    public boolean probeTargets(List<InetSocketAddress> more, long now) {
        if (!(route.relayed() || pathLost(now) || !more.contains(route.address()))
                || now - lastProbeRound < relayAfter) {
            return false;
        }
        // The address the conversation tries already (its direct route, or the one it left for the relay and still
        // pings) needs no probe, and must not use up the round that an introduction showing the peer's new mapping
        // needs a moment later.
        InetSocketAddress tried = route.relayed() ? lastDirect : route.address();
        List<InetSocketAddress> targets = more.stream().filter(candidate -> !candidate.equals(tried))
                .limit(MAX_CANDIDATES).toList();
        if (targets.isEmpty()) {
            return false;
        }
        // One round per relayAfter, whatever asks: a forged introduction buys a few PINGs, not a stream.
        lastProbeRound = now;
        for (InetSocketAddress candidate : targets) {
            session.probe(candidate);
        }
        return true;
    }

    /** Something that wants an answer went out at {@code now}. */
    public void answerDue(long now) {
        if (answerDueSince == 0) {
            answerDueSince = now;
        }
    }

    /** Whether the direct route has owed an answer for longer than {@code relayAfter}. */
    public boolean pathLost(long now) {
        return answerDueSince != 0 && now - answerDueSince >= relayAfter;
    }

    /**
     * The timers of a connected conversation: a direct path that stopped answering falls back to the relay (when
     * {@code relayable}) and asks for an introduction; a relayed one asks for one now and then, and pings the direct
     * address it left.
     */
    public void tick(long now, boolean relayable) {
        if (!route.relayed() && pathLost(now) && relayable) {
            // The retransmissions go through the relay from now on; the introduction may find a new direct path.
            moveTo(Route.RELAY, now);
            wantIntroduction(now);
        } else if (route.relayed() && now - lastIntroductionWanted >= upgradeInterval) {
            wantIntroduction(now);
        }
        if (route.relayed() && lastDirect != null && now - lastDirectPing >= directPingInterval) {
            // A blip, not a move: the old path may answer again, and then the conversation goes back to it.
            lastDirectPing = now;
            session.probe(lastDirect);
        }
    }

    /**
     * Something authenticated arrived over {@code from}. A direct arrival always wins: the peer's NAT mapping moved
     * (roaming), or a probe got through. A relayed one moves a direct conversation onto the relay only once the
     * direct path has been silent for a while. Returns whether the path had counted as lost, so that what it
     * swallowed goes out again now.
     */
    public boolean heard(Route from, long now) {
        boolean wasLost = pathLost(now);
        answerDueSince = 0;
        if (!from.relayed()) {
            lastHeardDirect = now;
            moveTo(from, now);
        } else if (!route.relayed() && now - lastHeardDirect >= relayAfter) {
            moveTo(Route.RELAY, now);
        }
        return wasLost;
    }

    /**
     * A probe of {@code from} was answered: a direct path to the peer there works. It becomes the route only when
     * the conversation has no working path of its own (it runs over the relay, or its direct route went silent): an
     * answer can come from whoever passes a probe on, so it must never take a working route away.
     */
    public void probeAnswered(Route from, long now) {
        if (!from.relayed() && (route.relayed() || pathLost(now))) {
            answerDueSince = 0;
            lastHeardDirect = now;
            moveTo(from, now);
        }
    }

    /** The route answered a PING sent over it; true if that proves a route that had moved. */
    public boolean answered() {
        boolean proved = unproven;
        unproven = false;
        return proved;
    }

    /**
     * Takes {@code next} as the route. Only its answer to a PING, which proves that the peer is there, counts: a
     * datagram that moves the route needs just the session id, and one from a forged address must buy a PING, not a
     * window of resends.
     */
    private void moveTo(Route next, long now) {
        if (!next.equals(route)) {
            Route previous = route;
            route = next;
            lastDirect = previous.relayed() ? lastDirect : previous.address();
            unproven = true;
            session.moved(previous, now);
        }
    }

    private void wantIntroduction(long now) {
        lastIntroductionWanted = now;
        session.wantIntroduction();
    }
}
