package dev.p2pchat.peer.session;

import dev.p2pchat.protocol.ContentKind;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Message;
import dev.p2pchat.protocol.Message.Ack;
import dev.p2pchat.protocol.Message.Data;
import dev.p2pchat.protocol.Message.Goodbye;
import dev.p2pchat.protocol.Message.Hello;
import dev.p2pchat.protocol.Message.HelloAck;
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
 * nonce. Connected: reliable messages both ways ({@link Outbox}, {@link Inbox}), a PING when the path has been
 * quiet for {@link #PING_IDLE_MILLIS}, and the conversation ends as unreachable when nothing has been heard for
 * {@link #DEAD_AFTER_MILLIS}. Every message a peer sends carries the session id this side chose, so only
 * someone who saw this side's HELLO or HELLO_ACK can speak in the conversation.
 */
public final class PeerSession {
    static final long HELLO_INTERVAL_MILLIS = 500;
    static final long CONNECT_TIMEOUT_MILLIS = 10_000;
    static final long PING_IDLE_MILLIS = 5_000;
    static final long DEAD_AFTER_MILLIS = 15_000;
    static final long GIVE_UP_MILLIS = 30_000;
    static final long REASSEMBLY_TIMEOUT_MILLIS = 60_000;
    /** Addresses HELLO is repeated to: a NAT mapping, a few LAN addresses, and where HELLOs came from. */
    static final int MAX_CANDIDATES = 8;
    /** Messages kept that arrive before this side's HELLO is answered (the peer's first burst). */
    static final int MAX_EARLY = 16;

    public enum State { CONNECTING, CONNECTED, CLOSED }

    /**
     * The conversation's clocks, in milliseconds: how often HELLO is repeated, how long connecting may take, how
     * long a quiet path waits before a PING, how long silence means the peer is gone, and how long a message may
     * stay unacknowledged before it fails.
     */
    public record Timers(long helloInterval, long connectTimeout, long pingIdle, long deadAfter, long giveUp) {
        public static final Timers DEFAULT = new Timers(HELLO_INTERVAL_MILLIS, CONNECT_TIMEOUT_MILLIS,
                PING_IDLE_MILLIS, DEAD_AFTER_MILLIS, GIVE_UP_MILLIS);

        public Timers {
            if (helloInterval < 1 || connectTimeout < helloInterval || pingIdle < 1 || deadAfter <= pingIdle
                    || giveUp < 1) {
                throw new IllegalArgumentException("timers out of order: " + this);
            }
        }
    }

    /** Where datagrams go. */
    @FunctionalInterface
    public interface Output {
        void send(InetSocketAddress to, Message message);
    }

    /** What the conversation tells its owner. */
    public interface Events {
        void connected(PeerSession session);

        void received(PeerSession session, long messageId, ContentKind kind, byte[] content);

        void delivered(PeerSession session, long messageId);

        void failed(PeerSession session, long messageId, String reason);

        void closed(PeerSession session, String reason);
    }

    private record Early(InetSocketAddress from, PeerMessage message) {}

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
    private InetSocketAddress address;
    private long lastHeard;
    private long lastHelloSent = Long.MIN_VALUE / 2;
    private long lastPingSent = Long.MIN_VALUE / 2;
    private int pingSequence;

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

    /** The address the conversation runs over, or null while connecting. */
    public InetSocketAddress address() {
        return address;
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
        return candidate.equals(address) || (state == State.CONNECTING && candidates.contains(candidate));
    }

    /** Adds addresses to try while connecting (a lookup found more); HELLO goes to the new ones at once. */
    public void addCandidates(List<InetSocketAddress> more) {
        if (state != State.CONNECTING) {
            return;
        }
        for (InetSocketAddress candidate : more) {
            if (!candidates.contains(candidate) && candidates.size() < MAX_CANDIDATES) {
                candidates.add(candidate);
                output.send(candidate, hello);
            }
        }
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
        if (now - lastHeard >= timers.pingIdle() && now - lastPingSent >= timers.pingIdle() / 2) {
            lastPingSent = now;
            output.send(address, new Ping(remoteSession, ++pingSequence));
        }
        inbox.expire(now);
        flush(now);
    }

    /**
     * A HELLO from {@code from}, its signature already verified by the caller (who needed the key to route it):
     * answers it, and if this side is still connecting, greets back from here (so that both NATs open).
     */
    public void onHello(InetSocketAddress from, Hello message, long now) {
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
        output.send(from, unsigned.withSignature(self.identity().signatureFor(unsigned)));
        if (state == State.CONNECTING) {
            // One greeting per HELLO, not a repeating one: the other side repeats its HELLO until answered, and a
            // HELLO from a forged address must not turn this peer into a source of repeated datagrams.
            output.send(from, hello);
        }
    }

    /**
     * A HELLO_ACK, its signature already verified by the caller: connected if it echoes this side's nonce and
     * comes from the key this side expects.
     */
    public void onHelloAck(InetSocketAddress from, HelloAck message, long now) {
        if (state != State.CONNECTING || message.nonce() != hello.nonce() || !accepts(message.identityKey())) {
            return;
        }
        remoteSession = message.session();
        remoteKey = message.identityKey();
        remoteName = message.name();
        becomeConnected(from, now);
    }

    /** A message routed here by its session id (this side's {@link #localSession()}). */
    public void onPeerMessage(InetSocketAddress from, PeerMessage message, long now) {
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
            output.send(from, hello);
            return;
        }
        lastHeard = now;
        if (!from.equals(address)) {
            address = from; // the peer's NAT mapping moved (roaming); the session id vouches for it
        }
        InetSocketAddress replyTo = address != null ? address : from;
        if (message instanceof Data data) {
            Inbox.Outcome outcome = inbox.receive(data, now);
            if (outcome.acknowledge()) {
                output.send(replyTo, new Ack(remoteSession, data.messageId(), data.fragment()));
            }
            for (Inbox.Received received : outcome.delivered()) {
                events.received(this, received.messageId(), received.kind(), received.content());
            }
        } else if (message instanceof Ack ack) {
            outbox.acknowledge(ack.messageId(), ack.fragment(), now);
            flush(now);
        } else if (message instanceof Ping ping) {
            output.send(replyTo, new Pong(remoteSession, ping.sequence()));
        } else if (message instanceof Goodbye) {
            close("said goodbye", false);
        }
    }

    private void becomeConnected(InetSocketAddress from, long now) {
        address = from;
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
            output.send(address, new Goodbye(remoteSession));
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
            output.send(address, data);
        }
    }
}
