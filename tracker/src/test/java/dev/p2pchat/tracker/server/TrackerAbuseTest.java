package dev.p2pchat.tracker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.FrameType;
import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.protocol.peer.PeerWire;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.testsupport.TrackerTestClient;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.identity.TrackerIdentity;
import dev.p2pchat.tracker.metrics.DropReason;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 hostile datagrams from one source (random bytes, valid headers over random bodies, truncated and
 * bit-flipped messages, oversized datagrams, forged cookies, cookie requests, requests that belong in a session sent
 * bare, SEALEDs of sessions that do not exist, peer-to-peer messages that no tracker expects, intact or with a bad
 * checksum), then honest clients from another source address must still be served, and the counters must account
 * for every datagram.
 */
@Timeout(120)
class TrackerAbuseTest {
    private static final int GARBAGE = 100_000;
    /** Datagrams in flight before the sender waits for the tracker to catch up, so the socket buffer holds. */
    private static final int WINDOW = 100;
    private static final long CATCH_UP_NANOS = 2_000_000_000L;

    private final Random random = new Random(20261121);

    @Test
    void shouldServeHonestPeersAfterAFloodOfGarbageAndAccountForEveryDatagram() throws Exception {
        // The rate limit is off so that every datagram reaches the decoder; rate limiting has its own test.
        TrackerConfig config = TrackerConfig.builder().loopback().rateLimit(0, 1).build();
        try (TrackerServer server = new TrackerServer(config, Clock.systemUTC(), new SecureRandom(),
                TrackerIdentity.ephemeral(new SecureRandom()));
                TrackerTestClient honest = new TrackerTestClient(server.start());
                TrackerTestClient attacker = new TrackerTestClient(
                        new InetSocketAddress("127.0.0.2", 0), server.localAddress())) {
            TrackerMetrics metrics = server.metrics();
            Octets foreignCookie = honest.fetchCookie();
            long before = metrics.datagramsIn();

            for (int sent = 0; sent < GARBAGE; sent++) {
                attacker.sendRaw(garbage(sent, foreignCookie));
                if (sent % WINDOW == WINDOW - 1) {
                    awaitCatchUp(metrics, before + sent + 1 - WINDOW);
                    drain(attacker);
                }
            }
            awaitCatchUp(metrics, before + GARBAGE);
            drain(attacker);

            long arrived = metrics.datagramsIn() - before;
            assertThat(arrived).as("datagrams that reached the tracker").isGreaterThan(GARBAGE * 99L / 100);
            // The traffic counter sees a datagram before the decoder and handler do: wait for them to finish.
            long deadline = System.nanoTime() + CATCH_UP_NANOS;
            while (accountedFor(metrics) < metrics.datagramsIn() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }
            assertThat(accountedFor(metrics)).as("every datagram decoded or dropped by the decoder with a reason")
                    .isEqualTo(metrics.datagramsIn());
            // Every reason the decoder knows happened, and the tracker's own for requests it will not serve.
            List<DropReason> reasons = new ArrayList<>(List.of(DropReason.BAD_COOKIE, DropReason.UNEXPECTED_TYPE,
                    DropReason.UNSEALED, DropReason.SESSION_UNKNOWN));
            for (ProtocolException.Reason reason : ProtocolException.Reason.values()) {
                reasons.add(DropReason.of(reason));
            }
            for (DropReason reason : reasons) {
                assertThat(metrics.dropped(reason)).as(reason.name()).isPositive();
            }
            assertThat(metrics.received(TrackerMessageType.COOKIE_REQUEST)).isGreaterThan(GARBAGE / 20);

            // No amplification, measured at the attacker's socket and on what the tracker wrote.
            assertThat(attacker.bytesReceived()).isPositive().isLessThanOrEqualTo(attacker.bytesSent());
            assertThat(metrics.unvalidatedBytesOut()).isPositive()
                    .isLessThanOrEqualTo(metrics.unvalidatedBytesIn());
            assertThat(metrics.registered()).isZero();

            Identity alice = Identity.generate(new SecureRandom());
            honest.fetchCookie();
            assertThat(honest.register(alice, "alice")).isInstanceOf(Registered.class);
            assertThat(honest.lookup("alice")).isInstanceOfSatisfying(LookupResult.class,
                    result -> assertThat(result.peer().identityKey()).isEqualTo(alice.publicKey()));
            assertThat(server.channel().isActive()).isTrue();
        }
    }

    /** Datagrams the decoder turned into messages plus those it dropped, per reason. */
    private static long accountedFor(TrackerMetrics metrics) {
        long total = 0;
        for (TrackerMessageType type : TrackerMessageType.values()) {
            total += metrics.received(type);
        }
        for (ProtocolException.Reason reason : ProtocolException.Reason.values()) {
            total += metrics.dropped(DropReason.of(reason));
        }
        return total;
    }

    private static void awaitCatchUp(TrackerMetrics metrics, long target) {
        long deadline = System.nanoTime() + CATCH_UP_NANOS;
        while (metrics.datagramsIn() < target && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000);
        }
    }

    /** Reads the challenges the tracker sent back, so they are counted and do not fill the socket. */
    private static void drain(TrackerTestClient attacker) {
        while (attacker.receiveRaw(java.time.Duration.ofMillis(1)) != null) {
            // counted by the client
        }
    }

    private byte[] garbage(int index, Octets foreignCookie) {
        return switch (index % 8) {
            case 0 -> randomBytes(random.nextInt(Wire.MAX_DATAGRAM_SIZE + 400));
            case 1 -> withHeader(random.nextInt(256), randomBytes(random.nextInt(300)));
            case 2 -> truncated(validMessage(foreignCookie));
            case 3 -> flipped(validMessage(foreignCookie));
            case 4 -> TrackerCodec.encode(new CookieRequest(random.nextInt()));
            case 5 -> validMessage(foreignCookie);
            case 6 -> Arrays.copyOf(validMessage(foreignCookie), 1 + random.nextInt(3));
            default -> withTrailingByte(validMessage(foreignCookie));
        };
    }

    /**
     * A well-formed datagram: a request with someone else's cookie, a SEALED of a session nobody holds, a reply, or
     * what peers send each other.
     */
    private byte[] validMessage(Octets cookie) {
        return switch (random.nextInt(8)) {
            case 0 -> TrackerCodec.encode(new Keepalive(random.nextInt(), cookie, random.nextLong(), "victim"));
            case 1 -> TrackerCodec.encode(new TrackerMessage.Lookup(random.nextInt(), cookie, 0, "", "victim"));
            case 2 -> TrackerCodec.encode(new TrackerMessage.ListRequest(random.nextInt(), cookie, random.nextInt()));
            case 3 -> PeerFrameCodec.encode(new PeerFrame.Transport(random.nextInt(), random.nextLong() >>> 1,
                    Octets.of(randomBytes(PeerWire.TAG_SIZE + 1 + random.nextInt(200)))));
            case 4 -> PeerFrameCodec.encode(new PeerFrame.Initiation(FrameType.INITIATION_XX, random.nextInt(),
                    Octets.of(randomBytes(PeerWire.NOISE_XX_1)), Octets.of(randomBytes(PeerWire.MAC_SIZE)),
                    Octets.zeros(PeerWire.MAC_SIZE)));
            case 5 -> TrackerCodec.encode(new TrackerMessage.Register(random.nextInt(), cookie, "victim",
                    Octets.of(randomBytes(Wire.KEY_SIZE)), Octets.zeros(Wire.KEY_SIZE), 0, List.of(),
                    Octets.of(randomBytes(Wire.KEY_SIZE)), random.nextLong(),
                    Octets.of(randomBytes(Wire.SIGNATURE_SIZE))));
            case 6 -> TrackerCodec.encode(new TrackerMessage.Sealed(random.nextLong(), random.nextLong() >>> 1,
                    Octets.of(randomBytes(TrackerWire.SEAL_TAG_SIZE + TrackerWire.MIN_SEALED_MESSAGE_SIZE
                            + random.nextInt(200)))));
            default -> TrackerCodec.encode(new TrackerMessage.Ok(random.nextInt()));
        };
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private byte[] withHeader(int type, byte[] body) {
        int version = random.nextInt(10) == 0 ? 2 : Wire.VERSION;
        return ByteBuffer.allocate(Wire.HEADER_SIZE + body.length)
                .putShort((short) Wire.MAGIC).put((byte) version).put((byte) type).put(body).array();
    }

    private byte[] truncated(byte[] encoded) {
        return Arrays.copyOf(encoded, Wire.HEADER_SIZE + random.nextInt(encoded.length - Wire.HEADER_SIZE));
    }

    private byte[] flipped(byte[] encoded) {
        encoded[random.nextInt(encoded.length)] ^= (byte) (1 << random.nextInt(8));
        return encoded;
    }

    private static byte[] withTrailingByte(byte[] encoded) {
        return Arrays.copyOf(encoded, encoded.length + 1);
    }
}
