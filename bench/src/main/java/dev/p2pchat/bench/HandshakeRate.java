package dev.p2pchat.bench;

import dev.p2pchat.peer.link.LinkTable;
import dev.p2pchat.peer.link.LocalPeer;
import dev.p2pchat.peer.link.PeerSession;
import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.peer.ContentKind;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Handshakes per second on one core: two peers' conversation tables in one thread, frames handed from one to the
 * other in memory (no sockets), each round a conversation opened (IK by key, or XX by address), confirmed on both
 * sides, then closed with a goodbye. What it costs is the handshake's cryptography (X25519, ChaCha20-Poly1305,
 * SHA-256, the Ed25519 binding signature made once and checked every time) and the table's bookkeeping.
 */
final class HandshakeRate {
    private static final InetSocketAddress ALICE = new InetSocketAddress("192.0.2.1", 1);
    private static final InetSocketAddress BOB = new InetSocketAddress("192.0.2.2", 2);

    private record Datagram(InetSocketAddress to, InetSocketAddress from, byte[] bytes) {}

    /**
     * Time as the two tables see it: 20 ms more per round, so that one peer's rapid handshakes never count as a
     * flood (the responder would then ask for cookies, which is not what is measured here).
     */
    private final SteppedClock clock = new SteppedClock();
    private final Deque<Datagram> wire = new ArrayDeque<>();
    private final SecureRandom random = new SecureRandom();
    private final LocalPeer bobSelf;
    private final LinkTable alice;
    private final LinkTable bob;
    private long connected;

    private HandshakeRate() {
        bobSelf = new LocalPeer(Identity.generate(random), X25519.generate(random), "bob");
        alice = table(new LocalPeer(Identity.generate(random), X25519.generate(random), "alice"), ALICE);
        bob = table(bobSelf, BOB);
    }

    /** Completed handshakes per second over {@code duration}, after as long again of warm-up. */
    static double measure(boolean ik, Duration duration) {
        HandshakeRate rate = new HandshakeRate();
        rate.run(ik, duration);
        long start = System.nanoTime();
        long rounds = rate.run(ik, duration);
        return rounds / ((System.nanoTime() - start) / 1e9);
    }

    private long run(boolean ik, Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        long rounds = 0;
        while (System.nanoTime() < end) {
            clock.step(20);
            connected = 0;
            if (ik) {
                alice.connect(bobSelf.identity().publicKey(), bobSelf.agreementKey(), "bob", List.of(BOB));
            } else {
                alice.connect(BOB, "bob");
            }
            deliver();
            // The IK responder confirms its keys on the initiator's first frame: one datagram more.
            alice.offer(bobSelf.identity().publicKey(), ContentKind.TEXT, new byte[1], LinkTable.NO_RECEIPT);
            deliver();
            if (connected < 2) {
                throw new IllegalStateException("a handshake did not complete");
            }
            alice.close(bobSelf.identity().publicKey(), "next round", true);
            deliver();
            rounds++;
        }
        return rounds;
    }

    private void deliver() {
        while (!wire.isEmpty()) {
            Datagram datagram = wire.poll();
            (datagram.to().equals(BOB) ? bob : alice).onDatagram(datagram.from(), ByteBuffer.wrap(datagram.bytes()));
        }
    }

    private static final class SteppedClock extends Clock {
        private long millis = System.currentTimeMillis();

        void step(long by) {
            millis += by;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private LinkTable table(LocalPeer self, InetSocketAddress at) {
        PeerSocket socket = new PeerSocket() {
            @Override
            public void send(InetSocketAddress to, byte[] frame) {
                wire.add(new Datagram(to, at, frame));
            }

            @Override
            public void relay(Octets to, byte[] frame) {}

            @Override
            public boolean canRelay() {
                return false;
            }
        };
        return new LinkTable(clock, random, () -> X25519.generate(random), PeerSession.Timers.DEFAULT,
                self, socket, new LinkTable.Listener() {
                    @Override
                    public boolean admits(Octets key) {
                        return true;
                    }

                    @Override
                    public void seen(Octets key, long now) {}

                    @Override
                    public void connected(PeerSession session) {
                        connected++;
                    }

                    @Override
                    public void received(PeerSession session, ContentKind kind, byte[] content) {}

                    @Override
                    public void delivered(PeerSession session, long receipt) {}

                    @Override
                    public void failed(PeerSession session, String target, long receipt, String reason) {}

                    @Override
                    public void routeChanged(PeerSession session) {}

                    @Override
                    public void disconnected(PeerSession session, String reason) {}

                    @Override
                    public void connectFailed(String target, String reason) {}

                    @Override
                    public void wantsIntroduction(Octets key) {}
                });
    }
}
