package dev.p2pchat.bench;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.tracker.registry.Registry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Heap retained per registered peer: the used heap after full collections, before and after filling a
 * {@link Registry} directly (no sockets), divided by the number of peers. Only what the registry keeps counts:
 * keys are generated into one reused buffer and copied by the registry, and every temporary is garbage by the
 * time the heap is measured.
 */
final class HeapPerPeer {
    private static final int GC_ROUNDS = 5;

    /**
     * @param bytes heap the registry retains
     * @param registerNanos time the registrations took, without signatures or sockets
     */
    record Result(int peers, long bytes, long registerNanos) {
        double bytesPerPeer() {
            return (double) bytes / peers;
        }

        double registrationsPerSecond() {
            return peers * 1e9 / registerNanos;
        }
    }

    private HeapPerPeer() {}

    static Result measure(int peers) {
        long before = usedHeapAfterGc();
        SplittableRandom random = new SplittableRandom(7);
        Registry registry = new Registry(Clock.systemUTC(), random, peers, Duration.ofSeconds(90));
        Octets noAgreementKey = Octets.zeros(Wire.KEY_SIZE);
        byte[] key = new byte[Wire.KEY_SIZE];
        long start = System.nanoTime();
        for (int peer = 0; peer < peers; peer++) {
            random.nextBytes(key);
            Registry.Result result = registry.register("peer-" + peer, Octets.of(key), noAgreementKey, 0,
                    observedAddress(peer), List.of(Peers.privateAddress(peer)));
            if (!result.isOk()) {
                throw new IllegalStateException("registration " + peer + " refused: " + result.error());
            }
        }
        long registerNanos = System.nanoTime() - start;
        long after = usedHeapAfterGc();
        Reference.reachabilityFence(registry);
        return new Result(peers, after - before, registerNanos);
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
