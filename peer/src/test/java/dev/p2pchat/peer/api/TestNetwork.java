package dev.p2pchat.peer.api;

import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.relay.RelayLimits;
import dev.p2pchat.tracker.server.TrackerServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tracker and peers on 127.0.0.1 for one test, with timers short enough for tests; {@link #close} stops every
 * peer (newest first) and the tracker.
 */
final class TestNetwork implements AutoCloseable {
    /** The keepalive interval the tracker asks for; its lease is 10 s. */
    static final Duration KEEPALIVE = Duration.ofSeconds(3);

    private final Path dataRoot;
    private final List<PeerNode> peers = new ArrayList<>();
    private TrackerServer tracker;
    private int trackerPort;

    TestNetwork(Path dataRoot) {
        this.dataRoot = dataRoot;
    }

    /**
     * Starts a tracker on {@code port} (0: any free one); peers configured from now on register with it. Its key is
     * kept in the network's folder, so a tracker started again is the one the peers pinned.
     */
    TrackerServer startTracker(int port) throws Exception {
        return startTracker(port, RelayLimits.DEFAULT);
    }

    /** The same, with what its relay allows (a rate of 0 turns it off). */
    TrackerServer startTracker(int port, RelayLimits relay) throws Exception {
        tracker = new TrackerServer(TrackerConfig.builder().bindAddress("127.0.0.1").port(port)
                .lease(Duration.ofSeconds(10)).keepalive(KEEPALIVE).relay(relay)
                .dataDirectory(dataRoot.resolve("tracker-data")).build());
        trackerPort = tracker.start().getPort();
        return tracker;
    }

    /** Stops the tracker; the peers keep running, and a tracker started again on {@link #trackerPort} finds them. */
    void stopTracker() {
        tracker.close();
    }

    TrackerServer tracker() {
        return tracker;
    }

    int trackerPort() {
        return trackerPort;
    }

    /** A peer on 127.0.0.1, any port, its own data directory, quick timers, and the tracker if one was started. */
    PeerConfig.Builder config(String name) {
        return config(name, name);
    }

    /** The same, for a peer called {@code name} whose data lives in the folder {@code directory}. */
    PeerConfig.Builder config(String name, String directory) {
        PeerConfig.Builder builder = PeerConfig.builder(name, dataRoot.resolve(directory))
                .bind("127.0.0.1", 0)
                .timers(Duration.ofMillis(20), Duration.ofMillis(100));
        return trackerPort == 0 ? builder : builder.tracker("127.0.0.1", trackerPort);
    }

    PeerNode start(String name, PeerListener listener) throws Exception {
        return start(config(name).build(), listener);
    }

    PeerNode start(PeerConfig config, PeerListener listener) throws Exception {
        PeerNode node = PeerNode.start(config, listener);
        peers.add(0, node);
        return node;
    }

    @Override
    public void close() {
        peers.forEach(PeerNode::close);
        if (tracker != null) {
            tracker.close();
        }
    }
}
