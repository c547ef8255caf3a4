package dev.p2pchat.peer.link;

import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.LimitKind;
import dev.p2pchat.peer.api.PathStats;
import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.peer.transport.Route;
import dev.p2pchat.protocol.Header;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.NoisePattern;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.FrameType;
import dev.p2pchat.protocol.peer.HandshakePayload;
import dev.p2pchat.protocol.peer.LinkFrame;
import dev.p2pchat.protocol.peer.PeerFrame.CookieReply;
import dev.p2pchat.protocol.peer.PeerFrame.Finish;
import dev.p2pchat.protocol.peer.PeerFrame.Initiation;
import dev.p2pchat.protocol.peer.PeerFrame.Response;
import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The table of conversations, one {@link PeerSession} per remote peer, as pure logic on one thread: it takes the
 * peer frames that arrive (as bytes, from the socket or the tracker's relay), runs the responder's side of the
 * handshakes, opens every transport frame under the keys its receiver index names, and reports what the
 * conversations say to a {@link Listener}, the chat on top. Told the time and what arrived, it says what to send.
 *
 * <p>A frame that does not authenticate changes nothing: handshake frames are checked (mac1, under load mac2, the
 * Noise tags, the identity's binding signature) before anything is created for them, and transport frames are
 * opened before their conversation sees them. Everything dropped is counted by {@link Drop}. Bounded: at most
 * {@link #MAX_SESSIONS} conversations, {@link #MAX_WAITING_XX} XX handshakes waiting for their third message, and a
 * bounded memory of timestamps, answers and cookies.
 */
public final class LinkTable {
    public static final int MAX_SESSIONS = 1024;
    /**
     * Conversations that peers which are not friends opened: three quarters of the table at most, so that a flood of
     * handshakes from fresh keys leaves room for friends and for the conversations this side opens.
     */
    public static final int MAX_STRANGER_SESSIONS = MAX_SESSIONS * 3 / 4;
    /** The most pieces one conversation has on the wire unacknowledged (its outbox's window). */
    public static final int WINDOW = Outbox.WINDOW;
    /** The receipt of a message the user did not write (a rename notice, an automatic answer): none is reported. */
    public static final long NO_RECEIPT = 0;
    static final int MAX_WAITING_XX = 256;
    static final long WAITING_XX_MILLIS = 10_000;
    /**
     * Initiators without a conversation here whose latest timestamp is remembered, so a replayed initiation is told
     * from a new one. Those with a conversation keep theirs in it, beyond this bound: cycling throwaway identities
     * cannot make a replay of a peer's initiation pass while it has a conversation here to disturb.
     */
    static final int MAX_TIMESTAMPS = 4096;
    /** Answers kept, so an initiation repeated (the answer was lost) is answered again without new work. */
    static final int MAX_ANSWERS = 256;
    static final long ANSWER_MILLIS = 5_000;
    /** Cookies a responder under load gave this side, per route; a cookie lasts as long as its secret. */
    static final int MAX_COOKIES = 1024;
    static final long COOKIE_MILLIS = CookieGuard.SECRET_LIFETIME_MILLIS;
    private static final byte[] RELAY_SOURCE = "relay".getBytes(StandardCharsets.US_ASCII);

    /** Frames the table dropped, by why. */
    public enum Drop {
        /** Not a peer frame at all: it did not decode. */
        MALFORMED,
        /** A tracker message from an address that is not the tracker's. */
        NOT_FOR_PEERS,
        /** A receiver index that names no handshake or keys here (any more). */
        UNKNOWN_INDEX,
        /** An initiation whose mac1 is not that of one to this peer's key. */
        BAD_MAC,
        /** An initiation without a valid mac2 while under load: answered with a cookie, and otherwise ignored. */
        COOKIE_SENT,
        /** An initiation with a valid mac2 beyond its source's budget while under load. */
        RATE_LIMITED,
        /** A handshake message that does not authenticate, or carries no valid payload. */
        BAD_HANDSHAKE,
        /** A handshake payload whose identity did not sign the key the handshake authenticated. */
        BAD_SIGNATURE,
        /** A cookie reply that does not open. */
        BAD_COOKIE,
        /** A handshake by this peer's own key, or by a blocked one. */
        BLOCKED,
        /** A handshake answered by another identity than the conversation set out to reach. */
        WRONG_PEER,
        TOO_MANY_SESSIONS,
        /** A handshake from a peer that is not a friend while strangers hold all the slots they may. */
        TOO_MANY_STRANGERS,
        /** An initiation no newer than one already seen from the same identity: a replay. */
        REPLAYED_HANDSHAKE,
        /** A transport frame that does not authenticate under the keys its index names. */
        NOT_AUTHENTIC,
        /** A transport frame whose counter was seen already, or is too old. */
        REPLAYED,
        /** A transport frame that authenticated but holds no link frame. */
        MALFORMED_SEALED,
        /** An XX handshake dropped unfinished to make room for a newer one. */
        TOO_MANY_HANDSHAKES,
        /**
         * A frame or a timer that made a conversation throw (a bug): that conversation was closed, saying so, and
         * the others went on.
         */
        CONVERSATION_FAILED
    }

    /** What the conversations tell the chat on top. Every method runs on the table's thread. */
    public interface Listener {
        /** Whether anything from {@code key} may be accepted at all (it is not blocked). */
        boolean admits(Octets key);

        /** Whether {@code key} is a friend, whose handshakes may use the slots kept from strangers. */
        default boolean trusted(Octets key) {
            return false;
        }

        /** A budget was reached, and something was refused for it. */
        default void limitReached(LimitKind kind, int limit) {}

        /** An authenticated frame from {@code key} arrived at {@code now}. */
        void seen(Octets key, long now);

        /** The conversation opened: the peer proved its key. */
        void connected(PeerSession session);

        /** A complete message arrived, in the sender's order, once. */
        void received(PeerSession session, ContentKind kind, byte[] content);

        /** The peer handed the message sent with {@code receipt} to its application. */
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

    /** What an index names: a handshake this side started (no keys), keys, or an XX handshake waiting. */
    private record Slot(Entry entry, Keypair keys, WaitingXx waiting) {}

    /** An XX handshake this side answered, until its third message. */
    private record WaitingXx(int localIndex, int initiatorIndex, dev.p2pchat.protocol.crypto.NoiseHandshake noise,
            long linkId, long since) {}

    private record Remembered(byte[] bytes, long at, Route from) {}

    /** Whose cookie: a responder's address, or through the relay the responder's key. */
    private record CookieKey(Route route, Octets relayedPeer) {
        static CookieKey of(Route route, Octets peer) {
            return new CookieKey(route, route.relayed() ? peer : null);
        }
    }

    private final Clock clock;
    private final RandomGenerator random;
    private final PeerSession.Timers timers;
    private final LocalPeer self;
    private final Handshaker handshaker;
    private final CookieGuard guard;
    private final PeerSocket socket;
    private final Listener listener;
    private final PathCounters paths = new PathCounters();
    private final Map<Integer, Slot> byIndex = new HashMap<>();
    private final Map<Octets, Entry> byKey = new HashMap<>();
    /** Conversations opened to a bare address, until the peer there proves who it is. */
    private final Map<InetSocketAddress, Entry> byPendingAddress = new HashMap<>();
    /**
     * New conversations a connected peer opened under a new conversation id (it restarted, or someone replays an
     * old initiation of its): at most one per key, and it replaces the open one only once the peer confirms it.
     */
    private final Map<Octets, Entry> replacing = new HashMap<>();
    private final List<Entry> sessions = new ArrayList<>();
    /** Conversations in {@link #sessions} that strangers opened. */
    private int strangers;
    private final ReceiveBudget receiveBudget = new ReceiveBudget();
    private final LinkedHashMap<Integer, WaitingXx> waitingXx = new LinkedHashMap<>();
    private final LinkedHashMap<Octets, Long> timestamps = new LinkedHashMap<>(16, 0.75f, true);
    private final LinkedHashMap<ByteBuffer, Remembered> answers = new LinkedHashMap<>();
    private final LinkedHashMap<CookieKey, Remembered> cookies = new LinkedHashMap<>(16, 0.75f, true);
    private final Set<Entry> acksDue = new LinkedHashSet<>();
    private final long[] drops = new long[Drop.values().length];
    private boolean deferAcks;

    /**
     * @param ephemerals fresh X25519 key pairs for the handshakes (from a {@code SecureRandom} in production)
     * @param random indices, conversation ids and cookie nonces
     */
    public LinkTable(Clock clock, RandomGenerator random, Supplier<X25519.KeyPair> ephemerals,
            PeerSession.Timers timers, LocalPeer self, PeerSocket socket, Listener listener) {
        this.clock = clock;
        this.random = random;
        this.timers = timers;
        this.self = self;
        this.handshaker = new Handshaker(self, ephemerals);
        this.guard = new CookieGuard(random, clock.millis());
        this.socket = socket;
        this.listener = listener;
    }

    /** How many frames were dropped for {@code reason}. */
    /** Bytes the partial messages of every conversation hold now. */
    public long receiveBuffered() {
        return receiveBudget.used();
    }

    /** Pieces not kept (nor acknowledged) because the memory for partial messages was short. */
    public long receiveRefused() {
        return receiveBudget.refused();
    }

    public long dropped(Drop reason) {
        return drops[reason.ordinal()];
    }

    /** Punch attempts and how they ended, so far. */
    public PathStats paths() {
        return paths.snapshot();
    }

    /**
     * Whether acknowledgements wait for {@link #flushAcks} (the end of a burst of datagrams, so that a reply the
     * application sends meanwhile carries them) instead of going out after each datagram.
     */
    public void deferAcks(boolean defer) {
        this.deferAcks = defer;
    }

    // ---- frames and time ----

    /** A datagram from {@code from} that is not the tracker's. */
    public void onDatagram(InetSocketAddress from, ByteBuffer datagram) {
        onDatagram(Route.direct(from), null, datagram);
    }

    /**
     * A frame the tracker relayed from the peer holding {@code sender}. The tracker's word for the sender only
     * says where to relay an answer to a handshake that does not yet name its initiator (XX): the frames themselves
     * authenticate, or are dropped.
     */
    public void onRelayed(Octets sender, ByteBuffer datagram) {
        onDatagram(Route.RELAY, sender, datagram);
    }

    private void onDatagram(Route from, Octets relayedSender, ByteBuffer datagram) {
        byte[] raw = new byte[datagram.remaining()];
        datagram.get(raw);
        PeerFrame frame = null;
        int transportTo = 0;
        try {
            int type = Header.type(ByteBuffer.wrap(raw));
            if (!Wire.isPeerFrame(type)) {
                drop(Drop.NOT_FOR_PEERS);
                return;
            }
            // The hot path: a transport frame is opened where it lies, with no record made of it.
            if (type == FrameType.TRANSPORT.code()) {
                transportTo = PeerFrameCodec.transportReceiver(raw);
            } else {
                frame = PeerFrameCodec.decode(raw);
            }
        } catch (ProtocolException e) {
            drop(Drop.MALFORMED);
            return;
        }
        long now = clock.millis();
        if (frame == null) {
            onTransport(from, transportTo, raw, now);
        } else if (frame instanceof Initiation initiation) {
            onInitiation(from, relayedSender, initiation, raw, now);
        } else if (frame instanceof Response response) {
            onResponse(from, response, now);
        } else if (frame instanceof Finish finish) {
            onFinish(from, relayedSender, finish, now);
        } else {
            onCookieReply(from, (CookieReply) frame, now);
        }
        if (!deferAcks) {
            flushAcks();
        }
    }

    /** Sends the acknowledgements the frames since the last call left due. */
    public void flushAcks() {
        for (Entry entry : List.copyOf(acksDue)) {
            entry.session.flushAcks();
        }
        acksDue.clear();
    }

    public void tick() {
        long now = clock.millis();
        for (Entry entry : List.copyOf(sessions)) {
            guarded(entry, () -> entry.session.tick(now));
        }
        for (Iterator<WaitingXx> it = waitingXx.values().iterator(); it.hasNext(); ) {
            WaitingXx waiting = it.next();
            if (now - waiting.since() < WAITING_XX_MILLIS) {
                break;
            }
            byIndex.remove(waiting.localIndex());
            waiting.noise().destroy();
            it.remove();
        }
        answers.values().removeIf(answer -> now - answer.at() >= ANSWER_MILLIS);
        cookies.values().removeIf(cookie -> now - cookie.at() >= COOKIE_MILLIS);
    }

    // ---- connecting ----

    /**
     * Opens a conversation with the peer holding {@code key}, trying every candidate address at once (an existing
     * conversation is kept, and tries the new candidates too while it is still connecting). Messages may be sent at
     * once; they wait until it connects.
     *
     * @param agreementKey the peer's X25519 key (from the tracker), for an IK handshake; null when unknown (XX)
     * @param target what the user asked to connect to, told back if the conversation fails
     */
    public void connect(Octets key, Octets agreementKey, String target, List<InetSocketAddress> candidates) {
        Entry existing = byKey.get(key);
        if (existing == null) {
            existing = adoptPending(key, agreementKey, candidates);
        }
        if (existing != null) {
            if (existing.target == null) {
                existing.target = target; // asked for now: a failure is the caller's to hear
            }
            // A conversation the peer's handshake opened becomes this side's attempt once it has addresses to punch.
            boolean firstPunch = !existing.attempted && !candidates.isEmpty()
                    && existing.session.state() == PeerSession.State.CONNECTING;
            if (existing.session.addCandidates(candidates, agreementKey, clock.millis()) || firstPunch) {
                existing.attempted = true;
                paths.attempted();
            }
            return;
        }
        open(key, agreementKey, target, candidates, true, newLinkId());
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
        Entry entry = open(null, null, target, List.of(address), false, newLinkId());
        byPendingAddress.put(address, entry);
    }

    /**
     * A conversation opened to one of {@code candidates} by address, now known to be meant for {@code key}: it
     * becomes that key's, so that one peer never gets two conversations from here.
     */
    private Entry adoptPending(Octets key, Octets agreementKey, List<InetSocketAddress> candidates) {
        for (InetSocketAddress candidate : candidates) {
            Entry pending = byPendingAddress.get(candidate);
            if (pending != null && pending.session.expect(key, agreementKey)) {
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
        for (Entry entry : List.copyOf(sessions)) {
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

    // ---- handshakes: responder ----

    private void onInitiation(Route from, Octets relayedSender, Initiation initiation, byte[] raw, long now) {
        if (!handshaker.mac1Valid(initiation.type(), raw)) {
            drop(Drop.BAD_MAC);
            return;
        }
        byte[] source = source(from, relayedSender);
        if (guard.arrived(now)) {
            if (!guard.proves(source, now, cookie -> Handshaker.mac2Valid(initiation.type(), raw, cookie))) {
                // No state, no work, and an answer far smaller than what came: a forged source gains nothing.
                CookieReply reply = handshaker.cookieReply(initiation, guard.cookie(source, now), guard.nonce());
                send(from, relayedSender, PeerFrameCodec.encode(reply));
                drop(Drop.COOKIE_SENT);
                return;
            }
            if (!guard.allow(source, now)) {
                drop(Drop.RATE_LIMITED);
                return;
            }
        }
        ByteBuffer ephemeral = ByteBuffer.wrap(initiation.noise().toByteArray(), 0, Wire.KEY_SIZE).slice();
        Remembered answer = answers.get(ephemeral);
        if (answer != null && answer.from().equals(from)) {
            send(from, relayedSender, answer.bytes()); // the same initiation again: its answer was lost
            return;
        }
        Handshaker.Read read;
        try {
            read = handshaker.read(initiation);
        } catch (Handshaker.Refused refused) {
            drop(refused.reason);
            return;
        }
        byte[] response = read.peer() != null ? answerIk(from, read, now) : answerXx(read, now);
        if (response != null) {
            send(from, read.peer() != null ? read.peer().identityKey() : relayedSender, response);
            remember(answers, ephemeral, new Remembered(response, now, from), MAX_ANSWERS);
        }
    }

    private byte[] answerIk(Route from, Handshaker.Read read, long now) {
        HandshakePayload peer = read.peer();
        if (!admissible(peer.identityKey())) {
            return null;
        }
        if (peer.timestamp() <= lastTimestamp(peer.identityKey())) {
            drop(Drop.REPLAYED_HANDSHAKE);
            return null;
        }
        Entry entry = responderFor(peer, from);
        if (entry == null) {
            return null;
        }
        entry.initiationTimestamp = peer.timestamp();
        timestamps.put(peer.identityKey(), peer.timestamp());
        trim(timestamps, MAX_TIMESTAMPS);
        int index = newIndex();
        Handshaker.Answered answered;
        try {
            answered = handshaker.answer(read, index, entry.session.localLinkId(), now);
        } catch (Handshaker.Refused refused) {
            drop(refused.reason);
            return null;
        }
        byIndex.put(index, new Slot(entry, answered.keypair(), null));
        entry.seen(now);
        entry.session.answered(read, answered.keypair());
        return answered.response();
    }

    /** The latest timestamp of an initiation from {@code key} taken here; 0 if none is remembered. */
    private long lastTimestamp(Octets key) {
        long last = timestamps.getOrDefault(key, 0L);
        for (Entry entry : new Entry[] {byKey.get(key), replacing.get(key)}) {
            if (entry != null) {
                last = Math.max(last, entry.initiationTimestamp);
            }
        }
        return last;
    }

    /**
     * The conversation an IK initiation from {@code peer} belongs to: the one open with it (a rekey, or both sides
     * connecting at once), a new one replacing it once confirmed (the peer's conversation id changed: it
     * restarted), one opened to the address it came from, or a new one; null (counted) when the table is full.
     */
    private Entry responderFor(HandshakePayload peer, Route from) {
        Octets key = peer.identityKey();
        Entry entry = byKey.get(key);
        if (entry != null && entry.session.state() == PeerSession.State.CONNECTED
                && entry.session.remoteLinkId() != peer.linkId()) {
            Entry waiting = replacing.get(key);
            if (waiting != null && waiting.session.remoteLinkId() == peer.linkId()) {
                return waiting;
            }
            if (waiting != null) {
                waiting.session.close("replaced by a newer conversation", false);
            }
            Entry replacement = openResponder(key);
            if (replacement != null) {
                replacing.put(key, replacement);
            }
            return replacement;
        }
        if (entry == null && !from.relayed()) {
            entry = byPendingAddress.get(from.address());
            if (entry != null && entry.session.expect(key, null)) {
                byKey.put(key, entry);
                return entry;
            }
            entry = null;
        }
        if (entry == null) {
            entry = openResponder(key);
            if (entry != null) {
                byKey.put(key, entry);
            }
        }
        return entry;
    }

    private Entry openResponder(Octets key) {
        if (!roomInTable(key)) {
            return null;
        }
        if (!roomForStranger(key)) {
            return null;
        }
        // Nobody here asked for it, so nobody is told if it fails.
        return markStranger(open(key, null, null, List.of(), false, newLinkId()), key);
    }

    /**
     * Whether the table has room for a conversation {@code key} opens: a friend's handshake makes room by ending the
     * oldest conversation a stranger opened, so strangers can never keep a friend out.
     */
    private boolean roomInTable(Octets key) {
        if (sessions.size() < MAX_SESSIONS) {
            return true;
        }
        if (listener.trusted(key)) {
            for (Entry entry : sessions) {
                if (entry.stranger) {
                    entry.session.close("closed here: room for a friend", true);
                    return true;
                }
            }
        }
        drop(Drop.TOO_MANY_SESSIONS);
        listener.limitReached(LimitKind.CONVERSATIONS, MAX_SESSIONS);
        return false;
    }

    /** Whether strangers hold every slot they may. */
    public boolean strangersFull() {
        return strangers >= MAX_STRANGER_SESSIONS;
    }

    /**
     * Counts the conversation with {@code key} (opened by this side, for a stranger's introduction) among the
     * strangers' slots, so that introductions cannot take the room kept for friends.
     */
    public void countAsStranger(Octets key) {
        Entry entry = byKey.get(key);
        if (entry != null && !entry.stranger) {
            entry.stranger = true;
            strangers++;
        }
    }

    /** Whether a conversation {@code key} opens fits: a friend's always does, a stranger's while strangers have room. */
    private boolean roomForStranger(Octets key) {
        if (strangers < MAX_STRANGER_SESSIONS || listener.trusted(key)) {
            return true;
        }
        drop(Drop.TOO_MANY_STRANGERS);
        listener.limitReached(LimitKind.STRANGER_CONVERSATIONS, MAX_STRANGER_SESSIONS);
        return false;
    }

    private Entry markStranger(Entry entry, Octets key) {
        if (!listener.trusted(key)) {
            entry.stranger = true;
            strangers++;
        }
        return entry;
    }

    private byte[] answerXx(Handshaker.Read read, long now) {
        int index = newIndex();
        long linkId = newLinkId();
        Handshaker.Answered answered;
        try {
            answered = handshaker.answer(read, index, linkId, now);
        } catch (Handshaker.Refused refused) {
            drop(refused.reason);
            return null;
        }
        if (waitingXx.size() >= MAX_WAITING_XX) {
            Iterator<WaitingXx> oldest = waitingXx.values().iterator();
            WaitingXx evicted = oldest.next();
            byIndex.remove(evicted.localIndex());
            evicted.noise().destroy();
            oldest.remove();
            drop(Drop.TOO_MANY_HANDSHAKES);
        }
        WaitingXx waiting = new WaitingXx(index, read.initiation().senderIndex(), answered.waiting(), linkId, now);
        waitingXx.put(index, waiting);
        byIndex.put(index, new Slot(null, null, waiting));
        return answered.response();
    }

    /**
     * XX message 3: the initiator proved who it is. It opened a new conversation (it connected by address): that
     * one replaces any other with the same peer at once, since message 3 is its confirmation.
     */
    private void onFinish(Route from, Octets relayedSender, Finish finish, long now) {
        Slot slot = byIndex.get(finish.receiverIndex());
        if (slot == null || slot.waiting() == null) {
            drop(Drop.UNKNOWN_INDEX);
            return;
        }
        WaitingXx waiting = slot.waiting();
        Handshaker.Completed completed;
        try {
            completed = handshaker.finish(waiting.noise(), waiting.localIndex(), waiting.initiatorIndex(), finish,
                    now);
        } catch (Handshaker.Refused refused) {
            drop(refused.reason); // the waiting state is as it was: a forged message 3 does not end it
            return;
        }
        byIndex.remove(waiting.localIndex());
        waitingXx.remove(waiting.localIndex());
        Octets key = completed.peer().identityKey();
        if (!admissible(key)) {
            return;
        }
        if (!roomInTable(key) || !roomForStranger(key)) {
            return;
        }
        Entry entry = markStranger(open(key, null, null, List.of(), false, waiting.linkId()), key);
        replacing.put(key, entry); // connected below, it takes the key's place from whatever held it
        byIndex.put(completed.keypair().localIndex, new Slot(entry, completed.keypair(), null));
        entry.seen(now);
        entry.session.finished(from, completed, now);
    }

    // ---- handshakes: initiator ----

    /** The handshake this side started under {@code index}, still waiting for its answer; null if none. */
    private Handshaker.Initiating pendingAt(int index) {
        Slot slot = byIndex.get(index);
        return slot == null || slot.entry() == null || slot.keys() != null ? null
                : slot.entry().session.pending(index);
    }

    private void onResponse(Route from, Response response, long now) {
        Handshaker.Initiating pending = pendingAt(response.receiverIndex());
        if (pending == null) {
            drop(Drop.UNKNOWN_INDEX);
            return;
        }
        Entry entry = byIndex.get(response.receiverIndex()).entry();
        Octets expected = entry.session.expectedKey();
        Handshaker.Completed completed;
        try {
            completed = handshaker.complete(pending, response, key -> {
                if (expected != null && !expected.equals(key)) {
                    throw new Handshaker.Refused(Drop.WRONG_PEER, "answered by " + key + ", not " + expected);
                }
                if (refused(key)) {
                    throw new Handshaker.Refused(Drop.BLOCKED, "answered by " + key);
                }
            }, now);
        } catch (Handshaker.Refused refused) {
            // The handshake is as it was: whoever saw the initiation can forge a response to its index, and must
            // not end it so. The genuine response can still come; after a few refused ones, a new initiation.
            drop(refused.reason);
            entry.session.refused(pending);
            return;
        }
        Octets key = completed.peer().identityKey();
        PeerSession session = entry.session;
        long known = session.remoteLinkId();
        if (session.state() == PeerSession.State.CONNECTED && known != 0 && known != completed.peer().linkId()) {
            // The peer restarted: its new conversation holds this side's id, and starts from nothing. So does this
            // one: what the old one queued fails, and a new one under the same id takes the new keys.
            byIndex.remove(response.receiverIndex());
            session.close("the peer restarted", false);
            Entry fresh = open(key, completed.peerStatic(), null, List.of(), false, session.localLinkId());
            fresh.attempted = entry.attempted;
            if (entry.stranger) { // the restarted conversation keeps the slot it had
                fresh.stranger = true;
                strangers++;
            }
            byKey.put(key, fresh);
            entry = fresh;
        }
        byIndex.put(response.receiverIndex(), new Slot(entry, completed.keypair(), null));
        entry.seen(now);
        entry.session.completed(from, completed, now);
    }

    private void onCookieReply(Route from, CookieReply reply, long now) {
        Handshaker.Initiating pending = pendingAt(reply.receiverIndex());
        if (pending == null) {
            drop(Drop.UNKNOWN_INDEX);
            return;
        }
        try {
            remember(cookies, CookieKey.of(from, byIndex.get(reply.receiverIndex()).entry().session.remoteKey()),
                    new Remembered(Handshaker.openCookie(pending, reply), now, from), MAX_COOKIES);
        } catch (Handshaker.Refused refused) {
            drop(refused.reason);
        }
    }

    // ---- transport ----

    private void onTransport(Route from, int receiverIndex, byte[] transport, long now) {
        Slot slot = byIndex.get(receiverIndex);
        if (slot == null || slot.keys() == null || !slot.entry().session.holds(slot.keys())) {
            drop(Drop.UNKNOWN_INDEX);
            return;
        }
        LinkFrame frame;
        try {
            frame = slot.keys().open(transport);
        } catch (CryptoException e) {
            drop(Drop.NOT_AUTHENTIC);
            return;
        } catch (ProtocolException e) {
            drop(Drop.MALFORMED_SEALED);
            return;
        }
        if (frame == null) {
            drop(Drop.REPLAYED);
            return;
        }
        Entry entry = slot.entry();
        entry.seen(now);
        guarded(entry, () -> entry.session.onFrame(from, slot.keys(), frame, now));
        acksDue.add(entry);
    }

    /**
     * Runs {@code step} of {@code entry}'s conversation; should it throw, that conversation alone ends (its messages
     * fail, saying why) and is counted, so that one broken conversation cannot stop every other's timers or frames.
     */
    private void guarded(Entry entry, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            drop(Drop.CONVERSATION_FAILED);
            entry.session.close("internal error: " + e, false);
        }
    }

    // ---- internals ----

    /** Whether a handshake by {@code key} may go on: not this peer's own key, and not a blocked one. */
    private boolean admissible(Octets key) {
        if (refused(key)) {
            drop(Drop.BLOCKED);
            return false;
        }
        return true;
    }

    /** Whether nothing from {@code key} is taken: it is this peer's own, or blocked. */
    private boolean refused(Octets key) {
        return key.equals(self.identity().publicKey()) || !listener.admits(key);
    }

    /** What a cookie proves: the source address, or for a relayed frame the peer the tracker says relayed it. */
    private static byte[] source(Route from, Octets relayedSender) {
        if (from.relayed()) {
            byte[] key = relayedSender == null ? new byte[0] : relayedSender.toByteArray();
            byte[] source = Arrays.copyOf(RELAY_SOURCE, RELAY_SOURCE.length + key.length);
            System.arraycopy(key, 0, source, RELAY_SOURCE.length, key.length);
            return source;
        }
        byte[] address = from.address().getAddress().getAddress();
        byte[] source = Arrays.copyOf(address, address.length + 2);
        source[address.length] = (byte) (from.address().getPort() >> 8);
        source[address.length + 1] = (byte) from.address().getPort();
        return source;
    }

    /** Sends a handshake frame over {@code route}: through the relay to {@code relayTo}, or straight. */
    private void send(Route route, Octets relayTo, byte[] frame) {
        if (!route.relayed()) {
            socket.send(route.address(), frame);
        } else if (relayTo != null) {
            socket.relay(relayTo, frame);
        }
    }

    /** A new conversation; {@code keyed}: the one for {@code expectedKey} from now on (else only once it connects). */
    private Entry open(Octets expectedKey, Octets agreementKey, String target, List<InetSocketAddress> candidates,
            boolean keyed, long linkId) {
        if (sessions.size() >= MAX_SESSIONS) {
            throw new ChatException(MAX_SESSIONS + " conversations are open already; disconnect some first");
        }
        Entry entry = new Entry(target);
        entry.session = new PeerSession(timers, linkId, expectedKey, agreementKey, candidates, socket, entry,
                clock.millis());
        sessions.add(entry);
        if (keyed) {
            byKey.put(expectedKey, entry);
        }
        entry.session.tick(clock.millis()); // the first initiation goes out now, not at the next tick
        if (!candidates.isEmpty()) {
            entry.attempted = true;
            paths.attempted();
        }
        return entry;
    }

    private int newIndex() {
        int index;
        do {
            index = random.nextInt();
        } while (index == 0 || byIndex.containsKey(index));
        return index;
    }

    private long newLinkId() {
        long id;
        do {
            id = random.nextLong();
        } while (id == 0);
        return id;
    }

    private static <K, V> void remember(LinkedHashMap<K, V> map, K key, V value, int max) {
        map.put(key, value);
        trim(map, max);
    }

    private static <K, V> void trim(LinkedHashMap<K, V> map, int max) {
        Iterator<V> oldest = map.values().iterator();
        while (map.size() > max) {
            oldest.next();
            oldest.remove();
        }
    }

    private void drop(Drop reason) {
        drops[reason.ordinal()]++;
    }

    /** One conversation's entry in the table, and the receiver of what its session reports. */
    private final class Entry implements PeerSession.Events {
        /** What the user asked to connect to, or null for a conversation the other side opened (until asked). */
        String target;
        PeerSession session;
        /** The session's own message numbers to the caller's receipts, for messages not yet settled. */
        final Map<Long, Long> receipts = new HashMap<>();
        boolean connected;
        /** Whether this side set out to reach the peer at known addresses (a punch attempt). */
        boolean attempted;
        /** The latest timestamp of the peer's initiations this conversation took (0: none). */
        long initiationTimestamp;
        /** Whether a peer that is not a friend opened it: it holds one of the strangers' slots. */
        boolean stranger;

        Entry(String target) {
            this.target = target;
        }

        @Override
        public Inbox.Budget receiveBudget() {
            return receiveBudget.share(() -> stranger);
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
        public Handshaker.Initiating initiate(PeerSession initiator, NoisePattern pattern, Octets remoteStatic) {
            int index = newIndex();
            try {
                Handshaker.Initiating initiating = handshaker.initiate(pattern, remoteStatic, index,
                        initiator.localLinkId(), clock.millis());
                byIndex.put(index, new Slot(this, null, null));
                return initiating;
            } catch (CryptoException e) {
                drop(Drop.BAD_HANDSHAKE); // the peer's static key is of low order: nobody holds it
                return null;
            }
        }

        @Override
        public void retired(int index) {
            Slot slot = byIndex.get(index);
            if (slot != null && slot.entry() == this) {
                byIndex.remove(index);
            }
        }

        @Override
        public byte[] cookie(Route route) {
            Remembered cookie = cookies.get(CookieKey.of(route, session.remoteKey()));
            return cookie == null ? null : cookie.bytes();
        }

        @Override
        public void connected(PeerSession connectedSession) {
            Octets key = session.remoteKey();
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
            if (sessions.remove(this) && stranger) {
                strangers--;
            }
            Octets key = session.remoteKey();
            if (key != null && initiationTimestamp > 0) {
                timestamps.merge(key, initiationTimestamp, Math::max); // the bounded memory takes over
                trim(timestamps, MAX_TIMESTAMPS);
            }
            byIndex.values().removeIf(slot -> slot.entry() == this);
            byPendingAddress.values().remove(this);
            byKey.values().remove(this);
            replacing.values().remove(this);
            acksDue.remove(this);
            if (connected) {
                listener.disconnected(session, reason);
            } else if (target != null) {
                listener.connectFailed(target, reason);
            }
        }
    }
}
