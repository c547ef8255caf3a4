package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.session.PeerSession;
import dev.p2pchat.peer.session.Route;
import dev.p2pchat.protocol.ContentKind;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Message;
import dev.p2pchat.protocol.Message.Hello;
import dev.p2pchat.protocol.Message.HelloAck;
import dev.p2pchat.protocol.Message.PeerDatagram;
import dev.p2pchat.protocol.Message.PeerMessage;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The chat between this peer and every other, as pure logic on one thread: the table of conversations (one
 * {@link PeerSession} per remote peer, found by the session id in each datagram, by the key in a HELLO, or by the
 * nonce a HELLO_ACK echoes), the contacts with their friend states, names, held messages and history, and the
 * chat features on top. Told the time and what arrived, it says what to send and what happened.
 *
 * <p>Signatures of HELLO and HELLO_ACK are checked here, once, before anything is created for them; the table
 * holds at most {@link #MAX_SESSIONS} conversations, so a flood of HELLOs costs a bounded amount of memory.
 */
public final class ChatEngine {
    static final int MAX_SESSIONS = 1024;
    /** The id of a message the user did not write (a rename notice, an automatic answer): nothing is reported. */
    private static final long NO_RECEIPT = 0;

    /** Datagrams the engine dropped, by why. */
    public enum Drop {
        UNKNOWN_SESSION, BAD_SIGNATURE, BLOCKED, TOO_MANY_SESSIONS, NOT_FOR_PEERS,
        /** A delivered message whose content breaks its kind's rule (a bad name, a body where none belongs). */
        BAD_CONTENT,
        /** A relayed HELLO or HELLO_ACK whose key is not the one the tracker says relayed it. */
        RELAY_MISMATCH
    }

    /** Asks for a fresh introduction to a peer: look it up, and hand what is found to {@link #connect}. */
    @FunctionalInterface
    public interface Introductions {
        void wanted(Octets key, String name);
    }

    private final Clock clock;
    private final RandomGenerator random;
    private final PeerSession.Timers timers;
    private final Identity identity;
    private final boolean friendsOnly;
    private final Contacts contacts;
    private final PeerSession.Output output;
    private final Consumer<PeerEvent> events;
    private final Introductions introductions;
    private final PathCounters paths = new PathCounters();
    private final Map<Long, Link> byLocalSession = new HashMap<>();
    /** Conversations still connecting, by the nonce their HELLO carries. */
    private final Map<Long, Link> byNonce = new HashMap<>();
    private final Map<Octets, Link> byKey = new HashMap<>();
    /** Conversations opened to a bare address, until the peer there proves who it is. */
    private final Map<InetSocketAddress, Link> byPendingAddress = new HashMap<>();
    /**
     * New conversations offered by connected peers under a new session id (a restart, or a replayed old HELLO):
     * at most one per key, and it replaces the open one only once the peer signs this side's fresh nonce.
     */
    private final Map<Octets, Link> replacing = new HashMap<>();
    private final long[] drops = new long[Drop.values().length];
    private PeerSession.Self self;
    private long nextMessageId = 1;

    public ChatEngine(Clock clock, RandomGenerator random, PeerSession.Timers timers, PeerSession.Self self,
            boolean friendsOnly, Contacts contacts, PeerSession.Output output, Consumer<PeerEvent> events,
            Introductions introductions) {
        this.clock = clock;
        this.random = random;
        this.timers = timers;
        this.self = self;
        this.identity = self.identity();
        this.friendsOnly = friendsOnly;
        this.contacts = contacts;
        this.output = output;
        this.events = events;
        this.introductions = introductions;
        contacts.keepWhile(contact -> byKey.containsKey(contact.key));
    }

    /** How many datagrams were dropped for {@code reason}. */
    public long dropped(Drop reason) {
        return drops[reason.ordinal()];
    }

    /** Punch attempts and how they ended, so far. */
    public PathCounters.Snapshot paths() {
        return paths.snapshot();
    }

    // ---- datagrams and time ----

    /** A datagram from {@code from} that is not the tracker's. */
    public void onDatagram(InetSocketAddress from, Message message) {
        onDatagram(Route.direct(from), message);
    }

    /**
     * A datagram the tracker relayed from the peer holding {@code sender}. The tracker vouches for who sent it, so
     * a greeting must carry that peer's own key, and any other message must belong to a conversation with it: a
     * session id seen by someone else never lets them speak in it through the relay.
     */
    public void onRelayed(Octets sender, PeerDatagram datagram) {
        Octets claimed;
        if (datagram instanceof Hello hello) {
            claimed = hello.identityKey();
        } else if (datagram instanceof HelloAck ack) {
            claimed = ack.identityKey();
        } else {
            Link link = byLocalSession.get(((PeerMessage) datagram).session());
            claimed = link == null ? sender : link.key();
        }
        if (!sender.equals(claimed)) {
            drop(Drop.RELAY_MISMATCH);
            return;
        }
        onDatagram(Route.RELAY, datagram);
    }

    private void onDatagram(Route from, Message message) {
        long now = clock.millis();
        if (message instanceof Hello hello) {
            onHello(from, hello, now);
        } else if (message instanceof HelloAck ack) {
            onHelloAck(from, ack, now);
        } else if (message instanceof PeerMessage peerMessage) {
            Link link = byLocalSession.get(peerMessage.session());
            if (link == null) {
                drop(Drop.UNKNOWN_SESSION);
                return;
            }
            link.seen(now);
            link.session.onPeerMessage(from, peerMessage, now);
        } else {
            drop(Drop.NOT_FOR_PEERS);
        }
    }

    public void tick() {
        long now = clock.millis();
        for (Link link : List.copyOf(byLocalSession.values())) {
            link.session.tick(now);
        }
    }

    // ---- connecting ----

    /**
     * Opens a conversation with the peer holding {@code key}, trying every candidate address at once (an
     * existing conversation is kept, and tries the new candidates too while it is still connecting). Messages may
     * be sent at once; they wait until it connects.
     *
     * @param name the name the peer goes by, as the tracker vouches for it; null when this side only knows the key
     */
    public void connect(Octets key, String name, List<InetSocketAddress> candidates) {
        if (key.equals(identity.publicKey())) {
            throw new ChatException("that is this peer's own key");
        }
        Contact contact = contacts.learn(key, name);
        rename(contact, name);
        if (contact.friend == FriendState.BLOCKED) {
            throw new ChatException(contact.ref() + " is blocked; unblock it first");
        }
        Link existing = byKey.get(key);
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
        open(key, contact.name, candidates, true);
    }

    /** Opens a conversation with whoever answers at {@code address} (no tracker needed). */
    public void connect(InetSocketAddress address) {
        if (byPendingAddress.containsKey(address)) {
            return;
        }
        for (Link link : byKey.values()) {
            if (link.session.triesAddress(address)) {
                return; // already talking to, or trying, whoever is there
            }
        }
        Link link = open(null, HostPort.format(address), List.of(address), false);
        byPendingAddress.put(address, link);
    }

    /**
     * A conversation opened to one of {@code candidates} by address, now known to be meant for {@code key}: it
     * becomes that key's, so that one peer never gets two conversations from here.
     */
    private Link adoptPending(Octets key, List<InetSocketAddress> candidates) {
        for (InetSocketAddress candidate : candidates) {
            Link pending = byPendingAddress.get(candidate);
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

    /** Asks for a fresh introduction to every connected peer (this side's NAT mapping moved). */
    public void reintroduceAll() {
        for (Link link : List.copyOf(byKey.values())) {
            if (link.connected) {
                link.wantsIntroduction(link.session);
            }
        }
    }

    /** Says goodbye to the peer and ends the conversation. */
    public void disconnect(Octets key) {
        Link link = byKey.get(key);
        if (link == null) {
            throw new ChatException(describe(key) + " is not connected");
        }
        link.session.close("closed here", true);
    }

    // ---- messages ----

    /**
     * The one peer called {@code name}: connected ones first, then any known one. Null when none is known.
     *
     * @throws ChatException when several peers with different keys go by that name
     */
    public Octets resolve(String name) {
        List<Contact> named = contacts.named(name);
        if (named.size() > 1) {
            List<Contact> connected = named.stream().filter(c -> byKey.containsKey(c.key)).toList();
            if (connected.size() == 1) {
                return connected.get(0).key;
            }
            throw new ChatException("several peers are called " + name + ": "
                    + named.stream().map(c -> c.fingerprint).toList());
        }
        return named.isEmpty() ? null : named.get(0).key;
    }

    /** Where the peer was last reached, to connect back without asking the tracker; null if never. */
    public InetSocketAddress lastAddress(Octets key) {
        Contact contact = contacts.get(key);
        return contact == null ? null : contact.address;
    }

    /** A fresh message id, for a message that may still need a lookup before it can be queued. */
    public long newMessageId() {
        return nextMessageId++;
    }

    /** Queues a chat message to a peer with an open or opening conversation. */
    public void sendText(Octets key, long id, String text) {
        Link link = requireConversation(key);
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        link.send(ContentKind.TEXT, content, id);
        contacts.get(key).remember(new HistoryEntry(clock.instant(), true, id, text, false, HistoryEntry.State.SENT));
    }

    /**
     * Sends {@code text} to every connected peer whose queue has room; returns the message ids (none when nobody
     * is connected).
     */
    public List<Long> broadcast(String text) {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        checkSize(content);
        List<Long> ids = new ArrayList<>();
        Instant now = clock.instant();
        for (Link link : List.copyOf(byKey.values())) {
            long id = newMessageId();
            boolean queued = link.session.state() == PeerSession.State.CONNECTED
                    && link.offer(ContentKind.BROADCAST, content, id);
            if (queued) {
                ids.add(id);
                contacts.get(link.key()).remember(new HistoryEntry(now, true, id, text, true,
                        HistoryEntry.State.SENT));
            }
        }
        return ids;
    }

    /** Refuses a name that breaks the naming rule, before anyone is asked to take it. */
    public void checkName(String newName) {
        String problem = Names.problem(newName);
        if (problem != null) {
            throw new ChatException("name '" + newName + "': " + problem);
        }
    }

    /** From now on this peer goes by {@code newName}; every connected peer is told. */
    public void rename(String newName) {
        checkName(newName);
        self = new PeerSession.Self(identity, newName, self.agreementKey(), self.capabilities());
        byte[] content = newName.getBytes(StandardCharsets.US_ASCII);
        for (Link link : List.copyOf(byKey.values())) {
            if (link.session.state() == PeerSession.State.CONNECTED) {
                link.offer(ContentKind.NAME_CHANGED, content, NO_RECEIPT); // a full queue: that peer learns later
            }
        }
    }

    // ---- friends ----

    /** Asks the peer to become friends (or accepts, if it asked first); returns the message id. */
    public long requestFriend(Octets key, String note) {
        Contact contact = known(key);
        switch (contact.friend) {
            case FRIEND -> throw new ChatException(contact.ref() + " is already a friend");
            case BLOCKED -> throw new ChatException(contact.ref() + " is blocked; unblock it first");
            case REQUEST_RECEIVED -> {
                return acceptFriend(key);
            }
            default -> {
                long id = requireConversation(key).send(ContentKind.FRIEND_REQUEST,
                        note.getBytes(StandardCharsets.UTF_8), newMessageId());
                setFriend(contact, FriendState.REQUEST_SENT);
                return id;
            }
        }
    }

    /** Accepts the peer's friend request; messages it sent while a stranger are shown now. */
    public long acceptFriend(Octets key) {
        Contact contact = inState(key, FriendState.REQUEST_RECEIVED, "has not asked to be friends");
        long id = requireConversation(key).send(ContentKind.FRIEND_ACCEPT, new byte[0], newMessageId());
        setFriend(contact, FriendState.FRIEND);
        releaseHeld(contact);
        return id;
    }

    /** Declines the peer's friend request; messages it sent while a stranger are dropped. */
    public long declineFriend(Octets key) {
        Contact contact = inState(key, FriendState.REQUEST_RECEIVED, "has not asked to be friends");
        long id = requireConversation(key).send(ContentKind.FRIEND_DECLINE, new byte[0], newMessageId());
        setFriend(contact, FriendState.NONE);
        contact.held.clear();
        return id;
    }

    /** Ends a friendship; the peer is told. */
    public long removeFriend(Octets key) {
        Contact contact = inState(key, FriendState.FRIEND, "is not a friend");
        long id = requireConversation(key).send(ContentKind.FRIEND_REMOVE, new byte[0], newMessageId());
        setFriend(contact, FriendState.NONE);
        return id;
    }

    /** Blocks the peer: its conversation ends and nothing from it is accepted until it is unblocked. */
    public void block(Octets key) {
        Contact contact = known(key);
        setFriend(contact, FriendState.BLOCKED);
        contact.held.clear();
        Link link = byKey.get(key);
        if (link != null) {
            link.session.close("closed here: blocked", true);
        }
    }

    public void unblock(Octets key) {
        Contact contact = inState(key, FriendState.BLOCKED, "is not blocked");
        setFriend(contact, FriendState.NONE);
    }

    // ---- views ----

    /** Every known peer, by name. */
    public List<PeerView> peers() {
        List<PeerView> views = new ArrayList<>();
        for (Contact contact : contacts.all()) {
            Link link = byKey.get(contact.key);
            boolean connected = link != null && link.session.state() == PeerSession.State.CONNECTED;
            boolean relayed = connected && link.session.route().relayed();
            views.add(new PeerView(contact.ref(), connected && !relayed ? link.session.address() : contact.address,
                    connected ? (relayed ? "relay" : "direct") : "none", connected ? link.session.rttMillis() : -1,
                    contact.lastSeen, contact.friend, connected));
        }
        views.sort(Comparator.comparing((PeerView view) -> view.peer().name())
                .thenComparing(view -> view.peer().fingerprint()));
        return views;
    }

    /** The conversation with the peer, oldest first (the newest {@value Contact#HISTORY_LIMIT} messages). */
    public List<HistoryEntry> history(Octets key) {
        return List.copyOf(known(key).history);
    }

    public PeerRef describeRef(Octets key) {
        return known(key).ref();
    }

    /** Says goodbye to every peer; queued messages fail. */
    public void close() {
        for (Link link : List.copyOf(byLocalSession.values())) {
            link.session.close("closed here: shutting down", true);
        }
    }

    // ---- internals ----

    private void onHello(Route from, Hello hello, long now) {
        Octets key = hello.identityKey();
        Contact contact = contacts.get(key);
        if (key.equals(identity.publicKey()) || (contact != null && contact.friend == FriendState.BLOCKED)) {
            drop(Drop.BLOCKED);
            return;
        }
        if (!Identity.verify(key, hello)) {
            drop(Drop.BAD_SIGNATURE);
            return;
        }
        Link link = byKey.get(key);
        boolean replacement = link != null && link.session.state() == PeerSession.State.CONNECTED
                && link.session.remoteSession() != hello.session();
        if (replacement) {
            link = replacing.get(key);
        } else if (link == null && !from.relayed()) {
            link = byPendingAddress.get(from.address());
        }
        if (link == null) {
            if (byLocalSession.size() >= MAX_SESSIONS) {
                drop(Drop.TOO_MANY_SESSIONS);
                return;
            }
            // Nobody here asked for it, so nobody is told if it fails.
            link = open(key, null, List.of(), !replacement);
            if (replacement) {
                replacing.put(key, link);
            }
        }
        link.seen(now);
        link.session.onHello(from, hello, now);
    }

    private void onHelloAck(Route from, HelloAck ack, long now) {
        Link link = byNonce.get(ack.nonce());
        if (link == null) {
            drop(Drop.UNKNOWN_SESSION);
            return;
        }
        Contact contact = contacts.get(ack.identityKey());
        if (contact != null && contact.friend == FriendState.BLOCKED) {
            drop(Drop.BLOCKED);
            return;
        }
        if (!Identity.verify(ack.identityKey(), ack)) {
            drop(Drop.BAD_SIGNATURE);
            return;
        }
        link.session.onHelloAck(from, ack, now);
    }

    /** A new conversation; {@code keyed}: the one for {@code expectedKey} from now on (else only once it connects). */
    private Link open(Octets expectedKey, String target, List<InetSocketAddress> candidates, boolean keyed) {
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
        Link link = new Link(target);
        link.session = new PeerSession(self, timers, localSession, nonce, expectedKey, candidates, output, link,
                clock.millis());
        byLocalSession.put(localSession, link);
        byNonce.put(nonce, link);
        if (keyed) {
            byKey.put(expectedKey, link);
        }
        link.session.tick(clock.millis()); // the first HELLO goes out now, not at the next tick
        if (!candidates.isEmpty()) {
            link.attempted = true;
            paths.attempted();
        }
        return link;
    }

    private Link requireConversation(Octets key) {
        Link link = byKey.get(key);
        if (link == null) {
            throw new ChatException(describe(key) + " is not connected");
        }
        return link;
    }

    private Contact known(Octets key) {
        Contact contact = contacts.get(key);
        if (contact == null) {
            throw new ChatException("no known peer has key " + PeerRef.fingerprint(key));
        }
        return contact;
    }

    /** The known contact for {@code key}, which must be in {@code required}; else {@code otherwise} says why not. */
    private Contact inState(Octets key, FriendState required, String otherwise) {
        Contact contact = known(key);
        if (contact.friend != required) {
            throw new ChatException(contact.ref() + " " + otherwise);
        }
        return contact;
    }

    private String describe(Octets key) {
        Contact contact = contacts.get(key);
        return contact == null ? PeerRef.fingerprint(key) : contact.ref().toString();
    }

    private void setFriend(Contact contact, FriendState state) {
        boolean wasDurable = contact.durable();
        contact.friend = state;
        if (wasDurable || contact.durable()) {
            contacts.save();
        }
    }

    /** Records that the peer now goes by {@code newName} (null: no news), and tells the user. */
    private void rename(Contact contact, String newName) {
        if (newName == null || newName.equals(contact.name)) {
            return;
        }
        String oldName = contact.name;
        contact.name = newName;
        if (contact.durable()) {
            contacts.save();
        }
        events.accept(new PeerEvent.Renamed(contact.ref(), oldName));
    }

    private void releaseHeld(Contact contact) {
        for (PeerEvent.MessageHeld held : contact.held) {
            contact.remember(new HistoryEntry(clock.instant(), false, 0, held.text(), held.broadcast(),
                    HistoryEntry.State.RECEIVED));
            events.accept(new PeerEvent.MessageReceived(contact.ref(), held.text(), held.broadcast()));
        }
        contact.held.clear();
    }

    /** Whether {@code content} is what PROTOCOL.md says a message of {@code kind} carries. */
    private static boolean wellFormed(ContentKind kind, byte[] content) {
        return switch (kind) {
            case TEXT, BROADCAST, FRIEND_REQUEST -> true;
            case NAME_CHANGED -> Names.problem(new String(content, StandardCharsets.US_ASCII)) == null;
            case FRIEND_ACCEPT, FRIEND_DECLINE, FRIEND_REMOVE -> content.length == 0;
        };
    }

    private void drop(Drop reason) {
        drops[reason.ordinal()]++;
    }

    /** Refuses a text whose UTF-8 encoding is over the message size limit. */
    public static void checkSize(String text) {
        checkSize(text.getBytes(StandardCharsets.UTF_8));
    }

    static void checkSize(byte[] content) {
        if (content.length > Wire.MAX_MESSAGE_SIZE) {
            throw new ChatException("the message is " + content.length + " bytes in UTF-8; the limit is "
                    + Wire.MAX_MESSAGE_SIZE);
        }
    }

    /** One conversation's entry in the table, and the receiver of what its session reports. */
    private final class Link implements PeerSession.Events {
        /** What the user asked to connect to, or null for a conversation the other side opened. */
        final String target;
        PeerSession session;
        /** The session's own message numbers to this peer's message ids, for messages not yet settled. */
        final Map<Long, Long> messageIds = new HashMap<>();
        boolean connected;
        /** Whether this side set out to reach the peer at known addresses (a punch attempt). */
        boolean attempted;

        Link(String target) {
            this.target = target;
        }

        Octets key() {
            return session.remoteKey();
        }

        /** Queues a message, or says why not; its fate is reported under {@code id} unless that is NO_RECEIPT. */
        long send(ContentKind kind, byte[] content, long id) {
            checkSize(content);
            if (!offer(kind, content, id)) {
                throw new ChatException("the queue to " + describe(key()) + " is full; try again later");
            }
            return id;
        }

        /** Queues a message if there is room (and it fits); false, with nothing changed, if not. */
        boolean offer(ContentKind kind, byte[] content, long id) {
            long sequence = session.send(kind, content, clock.millis());
            if (sequence < 0) {
                return false;
            }
            if (id != NO_RECEIPT) {
                messageIds.put(sequence, id);
            }
            return true;
        }

        void seen(long now) {
            Octets key = session.remoteKey();
            Contact contact = key == null ? null : contacts.get(key);
            if (contact != null) {
                contact.lastSeen = Instant.ofEpochMilli(now);
            }
        }

        @Override
        public void connected(PeerSession connectedSession) {
            Octets key = session.remoteKey();
            byNonce.remove(session.nonce());
            byPendingAddress.values().remove(this);
            Contact contact = contacts.learn(key, session.remoteName());
            if (contact.friend == FriendState.BLOCKED) {
                session.close("blocked", false);
                return;
            }
            replacing.remove(key, this);
            Link other = byKey.get(key);
            if (other != null && other != this) {
                // The peer proved a fresh conversation while one was open: it restarted and lost the old one.
                other.session.close(other.connected ? "the peer restarted" : "replaced by a newer conversation",
                        false);
            }
            byKey.put(key, this);
            connected = true;
            if (session.address() != null) {
                contact.address = session.address();
            }
            contact.lastSeen = clock.instant();
            if (session.route().relayed()) {
                paths.relayed();
            } else {
                paths.direct();
            }
            events.accept(new PeerEvent.Connected(contact.ref(), session.address()));
        }

        @Override
        public void routeChanged(PeerSession changed, Route previous) {
            Route route = changed.route();
            if (route.relayed()) {
                paths.relayed(); // a direct path fell silent
            } else if (previous.relayed()) {
                paths.direct(); // a probe found a direct path
            }
            Contact contact = contacts.get(key());
            if (contact != null) {
                if (!route.relayed()) {
                    contact.address = route.address();
                }
                events.accept(new PeerEvent.PathChanged(contact.ref(), route.address()));
            }
        }

        @Override
        public void wantsIntroduction(PeerSession wanting) {
            Contact contact = contacts.get(key());
            if (contact != null && contact.name != null) {
                introductions.wanted(contact.key, contact.name);
            }
        }

        @Override
        public void received(PeerSession from, long messageId, ContentKind kind, byte[] content) {
            Contact contact = contacts.learn(key(), session.remoteName());
            if (contact.friend == FriendState.BLOCKED) {
                return;
            }
            if (!wellFormed(kind, content)) {
                drop(Drop.BAD_CONTENT);
                return;
            }
            switch (kind) {
                case TEXT, BROADCAST -> receiveText(contact, new String(content, StandardCharsets.UTF_8),
                        kind == ContentKind.BROADCAST);
                case NAME_CHANGED -> rename(contact, new String(content, StandardCharsets.US_ASCII));
                case FRIEND_REQUEST -> onFriendRequest(contact, new String(content, StandardCharsets.UTF_8));
                case FRIEND_ACCEPT -> {
                    if (contact.friend == FriendState.REQUEST_SENT) {
                        setFriend(contact, FriendState.FRIEND);
                        releaseHeld(contact);
                        events.accept(new PeerEvent.FriendAccepted(contact.ref()));
                    }
                }
                case FRIEND_DECLINE -> {
                    if (contact.friend == FriendState.REQUEST_SENT) {
                        setFriend(contact, FriendState.NONE);
                        events.accept(new PeerEvent.FriendDeclined(contact.ref()));
                    }
                }
                case FRIEND_REMOVE -> {
                    if (contact.friend == FriendState.FRIEND) {
                        setFriend(contact, FriendState.NONE);
                        events.accept(new PeerEvent.FriendRemoved(contact.ref()));
                    }
                }
            }
        }

        private void receiveText(Contact contact, String text, boolean broadcast) {
            if (friendsOnly && contact.friend != FriendState.FRIEND) {
                PeerEvent.MessageHeld held = new PeerEvent.MessageHeld(contact.ref(), text, broadcast);
                contact.hold(held);
                events.accept(held);
                return;
            }
            contact.remember(new HistoryEntry(clock.instant(), false, 0, text, broadcast,
                    HistoryEntry.State.RECEIVED));
            events.accept(new PeerEvent.MessageReceived(contact.ref(), text, broadcast));
        }

        private void onFriendRequest(Contact contact, String note) {
            switch (contact.friend) {
                case FRIEND -> offer(ContentKind.FRIEND_ACCEPT, new byte[0], NO_RECEIPT); // it forgot us
                case REQUEST_SENT -> { // both asked: that is a yes from each side
                    setFriend(contact, FriendState.FRIEND);
                    offer(ContentKind.FRIEND_ACCEPT, new byte[0], NO_RECEIPT);
                    releaseHeld(contact);
                    events.accept(new PeerEvent.FriendAccepted(contact.ref()));
                }
                default -> {
                    setFriend(contact, FriendState.REQUEST_RECEIVED);
                    events.accept(new PeerEvent.FriendRequested(contact.ref(), note));
                }
            }
        }

        @Override
        public void delivered(PeerSession from, long sequence) {
            Long id = messageIds.remove(sequence);
            Contact contact = contacts.get(key());
            if (id == null || contact == null) {
                return;
            }
            contact.settle(id, HistoryEntry.State.DELIVERED);
            events.accept(new PeerEvent.Delivered(contact.ref(), id));
        }

        @Override
        public void failed(PeerSession from, long sequence, String reason) {
            Long id = messageIds.remove(sequence);
            if (id == null) {
                return;
            }
            Octets key = key();
            Contact contact = key == null ? null : contacts.get(key);
            if (contact != null) {
                contact.settle(id, HistoryEntry.State.FAILED);
            }
            events.accept(new PeerEvent.Failed(key != null ? describe(key) : target, id, reason));
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
            Octets key = session.remoteKey();
            if (connected) {
                events.accept(new PeerEvent.Disconnected(contacts.learn(key, session.remoteName()).ref(), reason));
            } else if (target != null) {
                events.accept(new PeerEvent.ConnectFailed(target, reason));
            }
        }
    }
}
