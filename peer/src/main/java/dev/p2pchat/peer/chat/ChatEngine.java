package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.HistoryEntry;
import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.peer.api.LimitKind;
import dev.p2pchat.peer.api.MessageId;
import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.api.PeerRef;
import dev.p2pchat.peer.api.PeerView;
import dev.p2pchat.peer.link.LinkTable;
import dev.p2pchat.peer.link.MailSeal;
import dev.p2pchat.peer.link.LocalPeer;
import dev.p2pchat.peer.link.PeerSession;
import dev.p2pchat.peer.store.PeerStore;
import dev.p2pchat.store.StoreException;
import dev.p2pchat.peer.store.StoredMessage;
import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.peer.ChatContent;
import dev.p2pchat.protocol.peer.ContentKind;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
    public interface Introductions {
        void wanted(Octets key, String name);

        /**
         * Messages wait for a peer with no conversation: try to reach it (its last address, a lookup), and hand what
         * is found to {@link #connect}; tell {@link #offline} when the tracker does not know it.
         */
        void reach(Octets key, String name);

        /**
         * Leaves sealed mail pieces at the tracker for {@code key}, which is not registered; completes once the
         * tracker stored every one, fails when it refused one (its mailbox is full) or cannot be asked.
         */
        CompletableFuture<Void> deposit(Octets key, List<Octets> pieces);

        /** The mail pieces with these ids are stored here (or worthless): the tracker may delete them. */
        void mailStored(List<Long> ids);
    }

    /** Receipts by mail to peers that are neither friends nor written to, in any {@link #MAIL_RECEIPT_WINDOW_MILLIS}. */
    static final int MAX_STRANGER_MAIL_RECEIPTS = 250;
    static final long MAIL_RECEIPT_WINDOW_MILLIS = 7L * 24 * 60 * 60 * 1000;

    /** Mail sealed longer ago than any tracker keeps it (30 days) is a replay, shown nowhere. */
    static final long OLDEST_MAIL_MILLIS = 31L * 24 * 60 * 60 * 1000;

    /** Messages being left in the tracker's mailbox at once (the tracker session has 64 requests in flight). */
    static final int MAX_DEPOSITING = 16;

    /** Chat messages waiting to be delivered, all peers together; beyond it a new one is refused, saying so. */
    public static final int MAX_QUEUED_MESSAGES = 100_000;
    /** The bytes of text they hold in memory. */
    public static final long MAX_QUEUED_BYTES = 64L * 1024 * 1024;

    private final Clock clock;
    private final Identity identity;
    private final boolean friendsOnly;
    private final Contacts contacts;
    private final Consumer<PeerEvent> events;
    private final Introductions introductions;
    private final LinkTable links;
    private final LocalPeer self;
    private final LimitReports limits;
    private final PeerStore store;
    private final Executor loop;
    private final RandomGenerator random;
    private final long messageTtlMillis;
    /** This side's next message number: message rows, and the receipts of what is handed to a conversation. */
    private long nextSeq;
    private final Map<Octets, PeerQueue> queues = new HashMap<>();
    /** Chat messages in the hands of a conversation, by the receipt they were handed over with. */
    private final Map<Long, Outgoing> onLink = new HashMap<>();
    /** Friend requests and answers in the hands of a conversation, by receipt. */
    private final Map<Long, MessageId> controls = new HashMap<>();
    private int queuedMessages;
    private long queuedBytes;
    /** Ids of messages stored since receipts were last sent, by sender. */
    private final Map<Octets, List<Octets>> receiptsDue = new LinkedHashMap<>();
    private boolean receiptsScheduled;
    private long lastFlushMillis;
    private long lastTrimMillis;
    /** Delivered messages whose content broke their kind's rule (a bad name, a body where none belongs). */
    private long badContent;
    /** Messages that arrived and could not be stored (so were neither shown nor acknowledged). */
    private long unstored;
    private final MailSeal seal;
    private final MailInbox mailInbox = new MailInbox();
    /** Messages being deposited at the tracker now; beyond a bound the rest wait for the next try. */
    private int depositing;
    /** Mail that did not open or was not what a sender seals. */
    private long unopenedMail;
    /** When receipts went by mail to peers that are neither friends nor written to, oldest first. */
    private final java.util.ArrayDeque<Long> strangerMailReceipts = new java.util.ArrayDeque<>();

    /**
     * @param store where messages and contacts are kept; its callbacks must run on {@code loop}
     * @param loop the thread that owns this engine, for work that follows a write
     * @param random message ids, indices, conversation ids and cookie nonces
     */
    public ChatEngine(Clock clock, RandomGenerator random, Supplier<X25519.KeyPair> ephemerals,
            PeerSession.Timers timers, LocalPeer self, boolean friendsOnly, Duration messageTtl, Contacts contacts,
            PeerStore store, Executor loop, PeerSocket socket, Consumer<PeerEvent> events,
            Introductions introductions) throws StoreException {
        this.clock = clock;
        this.self = self;
        this.identity = self.identity();
        this.friendsOnly = friendsOnly;
        this.messageTtlMillis = messageTtl.toMillis();
        this.contacts = contacts;
        this.store = store;
        this.loop = loop;
        this.random = random;
        this.events = events;
        this.introductions = introductions;
        this.limits = new LimitReports(clock, events);
        this.links = new LinkTable(clock, random, ephemerals, timers, self, socket, new Conversations());
        this.seal = new MailSeal(self, ephemerals, random);
        contacts.keepWhile(contact -> links.hasConversation(contact.key));
        this.nextSeq = store.lastSeq() + 1;
        restore(store.queued());
    }

    /** Takes back the messages a previous run left queued: they go out as soon as their peers are reached. */
    private void restore(List<StoredMessage> queued) {
        for (StoredMessage row : queued) {
            byte[] utf8 = row.text().getBytes(StandardCharsets.UTF_8);
            MessageId id = new MessageId(row.id());
            Outgoing message = new Outgoing(row.seq(), row.peer(), id, row.at(), row.expires(), row.text(),
                    row.broadcast(), ChatContent.encodeText(row.id(), row.at(), utf8));
            message.stored = true;
            contacts.keep(contacts.learn(row.peer(), row.peerName() != null ? row.peerName()
                    : PeerRef.fingerprint(row.peer())));
            queues.computeIfAbsent(row.peer(), PeerQueue::new).byId.put(id, message);
            queuedMessages++;
            queuedBytes += utf8.length;
        }
    }

    /** The conversations under the chat, where the frames that arrive go. */
    public LinkTable links() {
        return links;
    }

    /** Delivered messages dropped because their content broke their kind's rule. */
    public long badContent() {
        return badContent;
    }

    /** Mail that did not open, was not what a sender seals, or was an incomplete envelope dropped for room. */
    public long unopenedMail() {
        return unopenedMail + mailInbox.dropped();
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

    /** Messages that arrived and could not be stored, so were neither shown nor acknowledged. */
    public long unstoredMessages() {
        return unstored;
    }

    public void tick() {
        links.tick();
        limits.tick();
        long now = clock.millis();
        if (contacts.dirty() && now - lastFlushMillis >= CONTACTS_FLUSH_MILLIS) {
            lastFlushMillis = now;
            contacts.flush();
        }
        expire(now);
        reachQueued(now);
        if (now - lastTrimMillis >= TRIM_MILLIS) {
            lastTrimMillis = now;
            store.trimStrangerMessages(MAX_STRANGER_MESSAGES, trimmed -> {
                if (trimmed > 0) {
                    limits.reached(LimitKind.STRANGER_MESSAGES, MAX_STRANGER_MESSAGES);
                }
            });
        }
    }

    /** Stored messages from peers that are not friends, all together; beyond it the oldest are deleted. */
    static final int MAX_STRANGER_MESSAGES = 100_000;
    /** How often the strangers' messages are checked against {@link #MAX_STRANGER_MESSAGES}. */
    static final long TRIM_MILLIS = 60_000;

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

    /**
     * Queues a chat message to a known peer, connected or not: it completes with the message's id once the message
     * is stored, and goes out, in order, as soon as a conversation with the peer is open (one is tried at once).
     */
    public CompletableFuture<MessageId> queueText(Octets key, String text) {
        Contact contact = known(key);
        if (contact.friend == FriendState.BLOCKED) {
            throw new ChatException(contact.ref() + " is blocked; unblock it first");
        }
        return queue(contact, text, false);
    }

    /**
     * Queues {@code text} to every connected peer; completes with the ids of the copies once all are stored (none
     * when nobody is connected).
     */
    public CompletableFuture<List<MessageId>> broadcast(String text) {
        checkSize(text);
        List<CompletableFuture<MessageId>> copies = new ArrayList<>();
        for (Octets key : links.keys()) {
            Contact contact = contacts.get(key);
            if (links.connected(key) != null && contact != null) {
                copies.add(queue(contact, text, true));
            }
        }
        return CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new))
                .thenApply(done -> copies.stream().map(CompletableFuture::join).toList());
    }

    /** Every chat message that waits for its receiver, oldest first. */
    public List<HistoryEntry> queued() {
        List<Outgoing> all = new ArrayList<>(queuedMessages);
        queues.values().forEach(queue -> all.addAll(queue.byId.values()));
        all.sort(Comparator.comparingLong(message -> message.seq));
        return all.stream().map(this::entry).toList();
    }

    /**
     * Cancels the waiting message whose id starts with {@code idPrefix} (at least 4 hex digits): it fails, and is
     * never sent. One already handed to a conversation may arrive, so it cannot be cancelled any more.
     */
    public HistoryEntry cancel(String idPrefix) {
        String digits = idPrefix.toLowerCase(Locale.ROOT);
        if (digits.length() < 4 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new ChatException("a message is named by at least 4 hex digits of its id, as /queue shows them");
        }
        List<Outgoing> matches = new ArrayList<>();
        queues.values().forEach(queue -> queue.byId.values().stream()
                .filter(message -> message.id.hex().startsWith(digits)).forEach(matches::add));
        if (matches.isEmpty()) {
            throw new ChatException("no waiting message has an id starting with " + digits);
        }
        if (matches.size() > 1) {
            throw new ChatException(digits + " starts the ids of " + matches.size() + " waiting messages: "
                    + String.join(", ", matches.stream().map(message -> message.id.hex()).toList())
                    + "; give more digits");
        }
        Outgoing message = matches.get(0);
        PeerQueue queue = queues.get(message.peer);
        if (queue.offered(message) && links.connected(message.peer) != null) {
            throw new ChatException("message " + message.id + " to " + describe(message.peer)
                    + " is on its way already and may arrive; it can no longer be cancelled");
        }
        settle(queue, message, StoredMessage.State.FAILED, "cancelled");
        events.accept(new PeerEvent.Failed(describe(message.peer), message.id, "cancelled"));
        return entry(message).withState(HistoryEntry.State.FAILED, "cancelled");
    }

    /** The tracker does not know the peer: it is offline, and its messages wait for it. */
    public void offline(Octets key) {
        PeerQueue queue = queues.get(key);
        if (queue == null) {
            return;
        }
        queue.offline = true;
        Contact contact = contacts.get(key);
        if (contact == null || contact.agreementKey == null) {
            return; // no handshake ever proved its key: nothing can be sealed to it, so it waits for the peer
        }
        for (Outgoing message : queue.byId.values()) {
            if (depositing >= MAX_DEPOSITING) {
                break;
            }
            if (message.stored && !message.deposited && !message.depositing) {
                deposit(contact, message);
            }
        }
    }

    /**
     * Leaves a waiting message in the tracker's mailbox, sealed to its peer: it counts as sent once the tracker has
     * it, and stays queued here until the peer's receipt says it stored it (it also goes out directly as soon as a
     * conversation opens; the peer shows it once either way).
     */
    private void deposit(Contact contact, Outgoing message) {
        message.depositing = true;
        depositing++;
        List<Octets> pieces = seal.seal(contact.agreementKey, message.broadcast ? ContentKind.BROADCAST
                : ContentKind.TEXT, message.content, clock.millis());
        introductions.deposit(contact.key, pieces).whenComplete((stored, failure) -> {
            message.depositing = false;
            depositing--;
            PeerQueue queue = queues.get(message.peer);
            boolean waiting = queue != null && queue.byId.get(message.id) == message;
            if (failure != null) {
                message.mailProblem = "the tracker's mailbox did not take it ("
                        + (failure.getCause() != null ? failure.getCause() : failure).getMessage() + ")";
            } else if (!message.deposited) {
                message.deposited = true;
                message.mailProblem = null;
                if (waiting) {
                    events.accept(new PeerEvent.Sent(refOf(message.peer, null), message.id));
                }
            }
        });
    }

    /**
     * A piece of this peer's mail, fetched from the tracker under {@code mailId}. Once all the pieces of its
     * envelope are here it is opened and handled as if it came in a conversation; the tracker is told to delete the
     * pieces once the content is stored (or found worthless).
     */
    public void mailArrived(long mailId, Octets mail) {
        MailSeal.Piece piece = MailSeal.piece(mail);
        if (piece == null) {
            unopenedMail++;
            introductions.mailStored(List.of(mailId));
            return;
        }
        MailInbox.Envelope envelope = mailInbox.add(mailId, piece, clock.millis());
        if (envelope == null) {
            return;
        }
        if (envelope.pieces().isEmpty()) {
            introductions.mailStored(envelope.ids()); // a copy, or a piece of an envelope taken or abandoned
            return;
        }
        Runnable done = () -> {
            mailInbox.taken(envelope.id());
            introductions.mailStored(envelope.ids());
        };
        MailSeal.Opened opened;
        try {
            opened = seal.open(envelope.pieces());
        } catch (MailSeal.Unopened e) {
            unopenedMail++;
            done.run();
            return;
        }
        if (opened.senderKey().equals(identity.publicKey())
                || clock.millis() - opened.sentAt() > OLDEST_MAIL_MILLIS) {
            // A copy of this peer's own mail comes from nobody honest; mail older than any tracker keeps it is a
            // replay (the receiver's dedup of it may have been trimmed away).
            unopenedMail++;
            done.run();
            return;
        }
        Contact known = contacts.get(opened.senderKey());
        if (known != null && known.friend == FriendState.BLOCKED) {
            done.run();
            return;
        }
        Contact contact;
        try {
            contact = contacts.learn(opened.senderKey(), opened.senderName());
        } catch (RuntimeException e) {
            return; // no room for another contact: the pieces stay at the tracker, for a later fetch
        }
        if (known == null) {
            // A new contact: its name and key as its own signature binds them. A known one's name and key change
            // only in a handshake, never by mail, which a tracker can replay from long ago.
            rename(contact, opened.senderName());
            contacts.agreed(contact, opened.senderAgreementKey());
        } else if (contact.agreementKey == null) {
            contacts.agreed(contact, opened.senderAgreementKey());
        }
        switch (opened.kind()) {
            case TEXT, BROADCAST -> receiveText(contact, opened.content(), opened.kind() == ContentKind.BROADCAST,
                    done, () -> { }); // not stored: not taken, so its pieces come again at the next fetch
            case RECEIPT -> {
                receipt(contact, opened.content());
                done.run();
            }
            default -> {
                badContent++; // the rest travels only in conversations
                done.run();
            }
        }
    }

    /** Tries to reach every peer messages wait for, now (the tracker came back, or this side's path changed). */
    public void retryQueuedNow() {
        queues.values().forEach(PeerQueue::retrySoon);
    }

    /** The conversation with a known peer: its {@code limit} newest messages, oldest first. */
    public CompletableFuture<List<HistoryEntry>> history(Octets key, int limit) {
        known(key);
        return store.history(key, Long.MAX_VALUE, limit).thenApply(rows -> rows.stream().map(this::entry).toList());
    }

    /** The {@code limit} newest messages with anyone that hold every word of {@code text}, oldest first. */
    public CompletableFuture<List<HistoryEntry>> search(String text, int limit) {
        return store.search(text, limit).thenApply(rows -> rows.stream().map(this::entry).toList());
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
    public MessageId requestFriend(Octets key, String note) {
        Contact contact = known(key);
        switch (contact.friend) {
            case FRIEND -> throw new ChatException(contact.ref() + " is already a friend");
            case BLOCKED -> throw new ChatException(contact.ref() + " is blocked; unblock it first");
            case REQUEST_RECEIVED -> {
                return acceptFriend(key);
            }
            default -> {
                MessageId id = sendControl(key, ContentKind.FRIEND_REQUEST, note.getBytes(StandardCharsets.UTF_8));
                setFriend(contact, FriendState.REQUEST_SENT);
                return id;
            }
        }
    }

    /** Accepts the peer's friend request; messages it sent while a stranger are shown now. */
    public MessageId acceptFriend(Octets key) {
        Contact contact = inState(key, FriendState.REQUEST_RECEIVED, "has not asked to be friends");
        MessageId id = sendControl(key, ContentKind.FRIEND_ACCEPT, new byte[0]);
        setFriend(contact, FriendState.FRIEND);
        releaseHeld(contact);
        return id;
    }

    /** Declines the peer's friend request; messages it sent while a stranger are dropped. */
    public MessageId declineFriend(Octets key) {
        Contact contact = inState(key, FriendState.REQUEST_RECEIVED, "has not asked to be friends");
        MessageId id = sendControl(key, ContentKind.FRIEND_DECLINE, new byte[0]);
        setFriend(contact, FriendState.NONE);
        store.discardHeld(key);
        return id;
    }

    /** Ends a friendship; the peer is told. */
    public MessageId removeFriend(Octets key) {
        Contact contact = inState(key, FriendState.FRIEND, "is not a friend");
        MessageId id = sendControl(key, ContentKind.FRIEND_REMOVE, new byte[0]);
        setFriend(contact, FriendState.NONE);
        return id;
    }

    /** Blocks the peer: its conversation ends and nothing from it is accepted until it is unblocked. */
    public void block(Octets key) {
        Contact contact = known(key);
        setFriend(contact, FriendState.BLOCKED);
        store.discardHeld(key);
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

    public PeerRef describeRef(Octets key) {
        return known(key).ref();
    }

    /** Says goodbye to every peer (queued messages wait in the store) and writes the contacts that changed. */
    public void close() {
        links.closeAll("closed here: shutting down");
        contacts.flush();
    }


    // ---- internals ----

    /**
     * Hands a friend request or an answer to the open or opening conversation with {@code key}, or says why not: it
     * is delivered when the peer's link took it, and fails if the conversation ends first.
     */
    private MessageId sendControl(Octets key, ContentKind kind, byte[] content) {
        checkSize(content);
        if (!links.hasConversation(key)) {
            throw new ChatException(describe(key) + " is not connected");
        }
        long receipt = nextSeq++;
        if (!links.offer(key, kind, content, receipt)) {
            throw new ChatException("the queue to " + describe(key) + " is full; try again later");
        }
        MessageId id = MessageId.random(random);
        controls.put(receipt, id);
        return id;
    }

    private CompletableFuture<MessageId> queue(Contact contact, String text, boolean broadcast) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        checkSize(utf8);
        if (queuedMessages >= MAX_QUEUED_MESSAGES || queuedBytes + utf8.length > MAX_QUEUED_BYTES) {
            limits.reached(LimitKind.QUEUED_MESSAGES, MAX_QUEUED_MESSAGES);
            throw new ChatException(queuedMessages + " messages (" + queuedBytes / 1024 + " KiB) wait for their "
                    + "receivers already, the most this peer keeps; cancel some (/queue, /cancel) or wait");
        }
        long now = clock.millis();
        MessageId id = MessageId.random(random);
        Octets key = contact.key;
        Outgoing message = new Outgoing(nextSeq++, key, id, now, now + messageTtlMillis, text, broadcast,
                ChatContent.encodeText(id.bytes(), now, utf8));
        PeerQueue queue = queues.computeIfAbsent(key, PeerQueue::new);
        queue.byId.put(id, message);
        queuedMessages++;
        queuedBytes += utf8.length;
        keep(contact);
        CompletableFuture<MessageId> stored = new CompletableFuture<>();
        store.insertOutgoing(message.toStored(contact.name), () -> {
            message.stored = true;
            PeerQueue current = queues.get(key);
            if (current != null && current.byId.get(id) == message) {
                current.toOffer.addLast(message);
                offer(current);
            }
            stored.complete(id);
        }, problem -> {
            PeerQueue current = queues.get(key);
            if (current != null && current.byId.get(id) == message) {
                forget(current, message);
            }
            stored.completeExceptionally(new ChatException("could not store the message to " + describe(key)
                    + " in " + store.location() + ": " + problem + "; it was not sent"));
        });
        return stored;
    }

    /** Saves {@code contact} with the messages stored with it; at once the first time, so no message lacks a name. */
    private void keep(Contact contact) {
        if (!contact.hasMessages) {
            contacts.keep(contact);
            contacts.flush();
        }
    }

    /** Hands the stored messages still waiting for the peer to its conversation, while that takes them. */
    private void offer(PeerQueue queue) {
        if (links.connected(queue.peer) == null) {
            return;
        }
        while (!queue.toOffer.isEmpty()) {
            Outgoing message = queue.toOffer.peekFirst();
            if (queue.byId.get(message.id) != message || queue.offered(message)) {
                queue.toOffer.pollFirst(); // settled meanwhile, or there already
                continue;
            }
            if (!links.offer(queue.peer, message.broadcast ? ContentKind.BROADCAST : ContentKind.TEXT,
                    message.content, message.seq)) {
                return; // the conversation's queue is full: more goes once some is acknowledged
            }
            queue.toOffer.pollFirst();
            message.offeredIn = queue.conversation;
            message.sent = false;
            onLink.put(message.seq, message);
        }
    }

    /** Records the end of a waiting message: delivered, or failed (cancelled, expired). */
    private void settle(PeerQueue queue, Outgoing message, StoredMessage.State state, String reason) {
        forget(queue, message);
        store.setState(message.seq, state, reason);
    }

    private void forget(PeerQueue queue, Outgoing message) {
        queue.byId.remove(message.id);
        onLink.remove(message.seq);
        queuedMessages--;
        queuedBytes -= message.text.getBytes(StandardCharsets.UTF_8).length;
        if (queue.byId.isEmpty()) {
            queues.remove(queue.peer);
        }
    }

    /** Fails the waiting messages that outlived their time, unless a conversation has them in hand. */
    private void expire(long now) {
        for (PeerQueue queue : List.copyOf(queues.values())) {
            boolean connected = links.connected(queue.peer) != null;
            for (Outgoing message : List.copyOf(queue.byId.values())) {
                if (message.expires > now) {
                    break; // written in order, so expiring in order
                }
                if (!(connected && queue.offered(message))) {
                    String reason = "expired: not delivered within " + Duration.ofMillis(messageTtlMillis)
                            .toString().substring(2).toLowerCase(Locale.ROOT);
                    settle(queue, message, StoredMessage.State.FAILED, reason);
                    events.accept(new PeerEvent.Failed(describe(message.peer), message.id, reason));
                }
            }
        }
    }

    /** Tries, on a backing-off schedule, to reach the peers that messages wait for and that have no conversation. */
    private void reachQueued(long now) {
        for (PeerQueue queue : queues.values()) {
            Contact contact = contacts.get(queue.peer);
            if (links.hasConversation(queue.peer) || now < queue.nextAttemptAt || contact == null
                    || contact.friend == FriendState.BLOCKED) {
                continue;
            }
            queue.attempted(now);
            introductions.reach(queue.peer, contact.name);
        }
    }

    /** A message's place in the history and the queue, with its state as this side knows it now. */
    private HistoryEntry entry(Outgoing message) {
        PeerQueue queue = queues.get(message.peer);
        boolean sent = queue != null && queue.offered(message) && message.sent;
        if (!sent && message.deposited) {
            return new HistoryEntry(refOf(message.peer, null), Instant.ofEpochMilli(message.at), true, message.id,
                    message.text, message.broadcast, HistoryEntry.State.SENT, "in the tracker's mailbox");
        }
        return new HistoryEntry(refOf(message.peer, null), Instant.ofEpochMilli(message.at), true, message.id,
                message.text, message.broadcast, sent ? HistoryEntry.State.SENT : HistoryEntry.State.QUEUED,
                sent ? null : waitingFor(queue, message));
    }

    /** Why a message waits, in words. */
    private String waitingFor(PeerQueue queue, Outgoing message) {
        if (queue == null || queue.byId.get(message.id) != message) {
            return null;
        }
        if (!message.stored) {
            return "being stored";
        }
        if (queue.offered(message)) {
            return "on its way";
        }
        if (links.connected(message.peer) != null) {
            return "waiting for room in the conversation";
        }
        if (links.hasConversation(message.peer)) {
            return "connecting";
        }
        if (!queue.offline) {
            return "no path yet";
        }
        if (message.mailProblem != null) {
            return "peer offline; " + message.mailProblem;
        }
        Contact contact = contacts.get(message.peer);
        return contact == null || contact.agreementKey == null
                ? "peer offline (never reached, so no mail can be sealed to it)" : "peer offline";
    }

    private HistoryEntry entry(StoredMessage row) {
        PeerRef peer = refOf(row.peer(), row.peerName());
        MessageId id = new MessageId(row.id());
        HistoryEntry.State state = switch (row.state()) {
            case QUEUED -> HistoryEntry.State.QUEUED;
            case DELIVERED -> HistoryEntry.State.DELIVERED;
            case FAILED -> HistoryEntry.State.FAILED;
            case RECEIVED, HELD, DECLINED -> HistoryEntry.State.RECEIVED;
        };
        if (state == HistoryEntry.State.QUEUED) {
            PeerQueue queue = queues.get(row.peer());
            Outgoing waiting = queue == null ? null : queue.byId.get(id);
            if (waiting != null) {
                return entry(waiting);
            }
        }
        return new HistoryEntry(peer, Instant.ofEpochMilli(row.at()), row.outgoing(), id, row.text(),
                row.broadcast(), state, row.reason());
    }

    /** The peer as it is known now; for one no longer in memory, the name it was saved under. */
    private PeerRef refOf(Octets key, String savedName) {
        Contact contact = contacts.get(key);
        if (contact != null) {
            return contact.ref();
        }
        String fingerprint = PeerRef.fingerprint(key);
        return new PeerRef(savedName != null ? savedName : fingerprint, fingerprint, null);
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

    /** Warns the user when {@code contact} goes by the name of a friend with another key. */
    private void warnIfLookalike(Contact contact) {
        if (contacts.isLookalike(contact)) {
            events.accept(new PeerEvent.Lookalike(contact.ref(), contacts.friendsNamed(contact.name).stream()
                    .filter(friend -> !friend.key.equals(contact.key)).map(Contact::ref).toList()));
        }
    }

    /** Shows, in the order they came, the messages held from a peer that is a friend now. */
    private void releaseHeld(Contact contact) {
        Octets key = contact.key;
        store.releaseHeld(key, released -> released.forEach(row -> events.accept(new PeerEvent.MessageReceived(
                refOf(key, row.peerName()), new MessageId(row.id()), Instant.ofEpochMilli(row.sentAt()), row.text(),
                row.broadcast()))));
    }

    /** Sends a receipt for a stored message; those of one burst of writes go together, 64 ids to a receipt. */
    private void acknowledge(Octets sender, Octets id) {
        receiptsDue.computeIfAbsent(sender, key -> new ArrayList<>()).add(id);
        if (!receiptsScheduled) {
            receiptsScheduled = true;
            loop.execute(this::sendReceipts);
        }
    }

    private void sendReceipts() {
        receiptsScheduled = false;
        receiptsDue.forEach((sender, ids) -> {
            Contact contact = contacts.get(sender);
            boolean byMail = links.connected(sender) == null && contact != null && contact.agreementKey != null
                    && mayMailReceiptTo(contact);
            for (int from = 0; from < ids.size(); from += ChatContent.MAX_RECEIPT_IDS) {
                byte[] receipt = ChatContent.encodeReceipt(
                        ids.subList(from, Math.min(ids.size(), from + ChatContent.MAX_RECEIPT_IDS)));
                // With no conversation open (the message came by mail, or its conversation ended), the receipt
                // goes by mail, for the sender to find when it registers. A receipt lost either way only means
                // the sender sends the message again, and it is acknowledged again.
                if (byMail) {
                    introductions.deposit(sender, seal.seal(contact.agreementKey, ContentKind.RECEIPT, receipt,
                            clock.millis()));
                } else {
                    links.offer(sender, ContentKind.RECEIPT, receipt, LinkTable.NO_RECEIPT);
                }
            }
        });
        receiptsDue.clear();
    }

    /**
     * Stores a message, then (only then) shows it and acknowledges it with a receipt; one whose id this peer stored
     * already is acknowledged again and not shown. One that cannot be stored is neither: its sender sends it again.
     * {@code afterStored} runs once it is on disk (or can never be).
     */
    private void receiveText(Contact contact, byte[] content, boolean broadcast, Runnable afterStored,
            Runnable notStored) {
        ChatContent.Text message;
        try {
            message = ChatContent.decodeText(content);
        } catch (ProtocolException e) {
            badContent++;
            afterStored.run(); // it can never be stored: nothing is gained by keeping it
            return;
        }
        boolean held = friendsOnly && contact.friend != FriendState.FRIEND;
        String text = new String(message.utf8(), StandardCharsets.UTF_8);
        Octets key = contact.key;
        keep(contact);
        store.insertIncoming(new StoredMessage(nextSeq++, key, contact.name, message.id(), false, broadcast,
                clock.millis(), message.sentAt(), text, held ? StoredMessage.State.HELD
                        : StoredMessage.State.RECEIVED, null, 0), inserted -> {
            afterStored.run();
            Contact now = contacts.get(key);
            if (now != null && now.friend == FriendState.BLOCKED) {
                return; // blocked meanwhile: nothing from it is acknowledged
            }
            acknowledge(key, message.id());
            if (inserted) {
                PeerRef from = refOf(key, null);
                MessageId id = new MessageId(message.id());
                Instant sentAt = Instant.ofEpochMilli(message.sentAt());
                events.accept(held ? new PeerEvent.MessageHeld(from, id, sentAt, text, broadcast)
                        : new PeerEvent.MessageReceived(from, id, sentAt, text, broadcast));
            }
        }, problem -> {
            unstored++;
            notStored.run();
            events.accept(new PeerEvent.StoreFailed("a message from " + describe(key), problem));
        });
    }

    /** The peer stored the messages a RECEIPT names: they are delivered. */
    private void receipt(Contact contact, byte[] content) {
        List<Octets> ids;
        try {
            ids = ChatContent.decodeReceipt(content);
        } catch (ProtocolException e) {
            badContent++;
            return;
        }
        PeerQueue queue = queues.get(contact.key);
        for (Octets id : ids) {
            Outgoing message = queue == null ? null : queue.byId.get(new MessageId(id));
            if (message != null) {
                settle(queue, message, StoredMessage.State.DELIVERED, null);
                events.accept(new PeerEvent.Delivered(contact.ref(), message.id));
                queue = queues.get(contact.key);
            }
        }
    }

    /**
     * Whether a receipt may go to {@code contact} by mail. Always to a friend or a peer this side writes to; to other
     * peers at most {@value #MAX_STRANGER_MAIL_RECEIPTS} in any 7 days: receipts spend this peer's own share of the
     * tracker's mailbox, which a crowd of strangers writing by mail (and never fetching) could otherwise fill.
     */
    private boolean mayMailReceiptTo(Contact contact) {
        if (contact.friend == FriendState.FRIEND || queues.containsKey(contact.key)) {
            return true;
        }
        long now = clock.millis();
        while (!strangerMailReceipts.isEmpty() && now - strangerMailReceipts.peekFirst() > MAIL_RECEIPT_WINDOW_MILLIS) {
            strangerMailReceipts.pollFirst();
        }
        if (strangerMailReceipts.size() >= MAX_STRANGER_MAIL_RECEIPTS) {
            limits.reached(LimitKind.STRANGER_MAIL_RECEIPTS, MAX_STRANGER_MAIL_RECEIPTS);
            return false;
        }
        strangerMailReceipts.addLast(now);
        return true;
    }

    /** Whether {@code content} is what PROTOCOL.md says a message of {@code kind} carries. */
    private static boolean wellFormed(ContentKind kind, byte[] content) {
        return switch (kind) {
            case TEXT, BROADCAST, RECEIPT, FRIEND_REQUEST -> true; // the first three are decoded to be checked
            case NAME_CHANGED -> Names.problem(new String(content, StandardCharsets.US_ASCII)) == null;
            case FRIEND_ACCEPT, FRIEND_DECLINE, FRIEND_REMOVE -> content.length == 0;
        };
    }

    /** Refuses a text whose UTF-8 encoding is over the message size limit. */
    public static void checkSize(String text) {
        checkSize(text.getBytes(StandardCharsets.UTF_8));
    }

    static void checkSize(byte[] utf8) {
        if (utf8.length > ChatContent.MAX_TEXT_SIZE) {
            throw new ChatException("the message is " + utf8.length + " bytes in UTF-8; the limit is "
                    + ChatContent.MAX_TEXT_SIZE);
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
            contacts.located(contact, session.address());
            // Only the key the peer's own handshake proved is sealed to: the tracker's word could be its own key.
            contacts.agreed(contact, session.remoteAgreementKey());
            contact.lastSeen = clock.instant();
            events.accept(new PeerEvent.Connected(contact.ref(), session.address()));
            warnIfLookalike(contact);
            PeerQueue queue = queues.get(contact.key);
            if (queue != null) {
                queue.connected();
                offer(queue);
            }
        }

        @Override
        public void routeChanged(PeerSession session) {
            Contact contact = contacts.get(session.remoteKey());
            if (contact != null) {
                if (!session.route().relayed()) {
                    contacts.located(contact, session.route().address());
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
        public void delivered(PeerSession session, long receipt) {
            Outgoing message = onLink.remove(receipt);
            if (message != null) {
                // Sent: the peer's link has it. Delivered only once the peer says it stored it (a RECEIPT).
                message.sent = true;
                events.accept(new PeerEvent.Sent(refOf(message.peer, null), message.id));
                PeerQueue queue = queues.get(message.peer);
                if (queue != null) {
                    offer(queue);
                }
                return;
            }
            MessageId control = controls.remove(receipt);
            if (control != null) {
                events.accept(new PeerEvent.Delivered(refOf(session.remoteKey(), null), control));
            }
        }

        @Override
        public void failed(PeerSession session, String target, long receipt, String reason) {
            Outgoing message = onLink.remove(receipt);
            if (message != null) {
                // Not a failure of the message: it waits for the next conversation, or goes again in this one.
                message.offeredIn = 0;
                message.sent = false;
                PeerQueue queue = queues.get(message.peer);
                if (queue != null && queue.byId.get(message.id) == message && links.connected(message.peer) != null) {
                    queue.reoffer(message);
                    offer(queue);
                }
                return;
            }
            MessageId control = controls.remove(receipt);
            if (control != null) {
                Octets key = session.remoteKey();
                events.accept(new PeerEvent.Failed(key != null ? describe(key) : target, control, reason));
            }
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
                case TEXT, BROADCAST -> receiveText(contact, content, kind == ContentKind.BROADCAST, () -> { },
                        () -> { });
                case RECEIPT -> receipt(contact, content);
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
                        store.discardHeld(oldest.key);
                        limits.reached(LimitKind.FRIEND_REQUESTS, MAX_PENDING_REQUESTS);
                    }
                }
            }
        }
    }
}
