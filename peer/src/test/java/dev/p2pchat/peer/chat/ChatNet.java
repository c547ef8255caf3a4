package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.link.LocalPeer;
import dev.p2pchat.peer.link.PeerSession;
import dev.p2pchat.peer.store.PeerStore;
import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.testsupport.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Chat engines on an in-memory network and a fake clock, each with a real database in its own directory and an event
 * loop of its own (a queue of tasks run between datagrams, as Netty's would be): a node can be taken off the network
 * (an outage), stopped without a goodbye (a crash) and started again on the same directory. A stand-in tracker
 * answers the engines' attempts to reach a peer: with its address while that peer is up, else "offline"; and keeps
 * mail, which a node fetches when it starts (as a peer does when it registers).
 */
final class ChatNet {
    /** A datagram in flight: direct, or relayed by the tracker from the peer holding {@code relayedFrom}. */
    record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes, Octets relayedFrom) {}

    final MutableClock clock = new MutableClock();
    private final Deque<Datagram> network = new ArrayDeque<>();
    private final Map<InetSocketAddress, Node> nodes = new LinkedHashMap<>();
    boolean relayAvailable;
    boolean directBlocked;
    /** Datagrams this returns true for are lost. */
    Predicate<Datagram> lose = datagram -> false;
    long lost;
    /** The stand-in tracker's mailbox: pieces by recipient key, in the order deposited, each with its id. */
    final Map<Octets, LinkedHashMap<Long, Octets>> mail = new LinkedHashMap<>();
    private long nextMailId = 1;

    /** One peer: its keys and directory survive restarts; its engine and store do not. */
    final class Node {
        final String name;
        final Identity identity;
        final X25519.KeyPair agreement;
        final InetSocketAddress at;
        final Path directory;
        final List<PeerEvent> events = new ArrayList<>();
        final List<String> introductionsWanted = new ArrayList<>();
        final Deque<Runnable> tasks = new ArrayDeque<>();
        boolean friendsOnly;
        Duration messageTtl = Duration.ofDays(7);
        /** Off the network: nothing it sends arrives, nothing reaches it, the tracker calls it offline. */
        boolean down;
        ChatEngine engine;
        PeerStore store;
        private final int seed;

        Node(String name, int seed, InetSocketAddress at, Path directory) {
            this.name = name;
            this.seed = seed;
            this.at = at;
            this.directory = directory;
            byte[] key = new byte[Identity.PRIVATE_KEY_SIZE];
            new SplittableRandom(seed).nextBytes(key);
            this.identity = Identity.fromPrivateKey(key);
            byte[] agreementKey = new byte[X25519.KEY_SIZE];
            new SplittableRandom(seed + 100).nextBytes(agreementKey);
            this.agreement = X25519.fromPrivateKey(agreementKey);
        }

        Octets key() {
            return identity.publicKey();
        }

        /** Starts an engine on the node's directory, taking back what the last one stored. */
        Node start() {
            try {
                Files.createDirectories(directory);
                store = PeerStore.open(directory, tasks::add, false);
                SplittableRandom random = new SplittableRandom(seed * 31L + events.size() + clock.millis());
                engine = new ChatEngine(clock, random, () -> {
                    byte[] key = new byte[X25519.KEY_SIZE];
                    random.nextBytes(key);
                    return X25519.fromPrivateKey(key);
                }, PeerSession.Timers.DEFAULT, new LocalPeer(identity, agreement, name), friendsOnly, messageTtl,
                        Contacts.load(store), store, tasks::add, socket(), events::add, new Tracker(this));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            fetchMail();
            return this;
        }

        /** Hands the engine every piece of mail the tracker keeps for this node, as a registration's fetch does. */
        void fetchMail() {
            if (down) {
                return;
            }
            LinkedHashMap<Long, Octets> mine = mail.getOrDefault(key(), new LinkedHashMap<>());
            new LinkedHashMap<>(mine).forEach((id, piece) -> tasks.add(() -> engine.mailArrived(id, piece)));
        }

        /**
         * Stops without a goodbye or a last write, as {@code kill -9} would: what is on disk is what the store
         * committed. (This store writes as it is told, so everything told is.)
         */
        void crash() {
            tasks.clear();
            store.close();
            engine = null;
        }

        void restart() {
            crash();
            start();
        }

        /** Opens a conversation with {@code other}, as a lookup would. */
        void connect(Node other) {
            engine.connect(other.key(), Octets.of(other.agreement.publicKey()), other.name, List.of(other.at));
        }

        private PeerSocket socket() {
            return new PeerSocket() {
                @Override
                public void send(InetSocketAddress to, byte[] frame) {
                    network.add(new Datagram(at, to, frame, null));
                }

                @Override
                public void relay(Octets to, byte[] frame) {
                    for (Node node : nodes.values()) {
                        if (node.key().equals(to)) {
                            network.add(new Datagram(at, node.at, frame, identity.publicKey()));
                        }
                    }
                }

                @Override
                public boolean canRelay() {
                    return relayAvailable;
                }
            };
        }
    }

    /** Pieces of mail waiting for {@code node}. */
    int mailFor(Node node) {
        return mail.getOrDefault(node.key(), new LinkedHashMap<>()).size();
    }

    /** The tracker as the engines see it: a peer that is up is found at its address; one that is down is not. */
    private final class Tracker implements ChatEngine.Introductions {
        private final Node asking;

        Tracker(Node asking) {
            this.asking = asking;
        }

        @Override
        public void wanted(Octets key, String peerName) {
            asking.introductionsWanted.add(asking.name + " wants " + peerName);
        }

        @Override
        public void reach(Octets key, String peerName) {
            if (asking.down) {
                return; // no tracker either
            }
            for (Node node : nodes.values()) {
                if (node.key().equals(key)) {
                    if (node.down || node.engine == null) {
                        asking.engine.offline(key);
                    } else {
                        asking.connect(node);
                    }
                }
            }
        }

        @Override
        public CompletableFuture<Void> deposit(Octets key, List<Octets> pieces) {
            if (asking.down) {
                return CompletableFuture.failedFuture(new IllegalStateException("not registered with the tracker"));
            }
            LinkedHashMap<Long, Octets> box = mail.computeIfAbsent(key, ignored -> new LinkedHashMap<>());
            pieces.forEach(piece -> box.put(nextMailId++, piece));
            CompletableFuture<Void> stored = new CompletableFuture<>();
            asking.tasks.add(() -> stored.complete(null)); // the tracker's OK comes later, on the asker's loop
            return stored;
        }

        @Override
        public void mailStored(List<Long> ids) {
            mail.getOrDefault(asking.key(), new LinkedHashMap<>()).keySet().removeAll(ids);
        }
    }

    Node add(String name, int seed, Path directory) {
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", 1000 + seed);
        Node node = new Node(name, seed, at, directory);
        nodes.put(at, node);
        return node;
    }

    /** Runs every engine for {@code duration} of fake time: ticks every 100 ms, then datagrams and tasks. */
    void run(Duration duration) {
        long end = clock.millis() + duration.toMillis();
        while (clock.millis() < end) {
            for (Node node : nodes.values()) {
                if (node.engine != null) {
                    node.engine.tick();
                }
            }
            drain();
            clock.advance(Duration.ofMillis(100));
        }
    }

    private void drain() {
        boolean busy = true;
        while (busy) {
            busy = false;
            for (Node node : nodes.values()) {
                while (!node.tasks.isEmpty()) {
                    node.tasks.poll().run();
                    busy = true;
                }
            }
            while (!network.isEmpty()) {
                busy = true;
                deliver(network.poll());
            }
        }
    }

    private void deliver(Datagram datagram) {
        Node from = nodes.get(datagram.from());
        Node to = nodes.get(datagram.to());
        if (to == null || to.engine == null || to.down || (from != null && from.down)
                || (directBlocked && datagram.relayedFrom() == null)) {
            return;
        }
        if (lose.test(datagram)) {
            lost++;
            return;
        }
        if (datagram.relayedFrom() != null) {
            to.engine.links().onRelayed(datagram.relayedFrom(), ByteBuffer.wrap(datagram.bytes()));
        } else {
            to.engine.links().onDatagram(datagram.from(), ByteBuffer.wrap(datagram.bytes()));
        }
    }

    /** Every node's store closed, for the end of a test. */
    void close() {
        for (Node node : nodes.values()) {
            if (node.store != null) {
                node.store.close();
            }
        }
    }
}
