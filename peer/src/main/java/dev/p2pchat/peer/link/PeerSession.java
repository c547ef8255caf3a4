package dev.p2pchat.peer.link;

import dev.p2pchat.peer.transport.PathSelector;
import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.peer.transport.Route;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.NoisePattern;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.HandshakePayload;
import dev.p2pchat.protocol.peer.LinkFrame.Ack;
import dev.p2pchat.protocol.peer.LinkFrame.AckBlock;
import dev.p2pchat.protocol.peer.LinkFrame.Data;
import dev.p2pchat.protocol.peer.LinkFrame.Goodbye;
import dev.p2pchat.protocol.peer.LinkFrame.Ping;
import dev.p2pchat.protocol.peer.LinkFrame.Pong;
import dev.p2pchat.protocol.peer.LinkFrame.Skip;
import dev.p2pchat.protocol.peer.LinkFrame.Skipped;
import dev.p2pchat.protocol.peer.LinkFrame;
import dev.p2pchat.protocol.peer.PeerWire;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One conversation with one remote peer, as pure logic: told the time and what arrived (already opened by its
 * keys), it says what to send, sealed.
 *
 * <p>Connecting: this side's Noise initiation (IK when the peer's X25519 key is known, XX otherwise) goes to every
 * candidate address at once and again every {@link Timers#initiationInterval} (so both NATs open when both sides do it),
 * a new one every {@link #HANDSHAKE_RENEW_MILLIS}, and through the relay too once {@link Timers#relayAfter} passed
 * without an answer. The conversation connects on the response (initiator), on message 3 (XX responder) or on the
 * first frame sealed with the keys its response made (IK responder: until then the initiator may never have seen
 * them). Connected: reliable messages both ways ({@link Outbox}, {@link Inbox}), a PING when the path has been quiet
 * for {@link Timers#pingIdle}, and the conversation ends as unreachable when nothing authenticated has been heard
 * for {@link Timers#deadAfter}.
 *
 * <p>Keys, as WireGuard keeps them: the current keys seal; the previous ones still open what was sealed before a
 * rekey; the next ones (made by a response this side sent) wait for the peer's first frame under them. The side that
 * initiated the current keys makes new ones after {@link Timers#rekeyAfter} (the other side too if it did not,
 * before they run out); keys older than {@link Timers#rejectAfter} are dropped and never used again.
 *
 * <p>Where datagrams go is the {@link PathSelector}'s choice. A route moves only on a frame that opened under this
 * conversation's keys and was fresh. Probes of other addresses are sealed PINGs: answered where they came from,
 * they move the route only of a conversation whose own path is gone (relayed, or silent).
 */
public final class PeerSession {
    static final long INITIATION_INTERVAL_MILLIS = 500;
    /** A handshake unanswered this long is replaced by a new one (a new ephemeral key and index). */
    static final long HANDSHAKE_RENEW_MILLIS = 5_000;
    /**
     * Refused responses a handshake reads before it is renewed (a new key and index): a forged response costs the
     * reader two or three X25519 operations, so whoever saw the index may make it do only this many.
     */
    static final int MAX_REFUSED_RESPONSES = 8;
    /** How often a rekey's initiation is repeated over the route until it is answered. */
    static final long REKEY_RETRY_MILLIS = 1_000;
    static final long CONNECT_TIMEOUT_MILLIS = 10_000;
    static final long PING_IDLE_MILLIS = 5_000;
    static final long DEAD_AFTER_MILLIS = 15_000;
    static final long RELAY_AFTER_MILLIS = 3_000;
    static final long UPGRADE_INTERVAL_MILLIS = 30_000;
    static final long REKEY_AFTER_MILLIS = 120_000;

    public enum State { CONNECTING, CONNECTED, CLOSED }

    /**
     * The conversation's clocks, in milliseconds: how often the initiation is repeated, how long connecting may
     * take, how long a quiet path waits before a PING, how long silence means the peer is gone, how long a direct
     * path may stay silent (while connecting, or while an answer is due) before the relay is used, how often a relayed
     * conversation tries for a direct path again (and a conversation cut to small pieces tries large ones), and after
     * how long keys are renewed; they are dropped at one and a half times that.
     */
    public record Timers(long initiationInterval, long connectTimeout, long pingIdle, long deadAfter, long relayAfter,
            long upgradeInterval, long rekeyAfter) {
        public static final Timers DEFAULT = new Timers(INITIATION_INTERVAL_MILLIS, CONNECT_TIMEOUT_MILLIS,
                PING_IDLE_MILLIS, DEAD_AFTER_MILLIS, RELAY_AFTER_MILLIS, UPGRADE_INTERVAL_MILLIS, REKEY_AFTER_MILLIS);

        public Timers {
            if (initiationInterval < 1 || connectTimeout < initiationInterval || pingIdle < 1 || deadAfter <= pingIdle
                    || relayAfter < 1 || relayAfter >= connectTimeout || upgradeInterval < 1
                    || rekeyAfter <= deadAfter) {
                throw new IllegalArgumentException("timers out of order: " + this);
            }
        }

        /** Keys this old are never used again: WireGuard's 180 s to its 120 s rekey. */
        public long rejectAfter() {
            return rekeyAfter + rekeyAfter / 2;
        }
    }

    /** What the conversation tells its owner, and asks of it. */
    interface Events {
        /** The share of the memory for partial messages that this conversation draws on. */
        Inbox.Budget receiveBudget();

        void connected(PeerSession session);

        void received(PeerSession session, long messageId, ContentKind kind, byte[] content);

        void delivered(PeerSession session, long messageId);

        void failed(PeerSession session, long messageId, String reason);

        void closed(PeerSession session, String reason);

        /**
         * The conversation wants a fresh introduction to the peer: its direct path was lost, or it runs over the
         * relay and tries for a direct one. The owner looks the peer up and hands the addresses found to
         * {@link #addCandidates}.
         */
        void wantsIntroduction(PeerSession session);

        /** A connected conversation now runs over {@link #route()}, no longer over {@code previous}. */
        void routeChanged(PeerSession session, Route previous);

        /** Starts a handshake under a fresh index of this session's (null when none can start: counted). */
        Handshaker.Initiating initiate(PeerSession session, NoisePattern pattern, Octets remoteStatic);

        /** {@code index} names nothing of this session's any more. */
        void retired(int index);

        /** The cookie a responder under load gave for {@code route}, or null. */
        byte[] cookie(Route route);
    }

    private final Timers timers;
    private final long localLinkId;
    private final PeerSocket socket;
    private final Events events;
    private final PathSelector path;
    private final RttEstimator rtt = new RttEstimator();
    private final Outbox outbox;
    private final Inbox inbox;
    /** Whether this side sets out to reach the peer (it has candidates), rather than waiting to be reached. */
    private boolean initiating;
    private long started;
    private State state = State.CONNECTING;
    private Octets expectedKey;
    private Octets remoteKey;
    private Octets remoteStatic;
    /** The X25519 key the peer's last completed handshake proved; never one only the tracker gave. */
    private Octets provenStatic;
    private String remoteName;
    private long remoteLinkId;
    private Handshaker.Initiating pending;
    /** XX message 3 this side sent, until the responder is heard under the keys it made: it may have been lost. */
    private byte[] unconfirmedFinish;
    private long lastInitiationSent = Long.MIN_VALUE / 2;
    private Keypair current;
    private Keypair previous;
    private Keypair next;
    private long lastHeard;
    private long lastPingSent = Long.MIN_VALUE / 2;
    private long lastProbeOfSmallPath = Long.MIN_VALUE / 2;
    private long lastLargeProbe = Long.MIN_VALUE / 2;
    private int pingSequence;
    /** The latest PING sent over the route, and when: its PONG is a round-trip sample (0: none outstanding). */
    private int routePing;
    private long routePingSentAt;
    private int largeProbe;

    /**
     * @param localLinkId this side's id of the conversation, in its handshake payloads
     * @param expectedKey the identity key the peer must prove, or null to accept whoever answers (a conversation
     *     opened to a bare address, until {@link #expect} names the key, or one the peer opened)
     * @param remoteStatic the peer's X25519 key when known (an IK handshake), else null (XX)
     * @param candidates where this side sets out to reach the peer; none for a conversation the peer opened
     */
    PeerSession(Timers timers, long localLinkId, Octets expectedKey, Octets remoteStatic,
            List<InetSocketAddress> candidates, PeerSocket socket, Events events, long now) {
        this.timers = timers;
        this.localLinkId = localLinkId;
        this.expectedKey = expectedKey;
        this.remoteStatic = remoteStatic;
        this.socket = socket;
        this.events = events;
        this.inbox = new Inbox(events.receiveBudget());
        this.initiating = !candidates.isEmpty();
        this.started = now;
        this.lastHeard = now;
        this.path = new PathSelector(timers.relayAfter(), timers.upgradeInterval(), timers.pingIdle() / 2, candidates,
                new Path(), now);
        this.outbox = new Outbox(rtt, new Outbox.Outcome() {
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

    public State state() {
        return state;
    }

    long localLinkId() {
        return localLinkId;
    }

    /** The peer's id of the conversation, 0 until a handshake said it. */
    long remoteLinkId() {
        return remoteLinkId;
    }

    /** The remote peer's identity key once it proved it, else the expected one (null when none is). */
    public Octets remoteKey() {
        return remoteKey != null ? remoteKey : expectedKey;
    }

    /** The key a handshake must prove, or null when anyone may answer. */
    Octets expectedKey() {
        return expectedKey;
    }

    public String remoteName() {
        return remoteName;
    }

    /**
     * The remote peer's X25519 static key as its handshake proved it (bound to its identity by the signature in the
     * handshake); null before one completed.
     */
    public Octets remoteAgreementKey() {
        return provenStatic;
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
     * Names the key a conversation opened to a bare address must prove, once it is known to be that peer's; false
     * (and nothing changes) when it already expects or heard from another key, or is no longer connecting.
     */
    boolean expect(Octets key, Octets agreementKey) {
        if (state != State.CONNECTING || (expectedKey != null && !expectedKey.equals(key))) {
            return false;
        }
        expectedKey = key;
        if (remoteStatic == null && agreementKey != null) {
            remoteStatic = agreementKey;
        }
        return true;
    }

    /** Whether this conversation runs over, or is trying, {@code candidate}. */
    boolean triesAddress(InetSocketAddress candidate) {
        return path.tries(candidate);
    }

    /**
     * Addresses where the peer may be reached, from a lookup or an introduction: while connecting the initiation goes
     * to the new ones at once; while connected they may be probed (see {@link PathSelector#probeTargets}). Returns
     * whether it probed. {@code agreementKey}, when given, is the peer's X25519 key as the caller learned it (a
     * fresh lookup): an initiation this side starts now goes to it.
     */
    boolean addCandidates(List<InetSocketAddress> more, Octets agreementKey, long now) {
        if (state == State.CONNECTING && !initiating && !more.isEmpty()) {
            if (agreementKey != null) {
                remoteStatic = agreementKey; // the key the initiation that opened this named may be an old one
            }
            // The peer's handshake opened this conversation and nothing confirmed it yet (the answer may be lost,
            // or the initiation a replay): this side sets out itself now, with a full connect timeout, rather
            // than leave the caller waiting for a confirmation that may never come.
            initiating = true;
            started = now;
            path.addCandidates(more);
            greet(now);
            return true;
        }
        if (state == State.CONNECTING && initiating) {
            if (pending != null) {
                for (InetSocketAddress candidate : path.addCandidates(more)) {
                    socket.send(candidate, pending.frame(events.cookie(Route.direct(candidate))));
                }
            }
        } else if (state == State.CONNECTED) {
            return path.probeTargets(more, now);
        }
        return false;
    }

    /** Queues a message; returns its id, or -1 when it was not taken (closed, queue full, too large). */
    long send(ContentKind kind, byte[] content, long now) {
        if (state == State.CLOSED) {
            return -1;
        }
        long id = outbox.enqueue(kind, content);
        if (id > 0 && state == State.CONNECTED) {
            flush(now);
        }
        return id;
    }

    void tick(long now) {
        if (state == State.CONNECTING) {
            if (now - started >= timers.connectTimeout()) {
                close(initiating ? "no answer to the handshake within " + seconds(timers.connectTimeout())
                        : "the handshake was never confirmed", false);
                return;
            }
            if (initiating) {
                greet(now);
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
        if (unconfirmedFinish != null && now - lastInitiationSent >= timers.initiationInterval()) {
            lastInitiationSent = now;
            sendRaw(path.route(), unconfirmedFinish);
        }
        expireKeys(now);
        rekey(now);
        path.tick(now, relayable());
        if (now - lastHeard >= timers.pingIdle() && now - lastPingSent >= timers.pingIdle() / 2) {
            pingRoute(now);
        } else if (path.pathLost(now) && now - lastProbeOfSmallPath >= timers.relayAfter() / 3) {
            // The path owes an answer: a small datagram tells a dead path from one that drops only large ones.
            lastProbeOfSmallPath = now;
            pingRoute(now);
        }
        if (outbox.smallPieces() && now - lastLargeProbe >= timers.upgradeInterval()) {
            lastLargeProbe = now;
            largeProbe = ++pingSequence;
            sendSealed(path.route(), new Ping(largeProbe, 0, PeerWire.MAX_LINK_FRAME_SIZE - 6));
        }
        flush(now);
        flushAcks();
    }

    // ---- handshakes ----

    /** Sends this side's initiation while connecting: to every candidate, through the relay once it is time. */
    private void greet(long now) {
        if (pending == null || now - pending.started >= HANDSHAKE_RENEW_MILLIS) {
            renewInitiation();
        }
        if (pending == null || now - lastInitiationSent < timers.initiationInterval()) {
            return;
        }
        lastInitiationSent = now;
        for (InetSocketAddress candidate : path.candidates()) {
            socket.send(candidate, pending.frame(events.cookie(Route.direct(candidate))));
        }
        if (relayable() && path.relayWhileConnecting(now)) {
            socket.relay(remoteKey(), pending.frame(events.cookie(Route.RELAY)));
        }
    }

    /** Renews the keys over the route when they are old, or sealed many messages; repeats until answered. */
    private void rekey(long now) {
        boolean due = current == null
                || (current.initiator && now - current.created >= timers.rekeyAfter())
                || now - current.created >= timers.rejectAfter() - timers.deadAfter()
                || current.manyMessages();
        if (!due) {
            return;
        }
        if (pending == null || now - pending.started >= HANDSHAKE_RENEW_MILLIS) {
            renewInitiation();
        }
        if (pending != null && now - lastInitiationSent >= REKEY_RETRY_MILLIS) {
            lastInitiationSent = now;
            sendRaw(path.route(), pending.frame(events.cookie(path.route())));
        }
    }

    private void renewInitiation() {
        if (pending != null) {
            events.retired(pending.localIndex);
            pending.noise.destroy();
        }
        pending = events.initiate(this, remoteStatic != null ? NoisePattern.IK : NoisePattern.XX, remoteStatic);
        lastInitiationSent = Long.MIN_VALUE / 2;
    }

    /**
     * A response to {@code refusedFor} was refused; it stays pending for the genuine one, unless it has read as many
     * refused ones as it may: then a new initiation replaces it (sent at the next tick).
     */
    void refused(Handshaker.Initiating refusedFor) {
        if (pending == refusedFor && ++pending.refusals >= MAX_REFUSED_RESPONSES) {
            renewInitiation();
        }
    }

    /** The handshake this side started, whose index {@code index} is; null when it is no longer waited for. */
    Handshaker.Initiating pending(int index) {
        return pending != null && pending.localIndex == index ? pending : null;
    }

    /**
     * A response to this side's initiation completed over {@code from}: its keys are current from now on (the
     * initiator may seal at once; its first frame confirms them to the responder). The caller checked who answered.
     */
    void completed(Route from, Handshaker.Completed completed, long now) {
        pending = null;
        learn(completed.peer(), completed.peerStatic());
        if (completed.finish() != null) {
            unconfirmedFinish = completed.finish();
            sendRaw(from, unconfirmedFinish);
        }
        promote(completed.keypair());
        if (state == State.CONNECTING) {
            becomeConnected(from, now);
        } else {
            pingRoute(now); // confirms the new keys to the responder at once
        }
    }

    /** This side answered an IK initiation: the keys wait for the peer's first frame under them. */
    void answered(Handshaker.Read read, Keypair keys) {
        learn(read.peer(), read.peerStatic());
        if (next != null) {
            events.retired(next.localIndex);
        }
        next = keys;
    }

    /** An XX initiator finished over {@code from}: message 3 proved it, so its keys are current at once. */
    void finished(Route from, Handshaker.Completed completed, long now) {
        learn(completed.peer(), completed.peerStatic());
        promote(completed.keypair());
        if (state == State.CONNECTING) {
            becomeConnected(from, now);
        }
    }

    private void learn(HandshakePayload peer, Octets peerStatic) {
        remoteKey = peer.identityKey();
        remoteName = peer.name();
        remoteLinkId = peer.linkId();
        remoteStatic = peerStatic;
        provenStatic = peerStatic;
    }

    /** Takes {@code keys} as the current ones: the current ones become the previous, the previous are dropped. */
    private void promote(Keypair keys) {
        if (previous != null) {
            events.retired(previous.localIndex);
        }
        previous = current;
        current = keys;
        if (next == keys) {
            next = null;
        }
    }

    /** Whether {@code keys} are among this session's. */
    boolean holds(Keypair keys) {
        return keys == current || keys == previous || keys == next;
    }

    private void expireKeys(long now) {
        long reject = timers.rejectAfter();
        if (previous != null && now - previous.created >= reject) {
            events.retired(previous.localIndex);
            previous = null;
        }
        if (next != null && now - next.created >= reject) {
            events.retired(next.localIndex);
            next = null;
        }
        if (current != null && !current.canSeal(now, reject)) {
            events.retired(current.localIndex);
            current = null;
        }
    }

    // ---- frames ----

    /** A link frame that opened under {@code keys}, fresh, from {@code from}. */
    void onFrame(Route from, Keypair keys, LinkFrame frame, long now) {
        if (state == State.CLOSED) {
            return;
        }
        if (keys == next) {
            promote(keys); // the peer has the keys this side's response made: they are confirmed
        }
        if (keys == current) {
            unconfirmedFinish = null; // the responder has the keys: it got message 3
        }
        if (state == State.CONNECTING) {
            becomeConnected(from, now);
        }
        lastHeard = now;
        outbox.heard(now);
        if (frame instanceof Ping ping && (ping.flags() & LinkFrame.PROBE) != 0) {
            // A probe: answered where it came from, and it moves nothing here (whoever sent it from there may just
            // be passing on what the peer sent to an address someone else named).
            sendSealed(from, new Pong(ping.sequence(), LinkFrame.PROBE));
            return;
        }
        if (frame instanceof Pong pong && (pong.flags() & LinkFrame.PROBE) != 0) {
            path.probeAnswered(from, now);
            flush(now);
            return;
        }
        heard(from, now);
        if (frame instanceof Data data) {
            outbox.acknowledge(data.ack(), now);
            deliver(inbox.receive(data));
        } else if (frame instanceof Ack ack) {
            outbox.acknowledge(ack.ack(), now);
        } else if (frame instanceof Ping ping) {
            sendSealed(path.route(), new Pong(ping.sequence(), 0));
        } else if (frame instanceof Pong pong) {
            onPong(pong, from, now);
        } else if (frame instanceof Skip skip) {
            Inbox.Skip outcome = inbox.skip(skip.messageId());
            if (outcome != null) {
                sendSealed(path.route(), new Skipped(skip.messageId(), outcome.delivered()));
                deliver(outcome.nowDeliverable());
            }
        } else if (frame instanceof Skipped skipped) {
            outbox.skipped(skipped.messageId(), skipped.delivered());
        } else if (frame instanceof Goodbye) {
            close("said goodbye", false);
        }
        if (state == State.CONNECTED) {
            flush(now);
        }
    }

    private void deliver(List<Inbox.Received> messages) {
        for (Inbox.Received received : messages) {
            events.received(this, received.messageId(), received.kind(), received.content());
        }
    }

    private void onPong(Pong pong, Route from, long now) {
        if (pong.sequence() == largeProbe && largeProbe != 0) {
            largeProbe = 0;
            outbox.largeDatagramsPass();
        }
        if (routePing != 0 && pong.sequence() == routePing && from.equals(path.route())) {
            routePing = 0;
            if (path.answered()) {
                // The new route answers: measure it afresh, and send what the old one swallowed.
                outbox.pathChanged();
            }
            rtt.sample(now - routePingSentAt);
        }
    }

    /** Something authenticated arrived over {@code from}: the path may move (see {@link PathSelector#heard}). */
    private void heard(Route from, long now) {
        if (path.heard(from, now)) {
            // A path that counted as lost answers again: what it swallowed goes out now, not at the next timeout.
            outbox.resendNow();
        }
    }

    private void becomeConnected(Route from, long now) {
        path.established(from, now);
        lastHeard = now;
        state = State.CONNECTED;
        events.connected(this);
        if (state == State.CONNECTED) {
            pingRoute(now);
            flush(now);
        }
    }

    /** Sends what the outbox has due, each piece with the acknowledgements that fit beside it. */
    private void flush(long now) {
        if (state != State.CONNECTED || current == null) {
            return;
        }
        List<Long> skips = new ArrayList<>();
        for (Outbox.Send piece : outbox.poll(now, skips)) {
            int room = PeerWire.MAX_LINK_FRAME_SIZE - PeerWire.DATA_FIXED_SIZE - PeerWire.ACK_BLOCK_FIXED_SIZE
                    - piece.length();
            AckBlock ack = inbox.ackBlock(Math.min(PeerWire.MAX_ACK_ENTRIES, room / PeerWire.ACK_ENTRY_SIZE));
            path.answerDue(now);
            sendSealed(path.route(), new Data(ack, piece.messageId(), piece.kind(), piece.total(), piece.offset(),
                    Octets.of(piece.content(), piece.offset(), piece.length())));
        }
        for (long id : skips) {
            path.answerDue(now);
            sendSealed(path.route(), new Skip(id));
        }
    }

    /** Sends the acknowledgements that did not ride on a message: at the end of a burst, or at the next tick. */
    void flushAcks() {
        while (state == State.CONNECTED && current != null && inbox.ackDue()) {
            sendSealed(path.route(), new Ack(inbox.ackBlock(PeerWire.MAX_ACK_ENTRIES)));
        }
    }

    /**
     * Ends the conversation: queued messages fail with {@code reason}; a GOODBYE tells the peer if asked, after the
     * acknowledgements still due (the peer fails what it has not seen acknowledged when the GOODBYE comes, so what
     * this side delivered must be acknowledged first).
     */
    void close(String reason, boolean sayGoodbye) {
        if (state == State.CLOSED) {
            return;
        }
        if (sayGoodbye && state == State.CONNECTED) {
            flushAcks();
            sendSealed(path.route(), new Goodbye());
        }
        state = State.CLOSED;
        for (Keypair keys : new Keypair[] {current, previous, next}) {
            if (keys != null) {
                events.retired(keys.localIndex);
            }
        }
        if (pending != null) {
            events.retired(pending.localIndex);
            pending.noise.destroy();
        }
        current = previous = next = null;
        pending = null;
        outbox.failAll(reason);
        inbox.releaseAll();
        events.closed(this, reason);
    }

    private boolean relayable() {
        return remoteKey() != null && socket.canRelay();
    }

    /** A PING over the route, whose PONG is a round-trip sample. */
    private void pingRoute(long now) {
        lastPingSent = now;
        routePing = ++pingSequence;
        routePingSentAt = now;
        path.answerDue(now);
        sendSealed(path.route(), new Ping(routePing, 0, 0));
    }

    private void sendSealed(Route over, LinkFrame frame) {
        if (current != null) {
            sendRaw(over, current.seal(frame));
        }
    }

    private void sendRaw(Route over, byte[] frame) {
        if (over.relayed()) {
            socket.relay(remoteKey(), frame);
        } else {
            socket.send(over.address(), frame);
        }
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** What the path selector asks of this conversation. */
    private final class Path implements PathSelector.Session {
        @Override
        public void probe(InetSocketAddress address) {
            sendSealed(Route.direct(address), new Ping(++pingSequence, LinkFrame.PROBE, 0));
        }

        @Override
        public void moved(Route previousRoute, long now) {
            events.routeChanged(PeerSession.this, previousRoute);
            pingRoute(now);
        }

        @Override
        public void wantIntroduction() {
            events.wantsIntroduction(PeerSession.this);
        }
    }
}
