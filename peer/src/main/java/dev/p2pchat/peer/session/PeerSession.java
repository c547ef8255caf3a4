package dev.p2pchat.peer.session;

import dev.p2pchat.protocol.ContentKind;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Message.Ack;
import dev.p2pchat.protocol.Message.Data;
import dev.p2pchat.protocol.Message.Goodbye;
import dev.p2pchat.protocol.Message.Hello;
import dev.p2pchat.protocol.Message.HelloAck;
import dev.p2pchat.protocol.Message.PeerDatagram;
import dev.p2pchat.protocol.Message.PeerMessage;
import dev.p2pchat.protocol.Message.Ping;
import dev.p2pchat.protocol.Message.Pong;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One conversation with one remote peer, as pure logic: told the time and what arrived, it says what to send.
 *
 * <p>Connecting: HELLO goes to every candidate address at once and again every {@link #HELLO_INTERVAL_MILLIS}
 * (so both NATs open when both sides do it), until a HELLO_ACK signed by the expected key echoes this side's
 * nonce. When no direct path has formed after {@link #RELAY_AFTER_MILLIS} and a tracker can relay, HELLO also goes
 * through the relay, and the conversation runs over whichever route answers first. Connected: reliable messages
 * both ways ({@link Outbox}, {@link Inbox}), a PING when the path has been quiet for {@link #PING_IDLE_MILLIS}, and
 * the conversation ends as unreachable when nothing has been heard for {@link #DEAD_AFTER_MILLIS}. Every message a
 * peer sends carries the session id this side chose, so only someone who saw this side's HELLO or HELLO_ACK can
 * speak in the conversation.
 *
 * <p>Routes move. A direct route that stops answering for {@link #RELAY_AFTER_MILLIS} while this side waits for an
 * answer falls back to the relay, and the owner is asked for a fresh introduction; a relayed conversation asks for
 * one every {@link #UPGRADE_INTERVAL_MILLIS} and probes the addresses it gets with PINGs. Any authenticated datagram
 * that arrives directly moves the conversation onto that address (a NAT mapping that changed, or a punch that
 * worked). What the old route left unacknowledged is resent as soon as the new one answers a PING, and
 * retransmissions carry on there, so no message is lost or shown twice.
 */
public final class PeerSession {
    static final long HELLO_INTERVAL_MILLIS = 500;
    static final long CONNECT_TIMEOUT_MILLIS = 10_000;
    static final long PING_IDLE_MILLIS = 5_000;
    static final long DEAD_AFTER_MILLIS = 15_000;
    static final long GIVE_UP_MILLIS = 30_000;
    static final long REASSEMBLY_TIMEOUT_MILLIS = 60_000;
    static final long RELAY_AFTER_MILLIS = 3_000;
    static final long UPGRADE_INTERVAL_MILLIS = 30_000;
    /** Addresses HELLO is repeated to: a NAT mapping, a few LAN addresses, and where HELLOs came from. */
    static final int MAX_CANDIDATES = 8;
    /** Messages kept that arrive before this side's HELLO is answered (the peer's first burst). */
    static final int MAX_EARLY = 16;

    public enum State { CONNECTING, CONNECTED, CLOSED }

    /**
     * The conversation's clocks, in milliseconds: how often HELLO is repeated, how long connecting may take, how
     * long a quiet path waits before a PING, how long silence means the peer is gone, how long a message may stay
     * unacknowledged before it fails, how long a direct path may stay silent (while connecting, or while an answer
     * is due) before the relay is used, and how often a relayed conversation tries for a direct path again.
     */
    public record Timers(long helloInterval, long connectTimeout, long pingIdle, long deadAfter, long giveUp,
            long relayAfter, long upgradeInterval) {
        public static final Timers DEFAULT = new Timers(HELLO_INTERVAL_MILLIS, CONNECT_TIMEOUT_MILLIS,
                PING_IDLE_MILLIS, DEAD_AFTER_MILLIS, GIVE_UP_MILLIS, RELAY_AFTER_MILLIS, UPGRADE_INTERVAL_MILLIS);

        public Timers {
            if (helloInterval < 1 || connectTimeout < helloInterval || pingIdle < 1 || deadAfter <= pingIdle
                    || giveUp < 1 || relayAfter < 1 || relayAfter >= connectTimeout || upgradeInterval < 1) {
                throw new IllegalArgumentException("timers out of order: " + this);
            }
        }
    }

    /** Where datagrams go. */
    public interface Output {
        /** Straight to {@code to}. */
        void send(InetSocketAddress to, PeerDatagram message);

        /** Through the tracker's relay to the peer holding {@code to}. */
        void relay(Octets to, PeerDatagram message);

        /** Whether a tracker is there to relay at all. */
        boolean canRelay();
    }

    /** What the conversation tells its owner. */
    public interface Events {
        void connected(PeerSession session);

        void received(PeerSession session, long messageId, ContentKind kind, byte[] content);

        void delivered(PeerSession session, long messageId);

        void failed(PeerSession session, long messageId, String reason);

        void closed(PeerSession session, String reason);

        /**
         * The conversation wants a fresh introduction to the peer: its direct path was lost, or it runs over the
         * relay and tries for a direct one. The owner looks the peer up (which also makes the tracker introduce this
         * side to it) and hands the addresses found to {@link #addCandidates}.
         */
        void wantsIntroduction(PeerSession session);

        /** A connected conversation now runs over {@link #route()}, no longer over {@code previous}. */
        void routeChanged(PeerSession session, Route previous);
    }

    private record Early(Route from, PeerMessage message) {}

    /** Who this side is, as it introduces itself in HELLO and HELLO_ACK. */
    public record Self(Identity identity, String name, Octets agreementKey, int capabilities) {}

    private final Self self;
    private final Timers timers;
    private final long localSession;
    private final Hello hello;
    private Octets expectedKey;
    private final List<InetSocketAddress> candidates;
    private final Output output;
    private final Events events;
    private final RttEstimator rtt = new RttEstimator();
    private final List<Early> early = new ArrayList<>();
    private final Outbox outbox;
    private Inbox inbox = new Inbox(REASSEMBLY_TIMEOUT_MILLIS);
    private final long connectStarted;
    private State state = State.CONNECTING;
    private long remoteSession;
    private Octets remoteKey;
    private String remoteName;
    private Route route;
    private long lastHeard;
    private long lastHeardDirect;
    /** When this side first sent something that wants an answer since it last heard from the peer; 0: none due. */
    private long answerDueSince;
    private long lastIntroductionWanted = Long.MIN_VALUE / 2;
    private long lastHelloSent = Long.MIN_VALUE / 2;
    private long lastPingSent = Long.MIN_VALUE / 2;
    private int pingSequence;
    /** The latest PING sent over the route, and when: its PONG is a round-trip sample (0: none outstanding). */
    private int routePing;
    private long routePingSentAt;
    /** Whether the route moved and no PONG has come back over it yet (see {@link #moveTo}). */
    private boolean unproven;
    private long probes;
    private long lastProbeRound = Long.MIN_VALUE / 2;
    private long lastDirectPing = Long.MIN_VALUE / 2;
    /** The direct address a conversation left for the relay: still pinged, so a path that comes back is taken. */
    private InetSocketAddress lastDirect;

    /**
     * @param localSession the random id the remote peer must put in what it sends here
     * @param nonce the random challenge the remote peer's HELLO_ACK must sign
     * @param expectedKey the identity key the remote peer must prove, or null to accept whoever answers (a
     *     connection to a bare address, until {@link #expect} names the key)
     */
    public PeerSession(Self self, Timers timers, long localSession, long nonce, Octets expectedKey,
            List<InetSocketAddress> candidates, Output output, Events events, long now) {
        this.self = self;
        this.timers = timers;
        this.localSession = localSession;
        Hello unsigned = new Hello(localSession, nonce, self.name(), self.identity().publicKey(), self.agreementKey(),
                self.capabilities(), Octets.zeros(Wire.SIGNATURE_SIZE));
        this.hello = unsigned.withSignature(self.identity().signatureFor(unsigned));
        this.expectedKey = expectedKey;
        this.candidates = new ArrayList<>(candidates);
        this.output = output;
        this.events = events;
        this.connectStarted = now;
        this.lastHeard = now;
        this.outbox = new Outbox(rtt, timers.giveUp(), new Outbox.Outcome() {
            @Override
            public void delivered(long messageId) {
                events.delivered(PeerSession.this, messageId);
            }

            @Override
            public void failed(long messageId, String reason) {
                events.failed(PeerSession.this, messageId, reason);
            }
        });
    }

    public long localSession() {
        return localSession;
    }

    /** The id the remote peer chose for its side of the conversation, 0 until it said. */
    public long remoteSession() {
        return remoteSession;
    }

    /** The challenge in this side's HELLO, which the remote peer's HELLO_ACK echoes. */
    public long nonce() {
        return hello.nonce();
    }

    public State state() {
        return state;
    }

    /** The remote peer's identity key once it proved it (or announced it in a HELLO), else the expected one. */
    public Octets remoteKey() {
        return remoteKey != null ? remoteKey : expectedKey;
    }

    public String remoteName() {
        return remoteName;
    }

    /** The peer's address on a direct route; null while connecting and on the relay. */
    public InetSocketAddress address() {
        return route == null ? null : route.address();
    }

    /** How the conversation runs, or null while connecting. */
    public Route route() {
        return route;
    }

    /** The smoothed round trip in milliseconds, or -1 before the first sample. */
    public long rttMillis() {
        return rtt.smoothedMillis();
    }

    /**
     * Names the key a conversation opened to a bare address must prove, once it is known to be that peer's;
     * false (and nothing changes) when it already expects or heard from another key, or is no longer connecting.
     */
    public boolean expect(Octets key) {
        if (state != State.CONNECTING || !accepts(key) || (remoteKey != null && !remoteKey.equals(key))) {
            return false;
        }
        expectedKey = key;
        return true;
    }

    /** Whether this conversation runs over, or is trying, {@code candidate}. */
    public boolean triesAddress(InetSocketAddress candidate) {
        return candidate.equals(address()) || (state == State.CONNECTING && candidates.contains(candidate));
    }

    /**
     * Addresses where the peer may be reached, from a lookup or an introduction. While connecting, HELLO goes to the
     * new ones at once. While connected over the relay, over a direct path that stopped answering, or over a direct
     * path to an address the peer is no longer found at (its mapping moved), a PING goes to each, so that both NATs
     * open towards each other again; whichever answers directly becomes the route. Returns whether it probed.
     */
    public boolean addCandidates(List<InetSocketAddress> more, long now) {
        if (state == State.CONNECTING) {
            for (InetSocketAddress candidate : more) {
                if (!candidates.contains(candidate) && candidates.size() < MAX_CANDIDATES) {
                    candidates.add(candidate);
                    output.send(candidate, hello);
                }
            }
        } else if (state == State.CONNECTED && (route.relayed() || pathLost(now) || !more.contains(route.address()))
                && now - lastProbeRound >= timers.relayAfter()) {
            // The address the conversation tries already (its direct route, or the one it left for the relay and
            // still pings) needs no probe, and must not use up the round that an introduction showing the peer's
            // new mapping needs a moment later.
            InetSocketAddress tried = route.relayed() ? lastDirect : route.address();
            List<InetSocketAddress> targets = more.stream().filter(candidate -> !candidate.equals(tried))
                    .limit(MAX_CANDIDATES).toList();
            if (targets.isEmpty()) {
                return false;
            }
            // One round per relayAfter, whatever asks: a forged introduction buys a few PINGs, not a stream.
            lastProbeRound = now;
            for (InetSocketAddress candidate : targets) {
                probes++;
                output.send(candidate, new Ping(remoteSession, ++pingSequence));
            }
            return true;
        }
        return false;
    }

    /** PINGs sent to find a direct path while connected (see {@link #addCandidates}). */
    public long probes() {
        return probes;
    }

    /** Queues a message; returns its id, or -1 when it was not taken (closed, queue full, too large). */
    public long send(ContentKind kind, byte[] content, long now) {
        if (state == State.CLOSED) {
            return -1;
        }
        long id = outbox.enqueue(kind, content);
        if (id > 0 && state == State.CONNECTED) {
            flush(now);
        }
        return id;
    }

    public void tick(long now) {
        if (state == State.CONNECTING) {
            if (now - connectStarted >= timers.connectTimeout()) {
                close("no answer to HELLO within " + seconds(timers.connectTimeout()), false);
                return;
            }
            if (now - lastHelloSent >= timers.helloInterval()) {
                lastHelloSent = now;
                candidates.forEach(candidate -> output.send(candidate, hello));
                // Only towards a peer this side set out to reach: a session opened by someone else's HELLO (maybe
                // a replayed one) answers it once and must not turn into a stream of relayed datagrams.
                if (!candidates.isEmpty() && relayable() && now - connectStarted >= timers.relayAfter()) {
                    output.relay(remoteKey(), hello);
                }
            }
            return;
        }
        if (state != State.CONNECTED) {
            return;
        }
        if (now - lastHeard >= timers.deadAfter()) {
            close("unreachable: nothing heard for " + seconds(timers.deadAfter()), false);
            return;
        }
        if (!route.relayed() && pathLost(now) && relayable()) {
            // The retransmissions go through the relay from now on; the introduction may find a new direct path.
            moveTo(Route.RELAY, now);
            wantIntroduction(now);
        } else if (route.relayed() && now - lastIntroductionWanted >= timers.upgradeInterval()) {
            wantIntroduction(now);
        }
        if (now - lastHeard >= timers.pingIdle() && now - lastPingSent >= timers.pingIdle() / 2) {
            pingRoute(now);
        }
        if (route.relayed() && lastDirect != null && now - lastDirectPing >= timers.pingIdle() / 2) {
            // A blip, not a move: the old path may answer again, and then the conversation goes back to it.
            lastDirectPing = now;
            probes++;
            output.send(lastDirect, new Ping(remoteSession, ++pingSequence));
        }
        inbox.expire(now);
        flush(now);
    }

    /** Whether the direct route has owed an answer for longer than {@link Timers#relayAfter}. */
    private boolean pathLost(long now) {
        return answerDueSince != 0 && now - answerDueSince >= timers.relayAfter();
    }

    private boolean relayable() {
        return remoteKey() != null && output.canRelay();
    }

    private void wantIntroduction(long now) {
        lastIntroductionWanted = now;
        events.wantsIntroduction(this);
    }

    /**
     * A HELLO from {@code from}, its signature already verified by the caller (who needed the key to route it):
     * answers it, and if this side is still connecting, greets back from here (so that both NATs open).
     */
    public void onHello(Route from, Hello message, long now) {
        if (state == State.CLOSED || !accepts(message.identityKey())) {
            return;
        }
        if (remoteSession != 0 && remoteSession != message.session()) {
            inbox = new Inbox(REASSEMBLY_TIMEOUT_MILLIS); // the peer restarted: a new conversation from its side
            early.clear();
        }
        remoteSession = message.session();
        remoteKey = message.identityKey();
        remoteName = message.name();
        HelloAck unsigned = new HelloAck(localSession, message.nonce(), self.name(), self.identity().publicKey(),
                self.agreementKey(), self.capabilities(), Octets.zeros(Wire.SIGNATURE_SIZE));
        send(from, unsigned.withSignature(self.identity().signatureFor(unsigned)));
        if (state == State.CONNECTING) {
            // One greeting per HELLO, not a repeating one: the other side repeats its HELLO until answered, and a
            // HELLO from a forged address must not turn this peer into a source of repeated datagrams.
            send(from, hello);
        }
    }

    /**
     * A HELLO_ACK, its signature already verified by the caller: connected if it echoes this side's nonce and
     * comes from the key this side expects.
     */
    public void onHelloAck(Route from, HelloAck message, long now) {
        if (state != State.CONNECTING || message.nonce() != hello.nonce() || !accepts(message.identityKey())) {
            return;
        }
        remoteSession = message.session();
        remoteKey = message.identityKey();
        remoteName = message.name();
        becomeConnected(from, now);
    }

    /** A message routed here by its session id (this side's {@link #localSession()}). */
    public void onPeerMessage(Route from, PeerMessage message, long now) {
        if (state == State.CLOSED) {
            return;
        }
        if (state != State.CONNECTED) {
            // Until the peer signed this side's fresh nonce, the HELLO it answered may have been a replay: the
            // session id that answer gave away proves nothing. So what comes early waits (a few datagrams, then
            // the peer's retransmissions), and is read only once the peer proves itself. The peer counts as
            // connected already and has stopped sending HELLOs: greet it again (one HELLO per datagram received,
            // never more) so that its HELLO_ACK completes this side.
            if (remoteSession != 0 && early.size() < MAX_EARLY) {
                early.add(new Early(from, message));
            }
            send(from, hello);
            return;
        }
        heard(from, now);
        if (message instanceof Data data) {
            Inbox.Outcome outcome = inbox.receive(data, now);
            if (outcome.acknowledge()) {
                send(new Ack(remoteSession, data.messageId(), data.fragment()), now);
            }
            for (Inbox.Received received : outcome.delivered()) {
                events.received(this, received.messageId(), received.kind(), received.content());
            }
        } else if (message instanceof Ack ack) {
            outbox.acknowledge(ack.messageId(), ack.fragment(), now);
        } else if (message instanceof Ping ping) {
            send(route, new Pong(remoteSession, ping.sequence()));
        } else if (message instanceof Pong pong && routePing != 0 && pong.sequence() == routePing
                && from.equals(route)) {
            routePing = 0;
            if (unproven) {
                // The new route answers: measure it afresh, and send what the old one swallowed.
                unproven = false;
                outbox.pathChanged();
            }
            rtt.sample(now - routePingSentAt);
        } else if (message instanceof Goodbye) {
            close("said goodbye", false);
        }
        if (state == State.CONNECTED) {
            flush(now);
        }
    }

    /**
     * Something authenticated arrived over {@code from}. A direct arrival always wins: the peer's NAT mapping moved
     * (roaming), or a probe got through, and the session id vouches for it. A relayed one moves a direct
     * conversation onto the relay only once the direct path has been silent for a while, so the datagrams still on
     * their way through the relay after an upgrade do not undo it.
     */
    private void heard(Route from, long now) {
        if (pathLost(now)) {
            // A path that counted as lost answers again: what it swallowed goes out now, not at the next timeout.
            // (At most once per relayAfter of silence; and over the route, so towards whoever answered.)
            outbox.resendNow();
        }
        lastHeard = now;
        answerDueSince = 0;
        if (!from.relayed()) {
            lastHeardDirect = now;
            moveTo(from, now);
        } else if (!route.relayed() && now - lastHeardDirect >= timers.relayAfter()) {
            moveTo(Route.RELAY, now);
        }
    }

    /**
     * Takes {@code next} as the route, and sends a PING over it. Only its PONG, which proves that the peer is there,
     * resets the timeout and has what the old route left unacknowledged resent at once: a datagram that moves the
     * route needs just the session id, and one from a forged address must buy a PING, not a window of resends.
     */
    private void moveTo(Route next, long now) {
        if (!next.equals(route)) {
            Route previous = route;
            route = next;
            lastDirect = previous.relayed() ? lastDirect : previous.address();
            events.routeChanged(this, previous);
            unproven = true;
            pingRoute(now);
        }
    }

    /** A PING over the route, whose PONG is a round-trip sample (see {@link #send(PeerMessage, long)}). */
    private void pingRoute(long now) {
        lastPingSent = now;
        send(new Ping(remoteSession, ++pingSequence), now);
    }

    private void becomeConnected(Route from, long now) {
        route = from;
        lastHeard = now;
        lastHeardDirect = from.relayed() ? Long.MIN_VALUE / 2 : now;
        lastIntroductionWanted = now;
        state = State.CONNECTED;
        events.connected(this);
        for (Early waiting : early) {
            onPeerMessage(waiting.from(), waiting.message(), now);
        }
        early.clear();
        flush(now);
    }

    /** Ends the conversation: queued messages fail with {@code reason}; a GOODBYE tells the peer if asked. */
    public void close(String reason, boolean sayGoodbye) {
        if (state == State.CLOSED) {
            return;
        }
        if (sayGoodbye && state == State.CONNECTED) {
            send(route, new Goodbye(remoteSession));
        }
        state = State.CLOSED;
        early.clear();
        outbox.failAll(reason);
        events.closed(this, reason);
    }

    long retransmissions() {
        return outbox.retransmissions();
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private boolean accepts(Octets key) {
        return expectedKey == null || expectedKey.equals(key);
    }

    private void flush(long now) {
        for (Data data : outbox.poll(remoteSession, now)) {
            send(data, now);
        }
    }

    /** Sends over the conversation's route something the peer answers (DATA, PING) or that answers it. */
    private void send(PeerMessage message, long now) {
        if ((message instanceof Data || message instanceof Ping) && answerDueSince == 0) {
            answerDueSince = now;
        }
        if (message instanceof Ping ping) {
            routePing = ping.sequence();
            routePingSentAt = now;
        }
        send(route, message);
    }

    private void send(Route over, PeerDatagram message) {
        if (over.relayed()) {
            output.relay(remoteKey(), message);
        } else {
            output.send(over.address(), message);
        }
    }
}
