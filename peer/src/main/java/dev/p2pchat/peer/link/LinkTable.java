package dev.p2pchat.peer.link;

import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.PathStats;
import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.peer.transport.Route;
import dev.p2pchat.protocol.Header;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.peer.PeerFrame.Hello;
import dev.p2pchat.protocol.peer.PeerFrame.HelloAck;
import dev.p2pchat.protocol.peer.PeerFrame.PeerMessage;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The table of conversations, one {@link PeerSession} per remote peer, as pure logic on one thread: it takes the
 * peer frames that arrive (as bytes, from the socket or the tracker's relay), finds the conversation each belongs
 * to (by the session id it carries, by the key in a HELLO, or by the nonce a HELLO_ACK echoes), and reports what the
 * conversations say to a {@link Listener}, the chat on top. Told the time and what arrived, it says what to send.
 *
 * <p>Signatures of HELLO and HELLO_ACK are checked here, once, before anything is created for them; the table holds
 * at most {@link #MAX_SESSIONS} conversations, so a flood of HELLOs costs a bounded amount of memory. Everything it
 * drops is counted by {@link Drop}.
 */
public final class LinkTable {
    public static final int MAX_SESSIONS = 1024;
    /** The receipt of a message the user did not write (a rename notice, an automatic answer): none is reported. */
    public static final long NO_RECEIPT = 0;

    /** Peer frames the table dropped, by why. */
    public enum Drop {
        /** Not a peer frame at all: it did not decode. */
        MALFORMED,
        UNKNOWN_SESSION, BAD_SIGNATURE, BLOCKED, TOO_MANY_SESSIONS,
        /** A tracker message from an address that is not the tracker's. */
        NOT_FOR_PEERS,
        /** A relayed HELLO or HELLO_ACK whose key is not the one the tracker says relayed it. */
        RELAY_MISMATCH
    }

    /** What the conversations tell the chat on top. Every method runs on the table's thread. */
    public interface Listener {
        /** Whether anything from {@code key} may be accepted at all (it is not blocked). */
        boolean admits(Octets key);

        /** An authenticated datagram from {@code key} arrived at {@code now}. */
        void seen(Octets key, long now);

        /** The conversation opened: the peer proved its key. */
        void connected(PeerSession session);

        /** A complete message arrived, in the sender's order, once. */
        void received(PeerSession session, ContentKind kind, byte[] content);

        /** The peer acknowledged every fragment of the message sent with {@code receipt}. */
        void delivered(PeerSession session, long receipt);

        /**
         * The message sent with {@code receipt} will not be delivered.
         *
         * @param target what the user asked to connect to, for a conversation whose peer never proved its key
         */
        void failed(PeerSession session, String target, long receipt, String reason);

        /** A connected conversation now runs over another route. */
        void routeChanged(PeerSession session);

        /** A connected conversation ended. */
        void disconnected(PeerSession session, String reason);

        /** A conversation this side opened to {@code target} ended before the peer proved its key. */
        void connectFailed(String target, String reason);

        /** The conversation with {@code key} wants a fresh introduction: look the peer up, and call connect. */
        void wantsIntroduction(Octets key);
    }

    private final Clock clock;
    private final RandomGenerator random;
    private final PeerSession.Timers timers;
    private final PeerSocket socket;
    private final Listener listener;
    private final PathCounters paths = new PathCounters();
    private final Map<Long, Entry> byLocalSession = new HashMap<>();
    /** Conversations still connecting, by the nonce their HELLO carries. */
    private final Map<Long, Entry> byNonce = new HashMap<>();
    private final Map<Octets, Entry> byKey = new HashMap<>();
    /** Conversations opened to a bare address, until the peer there proves who it is. */
    private final Map<InetSocketAddress, Entry> byPendingAddress = new HashMap<>();
    /**
     * New conversations offered by connected peers under a new session id (a restart, or a replayed old HELLO): at
     * most one per key, and it replaces the open one only once the peer signs this side's fresh nonce.
     */
    private final Map<Octets, Entry> replacing = new HashMap<>();
    private final long[] drops = new long[Drop.values().length];
    private PeerSession.Self self;

    public LinkTable(Clock clock, RandomGenerator random, PeerSession.Timers timers, PeerSession.Self self,
            PeerSocket socket, Listener listener) {
        this.clock = clock;
        this.random = random;
        this.timers = timers;
        this.self = self;
        this.socket = socket;
        this.listener = listener;
    }

    /** How many frames were dropped for {@code reason}. */
    public long dropped(Drop reason) {
        return drops[reason.ordinal()];
    }

    /** Punch attempts and how they ended, so far. */
    public PathStats paths() {
        return paths.snapshot();
    }

    /** Who this side says it is in the HELLOs of conversations opened from now on. */
    public void introduceAs(PeerSession.Self self) {
        this.self = self;
    }

    // ---- frames and time ----

    /** A datagram from {@code from} that is not the tracker's. */
    public void onDatagram(InetSocketAddress from, ByteBuffer datagram) {
        PeerFrame frame = decode(datagram);
        if (frame != null) {
            onFrame(Route.direct(from), frame);
        }
    }

    /**
     * A frame the tracker relayed from the peer holding {@code sender}. The tracker vouches for who sent it, so a
     * greeting must carry that peer's own key, and any other frame must belong to a conversation with it: a session
     * id seen by someone else never lets them speak in it through the relay.
     */
    public void onRelayed(Octets sender, ByteBuffer datagram) {
        PeerFrame frame = decode(datagram);
        if (frame == null) {
            return;
        }
        Octets claimed;
        if (frame instanceof Hello hello) {
            claimed = hello.identityKey();
        } else if (frame instanceof HelloAck ack) {
            claimed = ack.identityKey();
        } else {
            Entry entry = byLocalSession.get(((PeerMessage) frame).session());
            claimed = entry == null ? sender : entry.key();
        }
        if (!sender.equals(claimed)) {
            drop(Drop.RELAY_MISMATCH);
            return;
        }
        onFrame(Route.RELAY, frame);
    }

    /** The frame in {@code datagram}, or null (counted) when it is none. */
    private PeerFrame decode(ByteBuffer datagram) {
        try {
            if (!Wire.isPeerFrame(Header.type(datagram))) {
                drop(Drop.NOT_FOR_PEERS);
                return null;
            }
            return PeerFrameCodec.decode(datagram);
        } catch (ProtocolException e) {
            drop(Drop.MALFORMED);
            return null;
        }
    }

    private void onFrame(Route from, PeerFrame frame) {
        long now = clock.millis();
        if (frame instanceof Hello hello) {
            onHello(from, hello, now);
        } else if (frame instanceof HelloAck ack) {
            onHelloAck(from, ack, now);
        } else {
            PeerMessage message = (PeerMessage) frame;
            Entry entry = byLocalSession.get(message.session());
            if (entry == null) {
                drop(Drop.UNKNOWN_SESSION);
                return;
            }
            entry.seen(now);
            entry.session.onPeerMessage(from, message, now);
        }
    }

    public void tick() {
        long now = clock.millis();
        for (Entry entry : List.copyOf(byLocalSession.values())) {
            entry.session.tick(now);
        }
    }

    // ---- connecting ----

    /**
     * Opens a conversation with the peer holding {@code key}, trying every candidate address at once (an existing
     * conversation is kept, and tries the new candidates too while it is still connecting). Messages may be sent at
     * once; they wait until it connects.
     *
     * @param target what the user asked to connect to, told back if the conversation fails
     */
    public void connect(Octets key, String target, List<InetSocketAddress> candidates) {
        Entry existing = byKey.get(key);
        if (existing == null) {
            existing = adoptPending(key, candidates);
        }
        if (existing != null) {
            // A conversation the peer's HELLO opened becomes this side's attempt once it has addresses to punch.
            boolean firstPunch = !existing.attempted && !candidates.isEmpty()
                    && existing.session.state() == PeerSession.State.CONNECTING;
            if (existing.session.addCandidates(candidates, clock.millis()) || firstPunch) {
                existing.attempted = true;
                paths.attempted();
            }
            return;
        }
        open(key, target, candidates, true);
    }

    /** Opens a conversation with whoever answers at {@code address}. */
    public void connect(InetSocketAddress address, String target) {
        if (byPendingAddress.containsKey(address)) {
            return;
        }
        for (Entry entry : byKey.values()) {
            if (entry.session.triesAddress(address)) {
                return; // already talking to, or trying, whoever is there
            }
        }
        Entry entry = open(null, target, List.of(address), false);
        byPendingAddress.put(address, entry);
    }

    /**
     * A conversation opened to one of {@code candidates} by address, now known to be meant for {@code key}: it
     * becomes that key's, so that one peer never gets two conversations from here.
     */
    private Entry adoptPending(Octets key, List<InetSocketAddress> candidates) {
        for (InetSocketAddress candidate : candidates) {
            Entry pending = byPendingAddress.get(candidate);
            if (pending != null && pending.session.expect(key)) {
                byKey.put(key, pending);
                return pending;
            }
        }
        return null;
    }

    /** Whether a conversation with {@code key} is open or opening. */
    public boolean hasConversation(Octets key) {
        return byKey.containsKey(key);
    }

    /** The conversation with {@code key} once the peer proved its key, else null. */
    public PeerSession connected(Octets key) {
        Entry entry = byKey.get(key);
        return entry != null && entry.session.state() == PeerSession.State.CONNECTED ? entry.session : null;
    }

    /** The keys of every conversation open or opening. */
    public List<Octets> keys() {
        return new ArrayList<>(byKey.keySet());
    }

    /** Asks for a fresh introduction to every connected peer (this side's NAT mapping moved). */
    public void reintroduceAll() {
        for (Entry entry : List.copyOf(byKey.values())) {
            if (entry.connected) {
                entry.wantsIntroduction(entry.session);
            }
        }
    }

    /** Ends the conversation with {@code key}, if any; {@code sayGoodbye} tells the peer. */
    public boolean close(Octets key, String reason, boolean sayGoodbye) {
        Entry entry = byKey.get(key);
        if (entry == null) {
            return false;
        }
        entry.session.close(reason, sayGoodbye);
        return true;
    }

    /** Says goodbye to every peer; queued messages fail. */
    public void closeAll(String reason) {
        for (Entry entry : List.copyOf(byLocalSession.values())) {
            entry.session.close(reason, true);
        }
    }

    // ---- messages ----

    /**
     * Queues a message to the peer holding {@code key}, whose fate is reported under {@code receipt} (unless it is
     * {@link #NO_RECEIPT}); false, with nothing changed, when no conversation is open or opening, or its queue is
     * full.
     */
    public boolean offer(Octets key, ContentKind kind, byte[] content, long receipt) {
        Entry entry = byKey.get(key);
        return entry != null && entry.offer(kind, content, receipt);
    }

    // ---- internals ----

    private void onHello(Route from, Hello hello, long now) {
        Octets key = hello.identityKey();
        if (key.equals(self.identity().publicKey()) || !listener.admits(key)) {
            drop(Drop.BLOCKED);
            return;
        }
        if (!Identity.verify(key, hello)) {
            drop(Drop.BAD_SIGNATURE);
            return;
        }
        Entry entry = byKey.get(key);
        boolean replacement = entry != null && entry.session.state() == PeerSession.State.CONNECTED
                && entry.session.remoteSession() != hello.session();
        if (replacement) {
            entry = replacing.get(key);
        } else if (entry == null && !from.relayed()) {
            entry = byPendingAddress.get(from.address());
        }
        if (entry == null) {
            if (byLocalSession.size() >= MAX_SESSIONS) {
                drop(Drop.TOO_MANY_SESSIONS);
                return;
            }
            // Nobody here asked for it, so nobody is told if it fails.
            entry = open(key, null, List.of(), !replacement);
            if (replacement) {
                replacing.put(key, entry);
            }
        }
        entry.seen(now);
        entry.session.onHello(from, hello, now);
    }

    private void onHelloAck(Route from, HelloAck ack, long now) {
        Entry entry = byNonce.get(ack.nonce());
        if (entry == null) {
            drop(Drop.UNKNOWN_SESSION);
            return;
        }
        if (!listener.admits(ack.identityKey())) {
            drop(Drop.BLOCKED);
            return;
        }
        if (!Identity.verify(ack.identityKey(), ack)) {
            drop(Drop.BAD_SIGNATURE);
            return;
        }
        entry.session.onHelloAck(from, ack, now);
    }

    /** A new conversation; {@code keyed}: the one for {@code expectedKey} from now on (else only once it connects). */
    private Entry open(Octets expectedKey, String target, List<InetSocketAddress> candidates, boolean keyed) {
        if (byLocalSession.size() >= MAX_SESSIONS) {
            throw new ChatException(MAX_SESSIONS + " conversations are open already; disconnect some first");
        }
        long localSession;
        do {
            localSession = random.nextLong();
        } while (localSession == 0 || byLocalSession.containsKey(localSession));
        long nonce;
        do {
            nonce = random.nextLong();
        } while (byNonce.containsKey(nonce));
        Entry entry = new Entry(target);
        entry.session = new PeerSession(self, timers, localSession, nonce, expectedKey, candidates, socket, entry,
                clock.millis());
        byLocalSession.put(localSession, entry);
        byNonce.put(nonce, entry);
        if (keyed) {
            byKey.put(expectedKey, entry);
        }
        entry.session.tick(clock.millis()); // the first HELLO goes out now, not at the next tick
        if (!candidates.isEmpty()) {
            entry.attempted = true;
            paths.attempted();
        }
        return entry;
    }

    private void drop(Drop reason) {
        drops[reason.ordinal()]++;
    }

    /** One conversation's entry in the table, and the receiver of what its session reports. */
    private final class Entry implements PeerSession.Events {
        /** What the user asked to connect to, or null for a conversation the other side opened. */
        final String target;
        PeerSession session;
        /** The session's own message numbers to the caller's receipts, for messages not yet settled. */
        final Map<Long, Long> receipts = new HashMap<>();
        boolean connected;
        /** Whether this side set out to reach the peer at known addresses (a punch attempt). */
        boolean attempted;

        Entry(String target) {
            this.target = target;
        }

        Octets key() {
            return session.remoteKey();
        }

        /** Queues a message if there is room (and it fits); false, with nothing changed, if not. */
        boolean offer(ContentKind kind, byte[] content, long receipt) {
            long sequence = session.send(kind, content, clock.millis());
            if (sequence < 0) {
                return false;
            }
            if (receipt != NO_RECEIPT) {
                receipts.put(sequence, receipt);
            }
            return true;
        }

        void seen(long now) {
            Octets key = session.remoteKey();
            if (key != null) {
                listener.seen(key, now);
            }
        }

        @Override
        public void connected(PeerSession connectedSession) {
            Octets key = session.remoteKey();
            byNonce.remove(session.nonce());
            byPendingAddress.values().remove(this);
            if (!listener.admits(key)) {
                session.close("blocked", false);
                return;
            }
            replacing.remove(key, this);
            Entry other = byKey.get(key);
            if (other != null && other != this) {
                // The peer proved a fresh conversation while one was open: it restarted and lost the old one.
                other.session.close(other.connected ? "the peer restarted" : "replaced by a newer conversation",
                        false);
            }
            byKey.put(key, this);
            connected = true;
            if (session.route().relayed()) {
                paths.relayed();
            } else {
                paths.direct();
            }
            listener.connected(session);
        }

        @Override
        public void routeChanged(PeerSession changed, Route previous) {
            Route route = changed.route();
            if (route.relayed()) {
                paths.relayed(); // a direct path fell silent
            } else if (previous.relayed()) {
                paths.direct(); // a probe found a direct path
            }
            listener.routeChanged(changed);
        }

        @Override
        public void wantsIntroduction(PeerSession wanting) {
            Octets key = key();
            if (key != null) {
                listener.wantsIntroduction(key);
            }
        }

        @Override
        public void received(PeerSession from, long messageId, ContentKind kind, byte[] content) {
            listener.received(session, kind, content);
        }

        @Override
        public void delivered(PeerSession from, long sequence) {
            Long receipt = receipts.remove(sequence);
            if (receipt != null) {
                listener.delivered(session, receipt);
            }
        }

        @Override
        public void failed(PeerSession from, long sequence, String reason) {
            Long receipt = receipts.remove(sequence);
            if (receipt != null) {
                listener.failed(session, target, receipt, reason);
            }
        }

        @Override
        public void closed(PeerSession closedSession, String reason) {
            if (!connected && attempted) {
                paths.failed();
            }
            byLocalSession.remove(session.localSession());
            byNonce.remove(session.nonce());
            byPendingAddress.values().remove(this);
            byKey.values().remove(this);
            replacing.values().remove(this);
            if (connected) {
                listener.disconnected(session, reason);
            } else if (target != null) {
                listener.connectFailed(target, reason);
            }
        }
    }
}
