package dev.p2pchat.bench;

import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.api.PeerConfig;
import dev.p2pchat.peer.api.PeerListener;
import dev.p2pchat.peer.api.PeerNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One peer's way from nothing to its first delivered message, as a user who starts a peer and writes to another
 * at once would see it: {@link PeerNode#start} on an empty data directory (so an identity key is generated and
 * written), {@link PeerNode#connect} to the other peer's address, and once connected, a message to it by name,
 * until the other side's acknowledgement arrives.
 */
final class PeerStartup {
    /** Each step of a trial fails the run after this long: on loopback every step takes milliseconds. */
    private static final Duration STEP_LIMIT = Duration.ofSeconds(5);

    /**
     * Times from just before {@link PeerNode#start}, in nanoseconds.
     *
     * @param started {@code start} returned: key generated and stored, socket bound, event loop running
     * @param connected the {@link PeerEvent.Connected} event (the handshake answered and confirmed)
     * @param delivered the {@link PeerEvent.Delivered} event of the first message
     */
    record Timings(long started, long connected, long delivered) {}

    /** A started peer and how long it took; the caller closes the peer. */
    record Trial(PeerNode node, Timings timings) {}

    private PeerStartup() {}

    /**
     * Starts a peer with {@code config} (an empty data directory), connects it to {@code target}, sends
     * {@code targetName} one message and waits for its delivery. Every event also goes to {@code then}.
     */
    static Trial run(PeerConfig config, InetSocketAddress target, String targetName, String text, PeerListener then)
            throws IOException, InterruptedException {
        CompletableFuture<Long> connected = new CompletableFuture<>();
        CompletableFuture<Long> delivered = new CompletableFuture<>();
        PeerListener watch = event -> {
            if (event instanceof PeerEvent.Connected) {
                connected.complete(System.nanoTime());
            } else if (event instanceof PeerEvent.Delivered) {
                delivered.complete(System.nanoTime());
            } else if (event instanceof PeerEvent.ConnectFailed failed) {
                connected.completeExceptionally(new IOException("could not connect: " + failed.reason()));
            } else if (event instanceof PeerEvent.Failed failed) {
                delivered.completeExceptionally(new IOException("not delivered: " + failed.reason()));
            }
            then.onEvent(event);
        };
        long start = System.nanoTime();
        PeerNode node = PeerNode.start(config, watch);
        long started = System.nanoTime();
        try {
            node.connect(target.getHostString() + ":" + target.getPort());
            long connectedAt = await(connected, "connect to " + target);
            await(node.send(targetName, text), "queue a message");
            long deliveredAt = await(delivered, "the first message's delivery");
            return new Trial(node, new Timings(started - start, connectedAt - start, deliveredAt - start));
        } catch (IOException | InterruptedException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) throws IOException, InterruptedException {
        try {
            return future.get(STEP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException(what + " took longer than " + STEP_LIMIT.toSeconds() + " s", e);
        }
    }
}
