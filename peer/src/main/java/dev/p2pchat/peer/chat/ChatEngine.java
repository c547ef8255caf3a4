package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.HistoryEntry;
import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.peer.api.LimitKind;
import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.api.PeerRef;
import dev.p2pchat.peer.api.PeerView;
import dev.p2pchat.peer.link.LinkTable;
import dev.p2pchat.peer.link.LocalPeer;
import dev.p2pchat.peer.link.PeerSession;
import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.PeerWire;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The chat between this peer and every other, as pure logic on one thread, on top of the {@link LinkTable} of
 * conversations: the contacts with their friend states, names, held messages and history, and the chat features
 * (messages, broadcast, renames, friends, blocks). Told the time and what arrived, it says what to send and what
 * happened.
 */
public final class ChatEngine {
    /** Asks for a fresh introduction to a peer: look it up, and hand what is found to {@link #connect}. */
    @FunctionalInterface
    public interface Introductions {
        void wanted(Octets key, String name);
    }

    private final Clock clock;
    private final Identity identity;
    private final boolean friendsOnly;
    private final Contacts contacts;
    private final Consumer<PeerEvent> events;
    private final Introductions introductions;
    private final LinkTable links;
    private final LocalPeer self;
    private final LimitReports limits;
    private long nextMessageId = 1;
    private long lastFlushMillis;
    /** Delivered messages whose content broke their kind's rule (a bad name, a body where none belongs). */
    private long badContent;

    public ChatEngine(Clock clock, RandomGenerator random, Supplier<X25519.KeyPair> ephemerals,
            PeerSession.Timers timers, LocalPeer self, boolean friendsOnly, Contacts contacts, PeerSocket socket,
            Consumer<PeerEvent> events, Introductions introductions) {
        this.clock = clock;
        this.self = self;
        this.identity = self.identity();
        this.friendsOnly = friendsOnly;
        this.contacts = contacts;
        this.events = events;
        this.introductions = introductions;
        this.limits = new LimitReports(clock, events);
        this.links = new LinkTable(clock, random, ephemerals, timers, self, socket, new Conversations());
        contacts.keepWhile(contact -> links.hasConversation(contact.key));
    }

    /** The conversations under the chat, where the frames that arrive go. */
    public LinkTable links() {
        return links;
    }

    /** Delivered messages dropped because their content broke their kind's rule. */
    public long badContent() {
        return badContent;
    }

    /** How often {@code kind} was reached since the start. */
    public long limitReached(LimitKind kind) {
        return limits.total(kind);
    }

    /** Introduced strangers being reached at once; a further introduction is not tried. */
    static final int MAX_INTRODUCED_STRANGERS = 32;
    /** Friend requests waiting for an answer at once; beyond it the oldest is dropped. */
    static final int MAX_PENDING_REQUESTS = 100;

    /** How often changed contacts are written: a burst of changes (a thousand friend requests) is one write. */
    static final long CONTACTS_FLUSH_MILLIS = 1_000;

    public void tick() {
        links.tick();
        limits.tick();
        long now = clock.millis();
        if (contacts.dirty() && now - lastFlushMillis >= CONTACTS_FLUSH_MILLIS) {
            lastFlushMillis = now;
            contacts.flush();
        }
    }

    // ---- connecting ----

    /**
     * Opens a conversation with the peer holding {@code key}, trying every candidate address at once (an
     * existing conversation is kept, and tries the new candidates too while it is still connecting). Messages may
     * be sent at once; they wait until it connects.
     *
     * @param agreementKey the peer's X25519 key as the tracker gave it, for a handshake that hides this side's
     *     identity from onlookers (IK); null or zeros when unknown
     * @param name the name the peer goes by, as the tracker vouches for it; null when this side only knows the key
     */
    public void connect(Octets key, Octets agreementKey, String name, List<InetSocketAddress> candidates) {
        if (key.equals(identity.publicKey())) {
            throw new ChatException("that is this peer's own key");
        }
        // The name is the tracker's word: taken for a peer not known yet, or one this side keeps nothing about; never
        // for a friend, a block or a request, whose names change only by their own sealed word (a hostile tracker
        // must not rename a friend away from its name and so free it for a lookalike).
        String vouched = name != null && Names.problem(name) == null ? name : null;
        Contact contact = contacts.learn(key, vouched != null ? vouched : PeerRef.fingerprint(key));
        if (contact.friend == FriendState.BLOCKED) {
            throw new ChatException(contact.ref() + " is blocked; unblock it first");
        }
        if (!contact.durable()) {
            rename(contact, vouched);
        }
        links.connect(key, agreementKey == null || agreementKey.isAllZeros() ? null : agreementKey, contact.name,
                candidates);
    }

    /**
     * Tries the peer the tracker introduced (it looked this one up): a friend, or a peer already in a conversation,
     * always; a stranger only while fewer than {@value #MAX_INTRODUCED_STRANGERS} introduced strangers are still
     * being reached, so that lookups by a crowd of fresh keys cost this peer a bounded number of handshakes.
     *
     * @return whether it is tried; when not, the limit was reached and is reported
     */
    public boolean introduced(Octets key, Octets agreementKey, String name, List<InetSocketAddress> candidates) {
        Contact contact = contacts.get(key);
        boolean friend = contact != null && contact.friend == FriendState.FRIEND;
        boolean stranger = !friend && !links.hasConversation(key);
        if (stranger && links.strangersFull()) {
            limits.reached(LimitKind.STRANGER_CONVERSATIONS, LinkTable.MAX_STRANGER_SESSIONS);
            return false;
        }
        if (stranger && connectingStrangers() >= MAX_INTRODUCED_STRANGERS) {
            limits.reached(LimitKind.INTRODUCTIONS, MAX_INTRODUCED_STRANGERS);
            return false;
        }
        connect(key, agreementKey, name, candidates);
        if (stranger) {
            links.countAsStranger(key);
        }
        return true;
    }

    /** Conversations with peers that are not friends that this side is still trying to open. */
    private int connectingStrangers() {
        int connecting = 0;
        for (Octets key : links.keys()) {
            Contact contact = contacts.get(key);
            if (links.connected(key) == null && (contact == null || contact.friend != FriendState.FRIEND)) {
                connecting++;
            }
        }
        return connecting;
    }

    /** Opens a conversation with whoever answers at {@code address} (no tracker needed). */
    public void connect(InetSocketAddress address) {
        links.connect(address, HostPort.format(address));
    }

    /** Whether a conversation with {@code key} is open or opening. */
    public boolean hasConversation(Octets key) {
        return links.hasConversation(key);
    }

    /** Asks for a fresh introduction to every connected peer (this side's NAT mapping moved). */
    public void reintroduceAll() {
        links.reintroduceAll();
    }

    /** Says goodbye to the peer and ends the conversation. */
    public void disconnect(Octets key) {
        if (!links.close(key, "closed here", true)) {
            throw new ChatException(describe(key) + " is not connected");
        }
    }

    // ---- messages ----

    /**
     * The one peer {@code reference} names. A name names the friend that goes by it, always (a stranger that claims a
     * friend's name never gets what was meant for the friend, whatever its key starts with), else the one other
     * contact that goes by it; a prefix of a fingerprint (at least 8 hex digits, dashes optional: too many for a
     * stranger to make a key that matches a name by trying) names the contact whose key starts so. Null when it names
     * nobody known.
     *
     * @throws ChatException when it names several peers, with every candidate and its fingerprint
     */
    public Octets resolve(String reference) {
        List<Contact> friends = contacts.friendsNamed(reference);
        if (friends.size() == 1) {
            return friends.get(0).key; // whatever fingerprint a stranger's key may start with
        }
        List<Contact> byName = friends.isEmpty() ? contacts.named(reference) : friends;
        if (byName.size() > 1) {
            throw ambiguous(reference, byName);
        }
        Set<Contact> candidates = new LinkedHashSet<>(byName);
        candidates.addAll(contacts.withFingerprint(reference));
        if (candidates.size() > 1) {
            throw ambiguous(reference, candidates);
        }
        return candidates.isEmpty() ? null : candidates.iterator().next().key;
    }

    /** Refuses {@code reference} when several known peers go by it as a name, whether or not one is a friend. */
    public void requireUnique(String reference) {
        List<Contact> named = contacts.named(reference);
        if (named.size() > 1) {
            throw ambiguous(reference, named);
        }
    }

    private static ChatException ambiguous(String reference, Collection<Contact> candidates) {
        return new ChatException(reference + " could be any of " + candidates.size() + " peers: "
                + String.join(", ", candidates.stream().map(c -> c.ref().toString()).toList())
                + "; name one by its fingerprint");
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
        send(key, ContentKind.TEXT, text.getBytes(StandardCharsets.UTF_8), id);
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
        for (Octets key : links.keys()) {
            long id = newMessageId();
            if (links.connected(key) != null && links.offer(key, ContentKind.BROADCAST, content, id)) {
                ids.add(id);
                contacts.get(key).remember(new HistoryEntry(now, true, id, text, true, HistoryEntry.State.SENT));
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
        self.rename(newName);
        byte[] content = newName.getBytes(StandardCharsets.US_ASCII);
        for (Octets key : links.keys()) {
            if (links.connected(key) != null) {
                // A full queue: that peer learns later.
                links.offer(key, ContentKind.NAME_CHANGED, content, LinkTable.NO_RECEIPT);
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
                long id = send(key, ContentKind.FRIEND_REQUEST,
                        note.getBytes(StandardCharsets.UTF_8), newMessageId());
                setFriend(contact, FriendState.REQUEST_SENT);
                return id;
            }
        }
    }

    /** Accepts the peer's friend request; messages it sent while a stranger are shown now. */
    public long acceptFriend(Octets key) {
        Contact contact = inState(key, FriendState.REQUEST_RECEIVED, "has not asked to be friends");
        long id = send(key, ContentKind.FRIEND_ACCEPT, new byte[0], newMessageId());
        setFriend(contact, FriendState.FRIEND);
        releaseHeld(contact);
        return id;
    }

    /** Declines the peer's friend request; messages it sent while a stranger are dropped. */
    public long declineFriend(Octets key) {
        Contact contact = inState(key, FriendState.REQUEST_RECEIVED, "has not asked to be friends");
        long id = send(key, ContentKind.FRIEND_DECLINE, new byte[0], newMessageId());
        setFriend(contact, FriendState.NONE);
        contact.clearHeld();
        return id;
    }

    /** Ends a friendship; the peer is told. */
    public long removeFriend(Octets key) {
        Contact contact = inState(key, FriendState.FRIEND, "is not a friend");
        long id = send(key, ContentKind.FRIEND_REMOVE, new byte[0], newMessageId());
        setFriend(contact, FriendState.NONE);
        return id;
    }

    /** Blocks the peer: its conversation ends and nothing from it is accepted until it is unblocked. */
    public void block(Octets key) {
        Contact contact = known(key);
        setFriend(contact, FriendState.BLOCKED);
        contact.clearHeld();
        links.close(key, "closed here: blocked", true);
    }

    public void unblock(Octets key) {
        Contact contact = inState(key, FriendState.BLOCKED, "is not blocked");
        setFriend(contact, FriendState.NONE);
    }

    // ---- verifying ----

    /**
     * The safety number of this peer and {@code key}: both sides compute the same one from the two identity keys, so
     * two people who read it to each other out of band (in person, on a call) know that no one sits between them.
     */
    public String safetyNumber(Octets key) {
        return SafetyNumber.of(identity.publicKey(), known(key).key);
    }

    /** Marks the peer as verified: its safety number was compared and matched. */
    public void verify(Octets key) {
        contacts.verify(known(key));
    }

    // ---- views ----

    /** Every known peer, by name. */
    public List<PeerView> peers() {
        List<PeerView> views = new ArrayList<>();
        for (Contact contact : contacts.all()) {
            PeerSession session = links.connected(contact.key);
            boolean connected = session != null;
            boolean relayed = connected && session.route().relayed();
            views.add(new PeerView(contact.ref(), connected && !relayed ? session.address() : contact.address,
                    connected ? (relayed ? "relay" : "direct") : "none", connected ? session.rttMillis() : -1,
                    contact.lastSeen, contact.friend, contact.verified, connected));
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

    /** Says goodbye to every peer (queued messages fail) and writes the contacts that changed. */
    public void close() {
        links.closeAll("closed here: shutting down");
        contacts.flush();
    }


    // ---- internals ----

    /** Queues a message to a peer with an open or opening conversation, or says why not. */
    private long send(Octets key, ContentKind kind, byte[] content, long id) {
        checkSize(content);
        if (!links.hasConversation(key)) {
            throw new ChatException(describe(key) + " is not connected");
        }
        if (!links.offer(key, kind, content, id)) {
            throw new ChatException("the queue to " + describe(key) + " is full; try again later");
        }
        return id;
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
        contacts.setFriend(contact, state);
    }

    /** Records that the peer now goes by {@code newName} (null: no news), and tells the user. */
    private void rename(Contact contact, String newName) {
        if (newName == null || newName.equals(contact.name)) {
            return;
        }
        String oldName = contact.name;
        contacts.rename(contact, newName);
        events.accept(new PeerEvent.Renamed(contact.ref(), oldName));
    }

    /** Keeps what strangers' messages hold within the contacts' budget, and tells when some had to go. */
    private void trimStrangerMessages(Contact arrived) {
        if (contacts.trimStrangerMessages(arrived) > 0) {
            limits.reached(LimitKind.STRANGER_MESSAGES, (int) (Contacts.MAX_MESSAGE_BYTES / (1024 * 1024)));
        }
    }

    /** Warns the user when {@code contact} goes by the name of a friend with another key. */
    private void warnIfLookalike(Contact contact) {
        if (contacts.isLookalike(contact)) {
            events.accept(new PeerEvent.Lookalike(contact.ref(), contacts.friendsNamed(contact.name).stream()
                    .filter(friend -> !friend.key.equals(contact.key)).map(Contact::ref).toList()));
        }
    }

    private void releaseHeld(Contact contact) {
        for (PeerEvent.MessageHeld held : contact.held) {
            contact.remember(new HistoryEntry(clock.instant(), false, 0, held.text(), held.broadcast(),
                    HistoryEntry.State.RECEIVED));
            events.accept(new PeerEvent.MessageReceived(contact.ref(), held.text(), held.broadcast()));
        }
        contact.clearHeld();
    }

    /** Whether {@code content} is what PROTOCOL.md says a message of {@code kind} carries. */
    private static boolean wellFormed(ContentKind kind, byte[] content) {
        return switch (kind) {
            case TEXT, BROADCAST, FRIEND_REQUEST -> true;
            case NAME_CHANGED -> Names.problem(new String(content, StandardCharsets.US_ASCII)) == null;
            case FRIEND_ACCEPT, FRIEND_DECLINE, FRIEND_REMOVE -> content.length == 0;
        };
    }

    /** Refuses a text whose UTF-8 encoding is over the message size limit. */
    public static void checkSize(String text) {
        checkSize(text.getBytes(StandardCharsets.UTF_8));
    }

    static void checkSize(byte[] content) {
        if (content.length > PeerWire.MAX_MESSAGE_SIZE) {
            throw new ChatException("the message is " + content.length + " bytes in UTF-8; the limit is "
                    + PeerWire.MAX_MESSAGE_SIZE);
        }
    }

    /** What the conversations report, turned into contacts, history and events. */
    private final class Conversations implements LinkTable.Listener {
        @Override
        public boolean admits(Octets key) {
            Contact contact = contacts.get(key);
            return contact == null || contact.friend != FriendState.BLOCKED;
        }

        @Override
        public boolean trusted(Octets key) {
            Contact contact = contacts.get(key);
            return contact != null && contact.friend == FriendState.FRIEND;
        }

        @Override
        public void limitReached(LimitKind kind, int limit) {
            limits.reached(kind, limit);
        }

        @Override
        public void seen(Octets key, long now) {
            Contact contact = contacts.get(key);
            if (contact != null) {
                contact.lastSeen = Instant.ofEpochMilli(now);
            }
        }

        @Override
        public void connected(PeerSession session) {
            Contact contact = contacts.learn(session.remoteKey(), session.remoteName());
            // The name its handshake proved is the peer's own word (a friend renamed while this side was away).
            rename(contact, session.remoteName());
            if (session.address() != null) {
                contact.address = session.address();
            }
            contact.lastSeen = clock.instant();
            events.accept(new PeerEvent.Connected(contact.ref(), session.address()));
            warnIfLookalike(contact);
        }

        @Override
        public void routeChanged(PeerSession session) {
            Contact contact = contacts.get(session.remoteKey());
            if (contact != null) {
                if (!session.route().relayed()) {
                    contact.address = session.route().address();
                }
                events.accept(new PeerEvent.PathChanged(contact.ref(), session.route().address()));
            }
        }

        @Override
        public void wantsIntroduction(Octets key) {
            Contact contact = contacts.get(key);
            if (contact != null && contact.name != null) {
                introductions.wanted(contact.key, contact.name);
            }
        }

        @Override
        public void delivered(PeerSession session, long id) {
            Contact contact = contacts.get(session.remoteKey());
            if (contact == null) {
                return;
            }
            contact.settle(id, HistoryEntry.State.DELIVERED);
            events.accept(new PeerEvent.Delivered(contact.ref(), id));
        }

        @Override
        public void failed(PeerSession session, String target, long id, String reason) {
            Octets key = session.remoteKey();
            Contact contact = key == null ? null : contacts.get(key);
            if (contact != null) {
                contact.settle(id, HistoryEntry.State.FAILED);
            }
            events.accept(new PeerEvent.Failed(key != null ? describe(key) : target, id, reason));
        }

        @Override
        public void disconnected(PeerSession session, String reason) {
            events.accept(new PeerEvent.Disconnected(contacts.learn(session.remoteKey(), session.remoteName()).ref(),
                    reason));
        }

        @Override
        public void connectFailed(String target, String reason) {
            events.accept(new PeerEvent.ConnectFailed(target, reason));
        }

        @Override
        public void received(PeerSession session, ContentKind kind, byte[] content) {
            Contact contact = contacts.learn(session.remoteKey(), session.remoteName());
            if (contact.friend == FriendState.BLOCKED) {
                return;
            }
            if (!wellFormed(kind, content)) {
                badContent++;
                return;
            }
            switch (kind) {
                case TEXT, BROADCAST -> receiveText(contact, new String(content, StandardCharsets.UTF_8),
                        kind == ContentKind.BROADCAST);
                case NAME_CHANGED -> {
                    rename(contact, new String(content, StandardCharsets.US_ASCII));
                    warnIfLookalike(contact);
                }
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
                trimStrangerMessages(contact);
                events.accept(held);
                return;
            }
            contact.remember(new HistoryEntry(clock.instant(), false, 0, text, broadcast,
                    HistoryEntry.State.RECEIVED));
            trimStrangerMessages(contact);
            events.accept(new PeerEvent.MessageReceived(contact.ref(), text, broadcast));
        }
        private void onFriendRequest(Contact contact, String note) {
            switch (contact.friend) {
                case FRIEND -> links.offer(contact.key, ContentKind.FRIEND_ACCEPT, new byte[0], LinkTable.NO_RECEIPT); // it forgot us
                case REQUEST_SENT -> { // both asked: that is a yes from each side
                    setFriend(contact, FriendState.FRIEND);
                    links.offer(contact.key, ContentKind.FRIEND_ACCEPT, new byte[0], LinkTable.NO_RECEIPT);
                    releaseHeld(contact);
                    events.accept(new PeerEvent.FriendAccepted(contact.ref()));
                }
                case REQUEST_RECEIVED -> { } // asked again: it waits already, and is told once
                default -> {
                    setFriend(contact, FriendState.REQUEST_RECEIVED);
                    events.accept(new PeerEvent.FriendRequested(contact.ref(), note));
                    if (contacts.pendingRequests() > MAX_PENDING_REQUESTS) {
                        // Newest kept: a flood of throwaway keys cannot make a real request wait forever unseen,
                        // and the user hears of the flood.
                        Contact oldest = contacts.oldestRequest();
                        setFriend(oldest, FriendState.NONE);
                        oldest.clearHeld();
                        limits.reached(LimitKind.FRIEND_REQUESTS, MAX_PENDING_REQUESTS);
                    }
                }
            }
        }
    }
}
