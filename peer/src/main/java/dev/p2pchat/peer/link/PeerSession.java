package dev.p2pchat.peer.link;

import dev.p2pchat.peer.transport.PathSelector;
import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.peer.transport.Route;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.PeerFrame.Ack;
import dev.p2pchat.protocol.peer.PeerFrame.Data;
import dev.p2pchat.protocol.peer.PeerFrame.Goodbye;
import dev.p2pchat.protocol.peer.PeerFrame.Hello;
import dev.p2pchat.protocol.peer.PeerFrame.HelloAck;
import dev.p2pchat.protocol.peer.PeerFrame.PeerMessage;
import dev.p2pchat.protocol.peer.PeerFrame.Ping;
import dev.p2pchat.protocol.peer.PeerFrame.Pong;
import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
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
 * <p>Where datagrams go is the {@link PathSelector}'s choice: candidates, relay fallback, upgrade, roaming. What the
 * old route left unacknowledged is resent as soon as a new one answers a PING, and retransmissions carry on there,
 * so no message is lost or shown twice.
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
    private final PathSelector path;
    private final PeerSocket output;
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
    private long lastHeard;
    private long lastHelloSent = Long.MIN_VALUE / 2;
    private long lastPingSent = Long.MIN_VALUE / 2;
    private int pingSequence;
    /** The latest PING sent over the route, and when: its PONG is a round-trip sample (0: none outstanding). */
    private int routePing;
    private long routePingSentAt;

    /**
     * @param localSession the random id the remote peer must put in what it sends here
     * @param nonce the random challenge the remote peer's HELLO_ACK must sign
     * @param expectedKey the identity key the remote peer must prove, or null to accept whoever answers (a
     *     connection to a bare address, until {@link #expect} names the key)
     */
    public PeerSession(Self self, Timers timers, long localSession, long nonce, Octets expectedKey,
            List<InetSocketAddress> candidates, PeerSocket output, Events events, long now) {
        this.self = self;
        this.timers = timers;
        this.localSession = localSession;
        Hello unsigned = new Hello(localSession, nonce, self.name(), self.identity().publicKey(), self.agreementKey(),
                self.capabilities(), Octets.zeros(Wire.SIGNATURE_SIZE));
        this.hello = unsigned.withSignature(self.identity().signatureFor(unsigned));
        this.expectedKey = expectedKey;
        this.path = new PathSelector(timers.relayAfter(), timers.upgradeInterval(), timers.pingIdle() / 2, candidates,
                new Path(), now);
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
        return path.address();
    }

    /** How the conversation runs, or null while connecting. */
    public Route route() {
        return path.route();
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
        return path.tries(candidate);
    }

    /**
     * Addresses where the peer may be reached, from a lookup or an introduction. While connecting, HELLO goes to the
     * new ones at once. While connected over the relay, over a direct path that stopped answering, or over a direct
     * path to an address the peer is no longer found at (its mapping moved), a PING goes to each, so that both NATs
     * open towards each other again; whichever answers directly becomes the route. Returns whether it probed.
     */
    public boolean addCandidates(List<InetSocketAddress> more, long now) {
        if (state == State.CONNECTING) {
            path.addCandidates(more).forEach(candidate -> send(Route.direct(candidate), hello));
        } else if (state == State.CONNECTED) {
            return path.probeTargets(more, now);
        }
        return false;
    }

    /** PINGs sent to find a direct path while connected (see {@link #addCandidates}). */
    public long probes() {
        return path.probes();
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
                path.candidates().forEach(candidate -> send(Route.direct(candidate), hello));
                // Only towards a peer this side set out to reach: a session opened by someone else's HELLO (maybe
                // a replayed one) answers it once and must not turn into a stream of relayed datagrams.
                if (relayable() && path.relayWhileConnecting(now)) {
                    send(Route.RELAY, hello);
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
        path.tick(now, relayable());
        if (now - lastHeard >= timers.pingIdle() && now - lastPingSent >= timers.pingIdle() / 2) {
            pingRoute(now);
        }
        inbox.expire(now);
        flush(now);
    }

    private boolean relayable() {
        return remoteKey() != null && output.canRelay();
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
            send(path.route(), new Pong(remoteSession, ping.sequence()));
        } else if (message instanceof Pong pong && routePing != 0 && pong.sequence() == routePing
                && from.equals(path.route())) {
            routePing = 0;
            if (path.answered()) {
                // The new route answers: measure it afresh, and send what the old one swallowed.
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

    /** Something authenticated arrived over {@code from}: the peer is there, and the path may move (see {@link
     * PathSelector#heard}). */
    private void heard(Route from, long now) {
        lastHeard = now;
        if (path.heard(from, now)) {
            // A path that counted as lost answers again: what it swallowed goes out now, not at the next timeout.
            // (At most once per relayAfter of silence; and over the route, so towards whoever answered.)
            outbox.resendNow();
        }
    }

    /** A PING over the route, whose PONG is a round-trip sample (see {@link #send(PeerMessage, long)}). */
    private void pingRoute(long now) {
        lastPingSent = now;
        send(new Ping(remoteSession, ++pingSequence), now);
    }

    private void becomeConnected(Route from, long now) {
        path.established(from, now);
        lastHeard = now;
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
            send(path.route(), new Goodbye(remoteSession));
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
        if (message instanceof Data || message instanceof Ping) {
            path.answerDue(now);
        }
        if (message instanceof Ping ping) {
            routePing = ping.sequence();
            routePingSentAt = now;
        }
        send(path.route(), message);
    }

    private void send(Route over, PeerFrame frame) {
        byte[] bytes = PeerFrameCodec.encode(frame);
        if (over.relayed()) {
            output.relay(remoteKey(), bytes);
        } else {
            output.send(over.address(), bytes);
        }
    }

    /** What the path selector asks of this conversation. */
    private final class Path implements PathSelector.Session {
        @Override
        public void probe(InetSocketAddress address) {
            send(Route.direct(address), new Ping(remoteSession, ++pingSequence));
        }

        @Override
        public void moved(Route previous, long now) {
            events.routeChanged(PeerSession.this, previous);
            pingRoute(now);
        }

        @Override
        public void wantIntroduction() {
            events.wantsIntroduction(PeerSession.this);
        }
    }
}
