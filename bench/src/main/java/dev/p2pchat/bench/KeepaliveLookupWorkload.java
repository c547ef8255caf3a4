package dev.p2pchat.bench;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What registered peers send all day: keepalives and lookups, half each. A keepalive renews the sender's lease; a
 * lookup asks for a random registered peer. An authenticated lookup (the sender names itself and shows its token,
 * as a peer that wants to talk does) also renews the sender's lease and makes the tracker send the target an
 * introduction, to the client socket the target registered from, which counts it as unsolicited. An anonymous
 * lookup does neither.
 */
final class KeepaliveLookupWorkload implements Workload {
    static final int KEEPALIVE = 0;
    static final int LOOKUP = 1;

    private final Peers peers;
    private final TrackerClients sockets;
    private final int[][] ownPeers;
    private final int[] cursors;
    private final int[] targets;
    private final boolean authenticated;
    private final SplittableRandom random = new SplittableRandom(42);

    /** Every registered peer keeps alive and looks up through the socket it registered from. */
    KeepaliveLookupWorkload(Peers peers, TrackerClients sockets, boolean authenticated) {
        this.peers = peers;
        this.sockets = sockets;
        this.authenticated = authenticated;
        this.targets = peers.registered();
        this.ownPeers = new int[sockets.size()][];
        for (int client = 0; client < sockets.size(); client++) {
            ownPeers[client] = peers.registered(client, sockets.size());
            if (ownPeers[client].length == 0) {
                throw new IllegalStateException("client " + client + " has no registered peer");
            }
        }
        this.cursors = new int[sockets.size()];
    }

    @Override
    public List<String> kinds() {
        return List.of("keepalive", "lookup");
    }

    @Override
    public int request(int client, int txid, ByteBuffer out) {
        int[] own = ownPeers[client];
        int peer = own[cursors[client]];
        cursors[client] = (cursors[client] + 1) % own.length;
        if (txid % 2 == 1) {
            Octets cookie = sockets.cookie(client);
            TrackerCodec.encode(new Keepalive(txid, cookie, peers.token(peer), peers.nameOf(peer)), out);
            return KEEPALIVE;
        }
        String target = peers.nameOf(targets[random.nextInt(targets.length)]);
        Lookup lookup = authenticated
                ? new Lookup(txid, sockets.cookie(client), peers.token(peer), peers.nameOf(peer), target)
                : new Lookup(txid, sockets.cookie(client), 0, "", target);
        TrackerCodec.encode(lookup, out);
        return LOOKUP;
    }

    @Override
    public int txidOf(ByteBuffer datagram) {
        return TrackerReplies.txid(datagram);
    }

    @Override
    public boolean accept(int client, int txid, int kind, ByteBuffer reply) {
        TrackerMessageType expected = kind == KEEPALIVE ? TrackerMessageType.KEEPALIVE_ACK : TrackerMessageType.LOOKUP_RESULT;
        return TrackerReplies.type(reply) == expected;
    }
}
