package dev.p2pchat.peer.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.LimitKind;
import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.link.LinkTable;
import dev.p2pchat.peer.link.LocalPeer;
import dev.p2pchat.peer.link.PeerSession;
import dev.p2pchat.peer.store.PeerStore;
import dev.p2pchat.store.StoreException;
import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.testsupport.MutableClock;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many strangers at one peer, on a fake clock: what they can make it keep and do is bounded, and told. */
@Timeout(60)
class StrangerBudgetsTest {
    private static final InetSocketAddress VICTIM_AT = new InetSocketAddress("127.0.0.1", 1000);

    private record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {}

    private final MutableClock clock = new MutableClock();
    private final Deque<Datagram> network = new ArrayDeque<>();
    private final Map<InetSocketAddress, ChatEngine> engines = new HashMap<>();
    private final List<PeerEvent> victimEvents = new ArrayList<>();
    private final Identity victimIdentity = identity(0);
    private final Identity friendIdentity = identity(999_999);
    private final PeerStore victimStore = PeerStore.inMemory(Runnable::run);
    private final Contacts victimContacts = Contacts.load(victimStore);
    private final ChatEngine victim;

    StrangerBudgetsTest() throws StoreException {
        Contact friend = victimContacts.learn(friendIdentity.publicKey(), "friend");
        victimContacts.setFriend(friend, FriendState.FRIEND);
        victim = engine(0, "victim", VICTIM_AT, victimEvents::add, victimStore, victimContacts);
    }

    private static Identity identity(int seed) {
        byte[] key = new byte[Identity.PRIVATE_KEY_SIZE];
        new SplittableRandom(seed).nextBytes(key);
        return Identity.fromPrivateKey(key);
    }

    private ChatEngine engine(int seed, String name, InetSocketAddress at, Consumer<PeerEvent> out) {
        try {
            PeerStore store = PeerStore.inMemory(Runnable::run);
            return engine(seed, name, at, out, store, Contacts.load(store));
        } catch (StoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private ChatEngine engine(int seed, String name, InetSocketAddress at, Consumer<PeerEvent> out,
            PeerStore store, Contacts contacts) throws StoreException {
        SplittableRandom random = new SplittableRandom(seed + 1_000_000);
        byte[] agreementKey = new byte[X25519.KEY_SIZE];
        random.nextBytes(agreementKey);
        PeerSocket socket = new PeerSocket() {
            @Override
            public void send(InetSocketAddress to, byte[] frame) {
                network.add(new Datagram(at, to, frame));
            }

            @Override
            public void relay(Octets to, byte[] frame) {}

            @Override
            public boolean canRelay() {
                return false;
            }
        };
        ChatEngine engine = new ChatEngine(clock, random, () -> {
            byte[] key = new byte[X25519.KEY_SIZE];
            random.nextBytes(key);
            return X25519.fromPrivateKey(key);
        }, PeerSession.Timers.DEFAULT, new LocalPeer(identity(seed), X25519.fromPrivateKey(agreementKey), name), false,
                Duration.ofDays(7), contacts, store, Runnable::run, socket, out, new ChatEngine.Introductions() {
                    @Override
                    public void wanted(Octets key, String peerName) {}

                    @Override
                    public void reach(Octets key, String peerName) {}

                    @Override
                    public CompletableFuture<Void> deposit(Octets key, List<Octets> pieces) {
                        return CompletableFuture.failedFuture(new IllegalStateException("no tracker here"));
                    }

                    @Override
                    public void mailStored(List<Long> ids) {}
                });
        engines.put(at, engine);
        return engine;
    }

    private void run(Duration duration) {
        long end = clock.millis() + duration.toMillis();
        while (clock.millis() < end) {
            engines.values().forEach(ChatEngine::tick);
            while (!network.isEmpty()) {
                Datagram datagram = network.poll();
                ChatEngine to = engines.get(datagram.to());
                if (to != null) {
                    to.links().onDatagram(datagram.from(), ByteBuffer.wrap(datagram.bytes()));
                }
            }
            clock.advance(Duration.ofMillis(100));
        }
    }

    /**
     * 2,000 friend requests from throwaway keys were all kept (and each rewrote the contacts file). Now at most 100
     * wait, the newest; the oldest are dropped, counted and told in a few lines, not one per request.
     */
    @Test
    void shouldKeepTheNewestHundredFriendRequestsAndTellOfTheRestInAFewLines() {
        int strangers = 150;
        List<ChatEngine> senders = new ArrayList<>();
        for (int i = 1; i <= strangers; i++) {
            ChatEngine stranger = engine(i, "s" + i, new InetSocketAddress("127.0.0.1", 1000 + i), event -> { });
            stranger.links().connect(VICTIM_AT, "victim");
            senders.add(stranger);
        }
        run(Duration.ofSeconds(2));
        Octets victimKey = victimIdentity.publicKey();
        for (ChatEngine stranger : senders) {
            stranger.requestFriend(victimKey, "");
            run(Duration.ofMillis(100));
        }
        run(Duration.ofSeconds(11));

        List<PeerEvent.FriendRequested> requests = victimEvents.stream()
                .filter(PeerEvent.FriendRequested.class::isInstance).map(PeerEvent.FriendRequested.class::cast)
                .toList();
        assertThat(requests).hasSize(strangers);
        long waiting = victim.peers().stream().filter(view -> view.friend() == FriendState.REQUEST_RECEIVED).count();
        assertThat(waiting).isEqualTo(ChatEngine.MAX_PENDING_REQUESTS);
        assertThat(victim.peers().stream().filter(view -> view.friend() == FriendState.REQUEST_RECEIVED)
                .map(view -> view.peer().name())).as("the newest kept").contains("s150").doesNotContain("s1");
        assertThat(victim.limitReached(LimitKind.FRIEND_REQUESTS))
                .isEqualTo(strangers - ChatEngine.MAX_PENDING_REQUESTS);
        List<PeerEvent.LimitReached> told = victimEvents.stream().filter(PeerEvent.LimitReached.class::isInstance)
                .map(PeerEvent.LimitReached.class::cast).toList();
        assertThat(told).hasSizeBetween(1, 4);
        assertThat(told.stream().mapToLong(PeerEvent.LimitReached::times).sum()).as("every drop told")
                .isEqualTo(strangers - ChatEngine.MAX_PENDING_REQUESTS);
    }

    /**
     * 1,100 handshakes from fresh keys filled the 1,024-conversation table, so friends and the peer's own
     * connections were refused. Strangers now get three quarters of it; a friend and this side's own connection still
     * get through, and the limit is told.
     */
    @Test
    void shouldKeepRoomForFriendsAndOwnConversationsWhenStrangersFloodTheTable() {
        int strangers = LinkTable.MAX_STRANGER_SESSIONS + 40;
        for (int i = 1; i <= strangers; i++) {
            engine(i, "s" + i, new InetSocketAddress("10.0." + (i / 250) + "." + (i % 250 + 1), 2000), event -> { })
                    .links().connect(VICTIM_AT, "victim");
            if (i % 50 == 0) {
                run(Duration.ofMillis(500));
            }
        }
        run(Duration.ofSeconds(5));

        assertThat(victim.links().dropped(LinkTable.Drop.TOO_MANY_STRANGERS)).isPositive();
        assertThat(victim.limitReached(LimitKind.STRANGER_CONVERSATIONS)).isPositive();
        assertThat(victim.peers().stream().filter(view -> view.connected()).count())
                .isEqualTo(LinkTable.MAX_STRANGER_SESSIONS);
        assertThat(victimEvents).anyMatch(event -> event instanceof PeerEvent.LimitReached limit
                && limit.kind() == LimitKind.STRANGER_CONVERSATIONS);

        InetSocketAddress friendAt = new InetSocketAddress("192.0.2.1", 3000);
        List<PeerEvent> friendEvents = new ArrayList<>();
        ChatEngine friend = engine(999_999, "friend", friendAt, friendEvents::add);
        friend.links().connect(VICTIM_AT, "victim");
        InetSocketAddress ownAt = new InetSocketAddress("192.0.2.2", 3000);
        ChatEngine own = engine(888_888, "own", ownAt, event -> { });
        victim.connect(identity(888_888).publicKey(), null, "own", List.of(ownAt));
        run(Duration.ofSeconds(3));

        assertThat(victim.links().connected(friendIdentity.publicKey())).as("the friend got in").isNotNull();
        assertThat(victim.links().connected(identity(888_888).publicKey())).as("this side's own connection")
                .isNotNull();
        assertThat(own).isNotNull();
    }

    /**
     * 1,120 lookups by sybils through an honest tracker made the victim open 1,024 conversations and send 34,816
     * datagrams in 11 s. Introduced strangers are now tried 32 at a time; the rest are told, and a friend's
     * introduction is still tried.
     */
    @Test
    void shouldTryAtMostThirtyTwoIntroducedStrangersAtOnceButAlwaysAFriend() {
        int tried = 0;
        for (int i = 1; i <= 100; i++) {
            Octets key = identity(5_000 + i).publicKey();
            if (victim.introduced(key, null, "sybil" + i, List.of(new InetSocketAddress("198.51.100.9", 4000 + i)))) {
                tried++;
            }
        }
        boolean friendTried = victim.introduced(friendIdentity.publicKey(), null, "friend",
                List.of(new InetSocketAddress("198.51.100.10", 5000)));
        network.clear();

        assertThat(tried).isEqualTo(ChatEngine.MAX_INTRODUCED_STRANGERS);
        assertThat(friendTried).isTrue();
        assertThat(victim.limitReached(LimitKind.INTRODUCTIONS)).isEqualTo(100 - ChatEngine.MAX_INTRODUCED_STRANGERS);
        assertThat(victimEvents).anyMatch(event -> event instanceof PeerEvent.LimitReached limit
                && limit.kind() == LimitKind.INTRODUCTIONS);
    }

    /**
     * Introductions by strangers once opened conversations outside the strangers' slots, so that sybils looking this
     * peer up could fill the whole table: they count among the strangers' slots now, and once the table is full a
     * friend's handshake ends the oldest stranger's conversation instead of being refused.
     */
    @Test
    void shouldCountIntroducedStrangersAmongTheStrangersAndLetAFriendInWhenTheTableIsFull() {
        int strangers = LinkTable.MAX_STRANGER_SESSIONS;
        for (int i = 1; i <= strangers; i++) {
            InetSocketAddress at = new InetSocketAddress("10.1." + (i / 250) + "." + (i % 250 + 1), 2000);
            engine(i, "s" + i, at, event -> { });
            assertThat(victim.introduced(identity(i).publicKey(), null, "s" + i, List.of(at))).isTrue();
            if (i % 30 == 0) {
                run(Duration.ofSeconds(1));
            }
        }
        run(Duration.ofSeconds(2));
        assertThat(victim.links().strangersFull()).isTrue();
        InetSocketAddress lateAt = new InetSocketAddress("10.9.9.9", 2000);
        engine(7_777, "late", lateAt, event -> { });
        assertThat(victim.introduced(identity(7_777).publicKey(), null, "late", List.of(lateAt)))
                .as("no slot left for strangers").isFalse();

        // Fill the rest of the table with this side's own conversations, then let the friend knock.
        for (int i = 0; victim.peers().stream().filter(view -> view.connected()).count() < LinkTable.MAX_SESSIONS
                && i < LinkTable.MAX_SESSIONS; i++) {
            InetSocketAddress at = new InetSocketAddress("10.5." + (i / 250) + "." + (i % 250 + 1), 2000);
            engine(20_000 + i, "own" + i, at, event -> { });
            try {
                victim.connect(identity(20_000 + i).publicKey(), null, "own" + i, List.of(at));
            } catch (ChatException full) {
                break; // every slot taken, connected or connecting
            }
            if (i % 30 == 0) {
                run(Duration.ofSeconds(1));
            }
        }
        run(Duration.ofSeconds(2));
        assertThatThrownBy(() -> victim.connect(identity(30_000).publicKey(), null, "more", List.of(lateAt)))
                .as("the table is full").isInstanceOf(ChatException.class);
        engine(999_999, "friend", new InetSocketAddress("192.0.2.1", 3000), event -> { }).links()
                .connect(VICTIM_AT, "victim");
        run(Duration.ofSeconds(3));

        assertThat(victim.links().connected(friendIdentity.publicKey())).as("the friend got in").isNotNull();
    }

    /**
     * A hostile tracker could rename a friend (an introduction or a lookup result names the key anew) and so free
     * its name for a lookalike. The tracker's word names only peers this side keeps nothing about now.
     */
    @Test
    void shouldKeepAFriendsNameWhateverTheTrackerCallsIt() {
        victim.connect(friendIdentity.publicKey(), null, "zed", List.of(new InetSocketAddress("192.0.2.1", 3000)));
        victim.connect(identity(4_242).publicKey(), null, "NOT A NAME",
                List.of(new InetSocketAddress("192.0.2.2", 3000)));
        network.clear();

        assertThat(victimContacts.get(friendIdentity.publicKey()).name).isEqualTo("friend");
        assertThat(victimContacts.get(identity(4_242).publicKey()).name).as("a name outside the rule is not kept")
                .isEqualTo(dev.p2pchat.peer.api.PeerRef.fingerprint(identity(4_242).publicKey()));
    }
}
