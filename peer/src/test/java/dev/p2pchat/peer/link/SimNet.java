package dev.p2pchat.peer.link;

import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.testsupport.MutableClock;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Peers' link tables on one simulated network, on one fake clock: datagrams are queued as sent and delivered in
 * order, through faults a test sets (a drop rule, random loss, a blocked direct path), and a tap keeps every datagram
 * sent, as an attacker on the path would see it. A datagram to an address no node holds goes nowhere, unless a
 * test takes it from the tap. The tracker's relay is simulated too: it passes frames on by key.
 */
final class SimNet {
    static final InetSocketAddress TRACKER = new InetSocketAddress("198.51.100.1", 7070);
    static final long TICK_MILLIS = 10;

    /** A datagram on the wire: straight, or through the relay (then {@code from} is the tracker). */
    record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes, Octets relayedFrom) {
        boolean relayed() {
            return relayedFrom != null;
        }

        boolean carries(byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= bytes.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (bytes[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }

    final MutableClock clock = new MutableClock();
    final List<Node> nodes = new ArrayList<>();
    final List<Datagram> tap = new ArrayList<>();
    private final Deque<Datagram> inFlight = new ArrayDeque<>();
    private final SplittableRandom faults = new SplittableRandom(99);
    Predicate<Datagram> drop = datagram -> false;
    double loss;
    boolean directBlocked;
    boolean relayAvailable = true;
    long lost;

    Node node(String name, String address, int seed) {
        return node(name, address, seed, PeerSession.Timers.DEFAULT);
    }

    Node node(String name, String address, int seed, PeerSession.Timers timers) {
        Node node = new Node(name, new InetSocketAddress(address, 4000 + seed), seed, timers);
        nodes.add(node);
        return node;
    }

    /** Delivers what is in flight (and what it causes), ticking every node each {@value #TICK_MILLIS} ms. */
    void run(Duration duration) {
        long end = clock.millis() + duration.toMillis();
        while (clock.millis() < end) {
            nodes.forEach(node -> node.table.tick());
            deliverAll();
            clock.advance(Duration.ofMillis(TICK_MILLIS));
        }
    }

    /** Delivers everything in flight, and what that causes, without moving the clock. */
    void deliverAll() {
        while (!inFlight.isEmpty()) {
            deliver(inFlight.poll());
        }
    }

    /** A datagram from anyone, to anyone: a forgery, a replay, or something taken from the tap. */
    void inject(Datagram datagram) {
        deliver(datagram);
    }

    private void deliver(Datagram datagram) {
        if (drop.test(datagram) || (directBlocked && !datagram.relayed())
                || (loss > 0 && faults.nextDouble() < loss)) {
            lost++;
            return;
        }
        for (Node node : nodes) {
            if (node.address.equals(datagram.to())) {
                if (datagram.relayed()) {
                    node.table.onRelayed(datagram.relayedFrom(), ByteBuffer.wrap(datagram.bytes()));
                } else {
                    node.table.onDatagram(datagram.from(), ByteBuffer.wrap(datagram.bytes()));
                }
                return;
            }
        }
    }

    private Node byKey(Octets key) {
        for (Node node : nodes) {
            if (node.identity.publicKey().equals(key)) {
                return node;
            }
        }
        return null;
    }

    /** One peer: its keys, its link table, and what its conversations told it. */
    final class Node implements LinkTable.Listener {
        final String name;
        InetSocketAddress address;
        final Identity identity;
        final X25519.KeyPair agreement;
        final LocalPeer self;
        LinkTable table;
        final List<String> received = new ArrayList<>();
        final List<Long> delivered = new ArrayList<>();
        final List<String> failed = new ArrayList<>();
        final List<String> connected = new ArrayList<>();
        final List<String> disconnected = new ArrayList<>();
        final List<String> connectFailed = new ArrayList<>();
        final List<Octets> introductionsWanted = new ArrayList<>();
        final Set<Octets> blocked = new HashSet<>();
        private final SplittableRandom random;
        private long nextReceipt = 1;

        Node(String name, InetSocketAddress address, int seed, PeerSession.Timers timers) {
            this.name = name;
            this.address = address;
            this.random = new SplittableRandom(seed);
            byte[] key = new byte[Identity.PRIVATE_KEY_SIZE];
            random.nextBytes(key);
            this.identity = Identity.fromPrivateKey(key);
            byte[] agreementKey = new byte[X25519.KEY_SIZE];
            random.nextBytes(agreementKey);
            this.agreement = X25519.fromPrivateKey(agreementKey);
            this.self = new LocalPeer(identity, agreement, name);
            restart(timers);
        }

        /** A new process with the same keys: every conversation and handshake of the old one is gone. */
        void restart(PeerSession.Timers timers) {
            table = new LinkTable(clock, random.split(), this::ephemeral, timers, self, new Socket(), this);
        }

        private X25519.KeyPair ephemeral() {
            byte[] key = new byte[X25519.KEY_SIZE];
            random.nextBytes(key);
            return X25519.fromPrivateKey(key);
        }

        Octets key() {
            return identity.publicKey();
        }

        /** Opens a conversation as after a lookup: by key, with the agreement key (IK) and {@code at} to punch. */
        void connect(Node peer, InetSocketAddress... at) {
            table.connect(peer.key(), peer.self.agreementKey(), peer.name, List.of(at));
        }

        /** Sends a text; returns its receipt. */
        long send(Node to, String text) {
            long receipt = nextReceipt++;
            if (!table.offer(to.key(), ContentKind.TEXT, text.getBytes(StandardCharsets.UTF_8), receipt)) {
                throw new IllegalStateException("not queued");
            }
            return receipt;
        }

        PeerSession session(Node peer) {
            return table.connected(peer.key());
        }

        @Override
        public boolean admits(Octets key) {
            return !blocked.contains(key);
        }

        @Override
        public void seen(Octets key, long now) {}

        @Override
        public void connected(PeerSession session) {
            connected.add(session.remoteName());
        }

        /** A text this node's application chokes on (throws for), as a buggy one would; null: none. */
        String chokesOn;

        @Override
        public void received(PeerSession session, ContentKind kind, byte[] content) {
            String text = new String(content, StandardCharsets.UTF_8);
            if (text.equals(chokesOn)) {
                throw new IllegalStateException("the application choked on " + text);
            }
            received.add(text);
        }

        @Override
        public void delivered(PeerSession session, long receipt) {
            delivered.add(receipt);
        }

        @Override
        public void failed(PeerSession session, String target, long receipt, String reason) {
            failed.add(receipt + ": " + reason);
        }

        @Override
        public void routeChanged(PeerSession session) {}

        @Override
        public void disconnected(PeerSession session, String reason) {
            disconnected.add(reason);
        }

        @Override
        public void connectFailed(String target, String reason) {
            connectFailed.add(target + ": " + reason);
        }

        @Override
        public void wantsIntroduction(Octets key) {
            introductionsWanted.add(key);
        }

        @Override
        public String toString() {
            return name;
        }

        private final class Socket implements PeerSocket {
            @Override
            public void send(InetSocketAddress to, byte[] frame) {
                Datagram datagram = new Datagram(address, to, frame, null);
                tap.add(datagram);
                inFlight.add(datagram);
            }

            @Override
            public void relay(Octets to, byte[] frame) {
                Node target = byKey(to);
                if (relayAvailable && target != null) {
                    Datagram datagram = new Datagram(TRACKER, target.address, frame, key());
                    tap.add(datagram);
                    inFlight.add(datagram);
                }
            }

            @Override
            public boolean canRelay() {
                return relayAvailable;
            }
        }
    }
}
