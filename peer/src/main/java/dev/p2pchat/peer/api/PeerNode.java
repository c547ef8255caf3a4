package dev.p2pchat.peer.api;

import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.HistoryEntry;
import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.api.PeerView;
import dev.p2pchat.peer.chat.ChatEngine;
import dev.p2pchat.peer.chat.Contacts;
import dev.p2pchat.peer.directory.TrackerSession.QueryFailedException;
import dev.p2pchat.peer.directory.TrackerPins;
import dev.p2pchat.peer.directory.TrackerSession;
import dev.p2pchat.peer.identity.DataDirectoryLock;
import dev.p2pchat.peer.identity.IdentityStore;
import dev.p2pchat.peer.link.LinkTable;
import dev.p2pchat.peer.link.LocalPeer;
import dev.p2pchat.peer.store.PeerStore;
import dev.p2pchat.peer.transport.LocalAddresses;
import dev.p2pchat.peer.transport.PeerChannelInitializer;
import dev.p2pchat.peer.transport.PeerDatagramHandler;
import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.netty.Transport;
import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.protocol.tracker.PeerInfo;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running peer: one UDP socket for the tracker and for other peers, one event loop thread that owns all state,
 * and the API that the command line, the shell, the demo and tests all use. Every method may be called from any
 * thread; work hops onto the event loop, and results come back as futures. A request that cannot be carried out
 * fails its future with a {@link ChatException} whose message is meant for the user, and changes nothing.
 *
 * <p>Peers are named as users name them: by the name they go by. A peer that is not connected is reached at the
 * address it was last seen at (so a peer that wrote here can be answered without a tracker) and, when a tracker is
 * configured, at the addresses a lookup returns; the lookup also makes the tracker introduce this peer to the
 * other, so both send at once and their NATs open.
 */
public final class PeerNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerNode.class);
    /** How long {@link #close()} waits for the tracker to confirm the unregister. */
    private static final Duration UNREGISTER_WAIT = Duration.ofSeconds(1);

    private final PeerConfig config;
    private final PeerListener listener;
    private final DataDirectoryLock lock;
    private final Identity identity;
    private final EventLoopGroup group;
    private final Channel channel;
    private final ChatEngine chat;
    private final Mailroom mailroom = new Mailroom();
    /** Tracker requests made while not registered, run once registered again (see {@link #whenRegistered}). */
    private final List<Runnable> waitingForRegistration = new ArrayList<>();
    static final int MAX_WAITING_FOR_REGISTRATION = 64;
    static final long REGISTRATION_WAIT_SECONDS = 30;
    /** After registering again, how long a lookup that found nobody waits before it asks once more. */
    static final long AFTER_RESTART_RETRY_MILLIS = 2_000;
    private final TrackerSession tracker;
    private final ScheduledFuture<?> ticker;
    private final LongAdder malformed = new LongAdder();
    private final TrackerPins pins;
    private final PeerStore store;
    private volatile InetSocketAddress trackerAddress;
    private volatile String name;

    private PeerNode(PeerConfig config, PeerListener listener, DataDirectoryLock lock, Identity identity,
            X25519.KeyPair agreement, TrackerPins pins) throws IOException, InterruptedException {
        this.config = config;
        this.listener = listener;
        this.lock = lock;
        this.identity = identity;
        this.name = config.name();
        this.trackerAddress = resolveTracker();
        Transport transport = Transport.best();
        this.group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        SecureRandom random = new SecureRandom();
        LocalPeer self = new LocalPeer(identity, agreement, config.name());
        PeerStore opened = null;
        try {
            // One loop: the store reports to the thread the channel runs on.
            opened = PeerStore.open(config.dataDirectory(), group.next(), true);
            this.channel = transport.datagramBootstrap(group)
                    .handler(new PeerChannelInitializer(new PeerDatagramHandler(new Datagrams(),
                            () -> trackerAddress)))
                    .bind(config.bindAddress(), config.bindPort())
                    .sync()
                    .channel();
            this.chat = new ChatEngine(Clock.systemUTC(), random, () -> X25519.generate(random),
                    config.sessionTimers(), self, config.friendsOnly(), config.messageTtl(), Contacts.load(opened),
                    opened, channel.eventLoop(), new PeerFrames(), this::tell, new Reaching());
        } catch (Exception e) { // including the BindException Netty throws undeclared
            if (opened != null) {
                opened.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            throw e;
        }
        this.store = opened;
        // Acknowledgements wait for the end of each burst of datagrams, so a reply the application sends in answer
        // (its task runs before the flush's) carries them: one datagram each way per round trip, not two.
        chat.links().deferAcks(true);
        this.pins = pins;
        this.tracker = config.hasTracker()
                ? new TrackerSession(Clock.systemUTC(), config.trackerRetry(), random, trustedTrackerKey(),
                        identity, config.name(),
                        self.agreementKey(), 0, LocalAddresses.of(localAddress()),
                        message -> send(trackerAddress, message),
                        new TrackerEvents())
                : null;
        EventLoop loop = channel.eventLoop();
        loop.execute(() -> {
            if (tracker != null) {
                tracker.start();
            }
            config.bootstrap().forEach(chat::connect);
        });
        long tickMillis = config.tick().toMillis();
        this.ticker = loop.scheduleAtFixedRate(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Loads or creates the identity and the contacts in the data directory, binds the socket, starts registering
     * and connects the bootstrap peers.
     */
    public static PeerNode start(PeerConfig config, PeerListener listener) throws IOException, InterruptedException {
        DataDirectoryLock lock = DataDirectoryLock.acquire(config.dataDirectory());
        try {
            SecureRandom random = new SecureRandom();
            Identity identity = IdentityStore.loadOrCreate(config.dataDirectory(), random);
            X25519.KeyPair agreement = IdentityStore.loadOrCreateAgreement(config.dataDirectory(), random);
            return new PeerNode(config, listener, lock, identity, agreement, TrackerPins.load(config.dataDirectory()));
        } catch (IOException | InterruptedException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** What this peer was started with. */
    public PeerConfig config() {
        return config;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public Octets identityKey() {
        return identity.publicKey();
    }

    /** The name this peer goes by now. */
    public String name() {
        return name;
    }

    /**
     * The socket's channel, so that a test can put a handler (a fault injector) in front of the pipeline by name.
     * Sending or closing through it bypasses the peer.
     */
    public Channel channel() {
        return channel;
    }

    // ---- the tracker ----

    /** Looks a peer up by name; the tracker also introduces this peer to it. */
    public CompletableFuture<PeerLocation> lookup(String peerName) {
        return onLoop(() -> whenRegistered(() -> tracker.lookup(peerName))
                .thenApply(info -> new PeerLocation(info.name(), info.identityKey(), info.observed(),
                        info.privateAddresses()))
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(lookupProblem(peerName, failure))));
    }

    /** One page of the peers registered with the tracker, from {@code cursor} (0 for the first page). */
    public CompletableFuture<DirectoryPage> who(int cursor) {
        return onLoop(() -> requireTracker().list(cursor).thenApply(page -> new DirectoryPage(
                page.entries().stream().map(entry -> new DirectoryPage.Entry(entry.name(), entry.identityKey()))
                        .toList(),
                page.nextCursor(), page.total())));
    }

    /**
     * Goes by {@code newName} from now on: the tracker moves the registration (it refuses a name another key
     * holds), then every connected peer is told.
     */
    public CompletableFuture<Void> rename(String newName) {
        return onLoop(() -> {
            chat.checkName(newName);
            CompletableFuture<Void> moved = tracker != null ? requireTracker().rename(newName)
                    : CompletableFuture.completedFuture(null);
            return moved.thenRun(() -> {
                chat.rename(newName);
                name = newName;
            });
        });
    }

    // ---- peers ----

    /** Opens a conversation with a peer named {@code target}, or with whoever answers at a {@code host:port}. */
    public CompletableFuture<Void> connect(String target) {
        if (target.indexOf(':') >= 0) {
            InetSocketAddress address;
            try {
                address = HostPort.parse(target);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(new ChatException(e.getMessage()));
            }
            return onLoop(() -> {
                chat.connect(address);
                return CompletableFuture.completedFuture(null);
            });
        }
        return withConversation(target, key -> null);
    }

    /** Says goodbye to a connected peer. */
    public CompletableFuture<Void> disconnect(String peerName) {
        return onLoop(() -> {
            chat.disconnect(knownExactly(peerName));
            return CompletableFuture.completedFuture(null);
        });
    }

    /**
     * Sends a chat message to a peer, online or not. The future completes with the message's id once it is stored
     * (a peer not known here is looked up first, to learn its key); it goes out, in order, as soon as a conversation
     * with the peer is open, and {@link PeerEvent.Sent} then {@link PeerEvent.Delivered} follow (the peer's link
     * took it, the peer stored it). It fails ({@link PeerEvent.Failed}) only when cancelled or expired.
     */
    public CompletableFuture<MessageId> send(String peerName, String text) {
        return ifItFits(text, () -> onLoop(() -> {
            Octets known = chat.resolve(peerName);
            if (known != null) {
                return chat.queueText(known, text);
            }
            return reach(peerName, null, key -> key).thenCompose(key -> chat.queueText(key, text));
        }));
    }

    /** Sends a message to every connected peer; the ids of the copies once stored (none when nobody is connected). */
    public CompletableFuture<List<MessageId>> broadcast(String text) {
        return onLoop(() -> chat.broadcast(text));
    }

    /** The chat messages waiting for their receivers, oldest first, each with why it waits. */
    public CompletableFuture<List<HistoryEntry>> queued() {
        return onLoop(() -> CompletableFuture.completedFuture(chat.queued()));
    }

    /** Cancels a waiting message named by the first hex digits (4 or more) of its id; returns it. */
    public CompletableFuture<HistoryEntry> cancel(String idPrefix) {
        return onLoop(() -> CompletableFuture.completedFuture(chat.cancel(idPrefix)));
    }

    public CompletableFuture<MessageId> requestFriend(String peerName, String note) {
        return ifItFits(note, () -> withConversation(peerName, key -> chat.requestFriend(key, note)));
    }

    public CompletableFuture<MessageId> acceptFriend(String peerName) {
        return withConversation(peerName, chat::acceptFriend);
    }

    public CompletableFuture<MessageId> declineFriend(String peerName) {
        return withConversation(peerName, chat::declineFriend);
    }

    public CompletableFuture<MessageId> removeFriend(String peerName) {
        return onLoop(() -> reach(peerName, knownExactly(peerName), chat::removeFriend));
    }

    /** Blocks a known peer: the conversation ends, and nothing from its key is accepted. */
    public CompletableFuture<Void> block(String peerName) {
        return onLoop(() -> {
            chat.block(knownExactly(peerName));
            return CompletableFuture.completedFuture(null);
        });
    }

    public CompletableFuture<Void> unblock(String peerName) {
        return onLoop(() -> {
            chat.unblock(known(peerName));
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Every known peer: name, fingerprint, address, path, round trip, last seen, friend state, connected. */
    public CompletableFuture<List<PeerView>> peers() {
        return onLoop(() -> CompletableFuture.completedFuture(chat.peers()));
    }

    /** The safety number of this peer and a known one, for the two users to compare out of band. */
    public CompletableFuture<SafetyNumber> safetyNumber(String peerName) {
        return onLoop(() -> {
            Octets key = known(peerName);
            return CompletableFuture.completedFuture(new SafetyNumber(chat.describeRef(key), chat.safetyNumber(key)));
        });
    }

    /** Marks a known peer as verified (its safety number matched); returns who it is. */
    public CompletableFuture<PeerRef> verify(String peerName) {
        return onLoop(() -> {
            Octets key = known(peerName);
            chat.verify(key);
            return CompletableFuture.completedFuture(chat.describeRef(key));
        });
    }

    /** The {@code limit} newest messages of the conversation with a known peer, oldest first. */
    public CompletableFuture<List<HistoryEntry>> history(String peerName, int limit) {
        return onLoop(() -> chat.history(known(peerName), checkLimit(limit)));
    }

    /**
     * The {@code limit} newest messages, with anyone and either way, that hold every word of {@code text} (a word
     * matches words that start with it), oldest first.
     */
    public CompletableFuture<List<HistoryEntry>> search(String text, int limit) {
        if (text.isBlank()) {
            return CompletableFuture.failedFuture(new ChatException("search for what? give a word or more"));
        }
        return onLoop(() -> chat.search(text, checkLimit(limit)));
    }

    /** Most messages one history or search answer holds. */
    public static final int MAX_PAGE = 10_000;

    private static int checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new ChatException("a page holds 1 to " + MAX_PAGE + " messages, not " + limit);
        }
        return limit;
    }

    /** Chat messages that arrived but could not be stored, so were neither shown nor acknowledged. */
    public long unstoredMessages() {
        return chat.unstoredMessages();
    }

    /** Writes the store refused because its queue was full, and writes that failed (a full disk, a read-only file). */
    public long storeWritesRefused() {
        return store.refused();
    }

    public long storeWritesFailed() {
        return store.failedWrites();
    }

    /** Mail from the tracker that did not open, was not what a sender seals, or was dropped incomplete for room. */
    public long unopenedMail() {
        return chat.unopenedMail();
    }

    /** Datagrams that did not decode and were dropped. */
    public long malformedDatagrams() {
        return malformed.sum() + chat.links().dropped(LinkTable.Drop.MALFORMED);
    }

    /** Datagrams from the tracker's address that were not acted on: forged, replayed, or not sealed. */
    public long refusedTrackerDatagrams() {
        return tracker == null ? 0 : tracker.refused();
    }

    /** Frames that decoded but were dropped, for {@code reason}. Read on the caller's thread: a snapshot. */
    public long droppedDatagrams(LinkTable.Drop reason) {
        return chat.links().dropped(reason);
    }

    /** How this peer's attempts to reach others went: direct, through the relay, or not at all. */
    public CompletableFuture<PathStats> paths() {
        return onLoop(() -> CompletableFuture.completedFuture(chat.links().paths()));
    }

    /**
     * Says goodbye to every connected peer, gives the name up (waiting up to a second for the tracker), then
     * closes the socket and the thread.
     */
    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        try {
            onLoop(() -> {
                chat.close();
                return tracker != null ? tracker.unregister() : CompletableFuture.<Void>completedFuture(null);
            }).get(UNREGISTER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Not registered, or the tracker is away: the lease ends by itself.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ticker.cancel(false);
        store.close(); // what is queued is written, while the loop still takes the callbacks
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        try {
            lock.close();
        } catch (IOException e) {
            // The lock goes with the process anyway; nothing a caller could do about it.
        }
    }

    // ---- internals ----

    private void tick() {
        // A fixed-rate task that throws is never run again: one failure must not end every timer of the peer.
        try {
            if (tracker != null) {
                tracker.tick();
            }
            chat.tick();
            mailroom.tick();
        } catch (RuntimeException e) {
            log.error("timer tick failed; the peer carries on", e);
        }
    }

    /** Hands an event to the listener; a listener that throws is logged and does not stop the peer. */
    private void tell(PeerEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            log.error("the event listener failed on {}", event, e);
        }
    }

    /**
     * Runs {@code action} on the peer's key once a conversation with {@code peerName} is open or opening: at once
     * when one is; else towards the address the peer was last seen at, and (with a tracker) the addresses a
     * lookup finds.
     */
    private <T> CompletableFuture<T> withConversation(String peerName, Function<Octets, T> action) {
        return onLoop(() -> reach(peerName, chat.resolve(peerName), action));
    }

    /**
     * {@link #withConversation} for the peer {@code known} that {@code reference} named here (null: none known). A
     * known peer is looked up at the tracker by the name it goes by here (the reference may be a fingerprint), and
     * only the key known here is ever connected to.
     */
    private <T> CompletableFuture<T> reach(String reference, Octets known, Function<Octets, T> action) {
        if (known != null && chat.hasConversation(known)) {
            return CompletableFuture.completedFuture(action.apply(known));
        }
        String peerName = known != null ? chat.describeRef(known).name() : reference;
        InetSocketAddress last = known == null ? null : chat.lastAddress(known);
        if (last != null) {
            chat.connect(known, null, null, List.of(last));
            if (tracker != null) {
                // More candidates, and an introduction that opens the other side's NAT; the last address may do.
                tracker.lookup(peerName).thenAccept(info -> {
                    if (info.identityKey().equals(known)) {
                        chat.connect(known, info.agreementKey(), info.name(), candidates(info));
                    }
                });
            }
            return CompletableFuture.completedFuture(action.apply(known));
        }
        if (tracker == null) {
            throw new ChatException("no peer named " + reference + " is known here; without a tracker, "
                    + "connect to its address first");
        }
        return whenRegistered(() -> tracker.lookup(peerName)).handle((info, failure) -> {
            if (failure == null && known != null && !info.identityKey().equals(known)) {
                // The tracker's holder of the name is not the peer known by it here (a friend's name taken by
                // another key): what was meant for the friend must not go to that key.
                throw new ChatException("the tracker's " + peerName + " has the key "
                        + PeerRef.fingerprint(info.identityKey()) + ", not that of " + chat.describeRef(known)
                        + ": nothing was sent");
            }
            if (failure != null) {
                // The peer may have reached this side meanwhile (its own lookup introduced us) and then taken
                // another name before this lookup arrived: the conversation is what was asked for, when it is
                // with the peer known here by that name (or nobody was).
                Octets meanwhile = connectedNamed(reference);
                if (meanwhile != null && (known == null || meanwhile.equals(known))) {
                    return action.apply(meanwhile);
                }
                throw new CompletionException(lookupProblem(peerName, failure));
            }
            chat.connect(info.identityKey(), info.agreementKey(), info.name(), candidates(info));
            return action.apply(info.identityKey());
        });
    }

    /**
     * A conversation wants a fresh introduction to a peer (its direct path fell silent, or it runs over the relay
     * and tries for a direct one): this side's own mapping is checked first, in case it is this side that moved,
     * then the peer is looked up, which makes the tracker introduce both sides to each other again.
     */
    private final class Reaching implements ChatEngine.Introductions {
        @Override
        public void wanted(Octets key, String peerName) {
            if (tracker == null) {
                return;
            }
            tracker.checkMapping(() -> tracker.lookup(peerName).thenAccept(info -> {
                // Only for a conversation still there: a late answer must not reopen one that ended meanwhile.
                if (info.identityKey().equals(key) && chat.hasConversation(key)) {
                    chat.connect(key, info.agreementKey(), info.name(), candidates(info));
                }
            }));
        }

        /**
         * Messages wait for a peer without a conversation: it is tried where it was last seen, and looked up (which
         * also makes the tracker introduce this peer to it); a lookup that finds nobody marks it offline.
         */
        @Override
        public void reach(Octets key, String peerName) {
            InetSocketAddress last = chat.lastAddress(key);
            try {
                if (last != null) {
                    chat.connect(key, null, null, List.of(last));
                }
            } catch (ChatException e) {
                return; // blocked meanwhile
            }
            if (tracker == null || tracker.state() != TrackerSession.State.REGISTERED) {
                return; // registering again brings a retry at once
            }
            tracker.lookup(peerName).whenComplete((info, failure) -> {
                if (failure == null && info.identityKey().equals(key)) {
                    try {
                        chat.connect(key, info.agreementKey(), info.name(), candidates(info));
                    } catch (ChatException e) {
                        // blocked meanwhile
                    }
                } else if (failure != null && notFound(failure)) {
                    chat.offline(key);
                }
            });
        }

        /** Deposits the pieces one after another: a whole message never holds every tracker request slot. */
        @Override
        public CompletableFuture<Void> deposit(Octets key, List<Octets> pieces) {
            if (tracker == null || tracker.state() != TrackerSession.State.REGISTERED) {
                return CompletableFuture.failedFuture(new ChatException("not registered with the tracker"));
            }
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (Octets piece : pieces) {
                chain = chain.thenCompose(ignored -> tracker.deposit(key, piece));
            }
            return chain;
        }

        @Override
        public void mailStored(List<Long> ids) {
            mailroom.stored(ids);
        }
    }

    /**
     * This peer's mail at the tracker: fetched piece by piece when it registers and every minute after, handed to
     * the chat, and deleted at the tracker once the chat stored what it carried. Owned by the event loop.
     */
    private final class Mailroom {
        private static final long FETCH_EVERY_MILLIS = 60_000;
        /** Pieces one fetch takes at most: ten mailboxes' worth, so a tracker that never says "none" cannot keep
         * this peer fetching. */
        private static final int MAX_PIECES_PER_FETCH = 10_000;
        private boolean fetching;
        private int fetchedThisTime;
        private long lastFetchMillis;

        void fetch() {
            if (fetching || tracker == null || tracker.state() != TrackerSession.State.REGISTERED) {
                return;
            }
            fetching = true;
            fetchedThisTime = 0;
            lastFetchMillis = System.currentTimeMillis();
            next(0);
        }

        void tick() {
            if (System.currentTimeMillis() - lastFetchMillis >= FETCH_EVERY_MILLIS) {
                fetch();
            }
        }

        private void next(long after) {
            tracker.fetchMail(after).whenComplete((mail, failure) -> {
                if (failure != null) {
                    fetching = false; // what is left comes at the next fetch
                    return;
                }
                if (mail.id() <= after || ++fetchedThisTime > MAX_PIECES_PER_FETCH) {
                    fetching = false; // none left (id 0), or a tracker that does not move on: stop here
                    return;
                }
                try {
                    chat.mailArrived(mail.id(), mail.mail());
                } catch (RuntimeException e) {
                    log.warn("could not take a piece of mail; it stays at the tracker", e);
                }
                next(mail.id());
            });
        }

        /** Tells the tracker to delete these pieces; one not deleted comes again and is shown once. */
        void stored(List<Long> ids) {
            if (tracker == null || tracker.state() != TrackerSession.State.REGISTERED) {
                return;
            }
            for (int from = 0; from < ids.size(); from += TrackerWire.MAX_MAIL_ACK_IDS) {
                tracker.acknowledgeMail(ids.subList(from, Math.min(ids.size(), from + TrackerWire.MAX_MAIL_ACK_IDS)));
            }
        }
    }

    private static boolean notFound(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof QueryFailedException query && query.code() == ErrorCode.NOT_FOUND;
    }

    /** The one peer called {@code peerName} with a conversation open or opening, or null. */
    private Octets connectedNamed(String peerName) {
        try {
            Octets key = chat.resolve(peerName);
            return key != null && chat.hasConversation(key) ? key : null;
        } catch (ChatException ambiguous) {
            return null;
        }
    }

    /** Refuses a text over the size limit before anything is looked up or connected for it. */
    private static <T> CompletableFuture<T> ifItFits(String text, Supplier<CompletableFuture<T>> action) {
        try {
            ChatEngine.checkSize(text);
        } catch (ChatException e) {
            return CompletableFuture.failedFuture(e);
        }
        return action.get();
    }

    /**
     * The one known peer {@code peerName} names, refused as ambiguous whenever another known peer goes by the same
     * name: for what cannot be undone (a block, the end of a friendship), where a friend's name winning over a
     * lookalike's would hit the friend the user did not mean.
     */
    private Octets knownExactly(String peerName) {
        chat.requireUnique(peerName);
        return known(peerName);
    }

    private Octets known(String peerName) {
        Octets key = chat.resolve(peerName);
        if (key == null) {
            throw new ChatException("no peer named " + peerName + " is known here");
        }
        return key;
    }

    /**
     * Runs a tracker request now if registered, else once registered again (a tracker that restarts, a registration
     * under way), waiting at most {@value #REGISTRATION_WAIT_SECONDS} s; a request the tracker did not answer is tried
     * once more the same way. So a lookup typed while the tracker is away is carried out when it is back.
     */
    private <T> CompletableFuture<T> whenRegistered(Supplier<CompletableFuture<T>> request) {
        if (tracker == null) {
            throw new ChatException("no tracker is configured");
        }
        if (tracker.state() != TrackerSession.State.REGISTERED) {
            return afterRegistering(request);
        }
        return request.get().exceptionallyCompose(failure -> unanswered(failure) ? afterRegistering(request)
                : CompletableFuture.failedFuture(failure));
    }

    private <T> CompletableFuture<T> afterRegistering(Supplier<CompletableFuture<T>> request) {
        if (waitingForRegistration.size() >= MAX_WAITING_FOR_REGISTRATION) {
            return CompletableFuture.failedFuture(new ChatException(MAX_WAITING_FOR_REGISTRATION
                    + " requests are waiting for the tracker already"));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable go = () -> request.get().whenComplete((value, failure) -> {
            if (failure != null && notFound(failure)) {
                // Registered again after the tracker was away: the peer asked for may not be registered again
                // yet (every peer registers within about a second of the tracker answering). Once more, later.
                channel.eventLoop().schedule(() -> request.get().whenComplete((again, stillFailing) ->
                        settle(result, again, stillFailing)), AFTER_RESTART_RETRY_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                settle(result, value, failure);
            }
        });
        waitingForRegistration.add(go);
        channel.eventLoop().schedule(() -> {
            if (waitingForRegistration.remove(go)) {
                result.completeExceptionally(new ChatException("not registered with the tracker: it has not "
                        + "answered for " + REGISTRATION_WAIT_SECONDS + " s"));
            }
        }, REGISTRATION_WAIT_SECONDS, TimeUnit.SECONDS);
        return result;
    }

    private static <T> void settle(CompletableFuture<T> result, T value, Throwable failure) {
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(value);
        }
    }

    private static boolean unanswered(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof QueryFailedException query && query.code() == null;
    }

    private TrackerSession requireTracker() {
        if (tracker == null) {
            throw new ChatException("no tracker is configured");
        }
        if (tracker.state() != TrackerSession.State.REGISTERED) {
            throw new ChatException("not registered with the tracker yet");
        }
        return tracker;
    }

    private static ChatException lookupProblem(String peerName, Throwable failure) {
        if (notFound(failure)) {
            return new ChatException("no peer named " + peerName + " is registered with the tracker");
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return new ChatException("could not look " + peerName + " up: " + cause.getMessage());
    }

    /**
     * Where a peer the tracker knows may be reached: its NAT mapping, and its LAN addresses when it is behind the
     * same NAT as this peer (the tracker sees both at one public address). A LAN address of another network names
     * some unrelated host on this one, which must not be sent this side's handshake initiation.
     */
    private List<InetSocketAddress> candidates(PeerInfo info) {
        Set<InetSocketAddress> all = new LinkedHashSet<>();
        all.add(info.observed());
        InetSocketAddress self = tracker == null ? null : tracker.observed();
        if (self != null && self.getAddress().equals(info.observed().getAddress())) {
            all.addAll(info.privateAddresses());
        }
        return new ArrayList<>(all);
    }

    private <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (group.isShuttingDown()) {
            return CompletableFuture.failedFuture(new ChatException("the peer is closed"));
        }
        channel.eventLoop().execute(() -> {
            CompletableFuture<T> started;
            try {
                started = action.get();
            } catch (RuntimeException e) {
                started = CompletableFuture.failedFuture(e);
            }
            started.whenComplete((value, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure);
                } else {
                    result.complete(value);
                }
            });
        });
        return result;
    }

    private void send(InetSocketAddress to, TrackerMessage message) {
        channel.writeAndFlush(new DefaultAddressedEnvelope<>(message, to), channel.voidPromise());
    }

    /** The tracker as the user named it, which its pinned key is filed under. */
    private String trackerName() {
        return config.trackerHost() + ":" + config.trackerPort();
    }

    /** The operator's key when one was given, else the one pinned for this tracker, else null (trust on first use). */
    private Octets trustedTrackerKey() {
        return config.trackerKey() != null ? config.trackerKey() : pins.pinned(trackerName());
    }

    private InetSocketAddress resolveTracker() {
        // A fresh InetSocketAddress resolves the name again: a tracker that moved is found at its new address.
        return config.hasTracker() ? new InetSocketAddress(config.trackerHost(), config.trackerPort()) : null;
    }

    /** Where datagrams go: tracker messages to the tracker session, peer frames to the conversations. */
    private final class Datagrams implements PeerDatagramHandler.Receiver {
        @Override
        public void frame(InetSocketAddress from, ByteBuffer frame) {
            chat.links().onDatagram(from, frame);
        }

        @Override
        public void tracker(TrackerMessage message) {
            if (tracker != null) {
                tracker.onMessage(message);
            }
        }

        @Override
        public void malformed(ProtocolException failure) {
            malformed.increment();
        }

        @Override
        public void burstEnded() {
            // After what the burst made the application do (its tasks are queued already), so replies carry them.
            channel.eventLoop().execute(chat.links()::flushAcks);
        }
    }

    /** Where the conversations' frames go: out of the socket, or to the tracker to relay. */
    private final class PeerFrames implements PeerSocket {
        @Override
        public void send(InetSocketAddress to, byte[] frame) {
            channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(frame), to), channel.voidPromise());
        }

        @Override
        public void relay(Octets to, byte[] frame) {
            // Not registered (yet, or again): the frame is lost like any other, and retransmission repairs it.
            if (tracker != null && tracker.state() == TrackerSession.State.REGISTERED) {
                PeerNode.this.send(trackerAddress, tracker.relayed(to, frame));
            }
        }

        @Override
        public boolean canRelay() {
            return tracker != null && tracker.state() == TrackerSession.State.REGISTERED;
        }
    }

    private final class TrackerEvents implements TrackerSession.Listener {
        private InetSocketAddress lastObserved;

        @Override
        public void registered(InetSocketAddress observed) {
            Octets given = config.trackerKey();
            if (given != null && !given.equals(pins.pinned(trackerName()))) {
                // The operator's key proved itself: a later start without --tracker-key trusts it, not an old pin.
                pin(given);
            }
            tell(new PeerEvent.Registered(tracker.name(), observed));
            List<Runnable> waiting = List.copyOf(waitingForRegistration);
            waitingForRegistration.clear();
            waiting.forEach(Runnable::run);
            chat.retryQueuedNow(); // peers that were away may be back, and lookups work again
            mailroom.fetch();
            if (lastObserved != null && !lastObserved.equals(observed)) {
                // This side's NAT mapping moved: every peer must learn the new one from a fresh introduction.
                chat.reintroduceAll();
            }
            lastObserved = observed;
        }

        @Override
        public void refused(ErrorCode code) {
            tell(new PeerEvent.RegistrationRefused(tracker.name(), code));
        }

        @Override
        public void deferred(ErrorCode code, long retryMillis) {
            tell(new PeerEvent.RegistrationDeferred(tracker.name(), code, retryMillis / 1000));
        }

        @Override
        public void introduced(PeerInfo peer) {
            try {
                if (!chat.introduced(peer.identityKey(), peer.agreementKey(), peer.name(), candidates(peer))) {
                    return; // over the budget of introduced strangers: reported as a limit
                }
            } catch (ChatException e) {
                return; // blocked, or this peer itself: no conversation, and nothing to tell
            }
            tell(new PeerEvent.Introduced(chat.describeRef(peer.identityKey()), peer.observed()));
        }

        @Override
        public void relayed(Octets sender, Octets frame) {
            chat.links().onRelayed(sender, ByteBuffer.wrap(frame.toByteArray()));
        }

        @Override
        public void trackerKeyLearned(Octets key) {
            pin(key);
            tell(new PeerEvent.TrackerPinned(trackerName(), key.toHex()));
        }

        private void pin(Octets key) {
            String trackerName = trackerName();
            // A small file, but a disk write all the same: not on the event loop every conversation shares.
            CompletableFuture.runAsync(() -> {
                try {
                    pins.pin(trackerName, key);
                } catch (IOException e) {
                    log.warn("could not pin the key of tracker {} in {}: {}", trackerName,
                            config.dataDirectory(), e.toString());
                }
            });
        }

        @Override
        public void trackerKeyMismatch(Octets expected, Octets presented) {
            tell(new PeerEvent.TrackerUntrusted(trackerName(), expected.toHex(), presented.toHex()));
        }

        @Override
        public void trackerSilent() {
            // Resolving a name may block for seconds: not on the event loop that every conversation shares.
            CompletableFuture.runAsync(() -> trackerAddress = resolveTracker());
        }
    }
}
