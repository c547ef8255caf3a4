package dev.p2pchat.bench;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.tracker.SessionCipher;
import dev.p2pchat.tracker.registry.Registry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Heap retained per registered peer: the used heap after full collections, before and after filling a
 * {@link Registry} directly (no sockets), divided by the number of peers. Only what the registry keeps counts:
 * keys are generated into one reused buffer and copied by the registry, and every temporary is garbage by the
 * time the heap is measured.
 *
 * <p>Every registration holds a session as the tracker makes one: the registry derives the registration's own
 * {@link SessionCipher} from the REGISTER's session secret and the token it picks, and keeps the session key and
 * the timestamp, and indexes the registration by its token. What the registry keeps of a secret is that cipher
 * only, whose keys are bound to the token, so all registrations here share one secret (one X25519 agreement, not a
 * million) and still each get a cipher of their own. The ciphers' share is measured apart: as many ciphers, held
 * in an array.
 */
final class HeapPerPeer {
    private static final int GC_ROUNDS = 5;

    /**
     * @param bytes heap the registry retains
     * @param cipherBytes heap as many session ciphers alone retain (each bound to its own session)
     * @param registerNanos time the registrations took, without signatures, sockets or key agreements
     */
    record Result(int peers, long bytes, long cipherBytes, long registerNanos) {
        double bytesPerPeer() {
            return (double) bytes / peers;
        }

        /** What a registration's own {@link SessionCipher} costs of {@link #bytesPerPeer}. */
        double cipherBytesPerPeer() {
            return (double) cipherBytes / peers;
        }

        double registrationsPerSecond() {
            return peers * 1e9 / registerNanos;
        }
    }

    private HeapPerPeer() {}

    static Result measure(int peers) {
        SessionCipher.Secret secret = secret();
        long before = usedHeapAfterGc();
        SplittableRandom random = new SplittableRandom(7);
        Registry registry = new Registry(Clock.systemUTC(), random, peers, Duration.ofSeconds(90),
                Duration.ofSeconds(120));
        Octets noAgreementKey = Octets.zeros(Wire.KEY_SIZE);
        long timestamp = System.currentTimeMillis();
        byte[] key = new byte[Wire.KEY_SIZE];
        long start = System.nanoTime();
        for (int peer = 0; peer < peers; peer++) {
            random.nextBytes(key);
            Octets identityKey = Octets.of(key);
            // The session key the REGISTER carried: the registry keeps a copy to recognise a retransmission.
            random.nextBytes(key);
            Registry.Result result = registry.register("peer-" + peer, identityKey, noAgreementKey, 0,
                    observedAddress(peer), List.of(Peers.privateAddress(peer)),
                    new Registry.Session(secret, Octets.of(key), timestamp));
            if (!result.isOk()) {
                throw new IllegalStateException("registration " + peer + " refused: " + result.error());
            }
        }
        long registerNanos = System.nanoTime() - start;
        long after = usedHeapAfterGc();
        Reference.reachabilityFence(registry);
        registry = null;
        return new Result(peers, after - before, cipherBytes(secret, peers), registerNanos);
    }

    /** Heap {@code count} session ciphers retain, less the array that holds them. */
    private static long cipherBytes(SessionCipher.Secret secret, int count) {
        SessionCipher[] ciphers = new SessionCipher[count];
        long before = usedHeapAfterGc();
        for (int i = 0; i < count; i++) {
            ciphers[i] = secret.cipher(i + 1);
        }
        long after = usedHeapAfterGc();
        Reference.reachabilityFence(ciphers);
        return after - before;
    }

    private static SessionCipher.Secret secret() {
        SecureRandom random = new SecureRandom();
        try {
            return SessionCipher.Secret.forTracker(X25519.generate(random),
                    Octets.of(X25519.generate(random).publicKey()));
        } catch (CryptoException impossible) {
            throw new AssertionError("a generated key is not of small order", impossible);
        }
    }

    /** A distinct public address per peer, as NATs hand them out: 100.64.0.0/10 with a port. */
    private static InetSocketAddress observedAddress(int peer) {
        try {
            byte[] ip = {100, (byte) (64 | (peer >>> 24 & 0x3F)), (byte) (peer >>> 16), (byte) (peer >>> 8)};
            return new InetSocketAddress(InetAddress.getByAddress(ip), 1024 + (peer & 0xFF));
        } catch (UnknownHostException impossible) {
            throw new AssertionError("an IPv4 address has four bytes", impossible);
        }
    }

    /** Used heap once full collections stop freeing anything (G1 may need more than one round). */
    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int round = 0; round < GC_ROUNDS; round++) {
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used) {
                return used;
            }
            used = now;
        }
        return used;
    }
}
