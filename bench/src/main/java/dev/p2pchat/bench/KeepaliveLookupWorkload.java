package dev.p2pchat.bench;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.KeepaliveAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Transaction;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What registered peers send all day: keepalives and lookups, half each, or keepalives alone for comparison. A
 * keepalive renews the sender's lease; a lookup asks for a random registered peer, renews the sender's lease too and
 * makes the tracker send the target an introduction, sealed in the target's session, to the client socket the
 * target registered from, which counts it as unsolicited.
 *
 * <p>Each request is built as a peer builds it, on the generator's thread as it goes out: the message with the
 * client's cookie and the peer's token, sealed in the peer's session (its next counter: every request is sealed
 * once and sent once, in counter order), then encoded. Request {@code txid} of a client comes from the client's
 * peer {@code (txid - 1) mod n}: a peer sends again only after all {@code n} peers of its socket did, so its
 * requests reach the tracker in counter order, far inside the 64-counter window. Of a reply, the session token
 * is read in place: only a datagram of the session of a peer with a request in flight is opened (and its txid and
 * type read); the introductions, sealed in the looked-up peers' sessions, are counted without being opened.
 */
final class KeepaliveLookupWorkload implements Workload {
    static final int KEEPALIVE = 0;
    static final int LOOKUP = 1;

    private final Peers peers;
    private final TrackerClients sockets;
    private final int[][] ownPeers;
    private final int[] targets;
    private final boolean lookups;
    private final SplittableRandom random = new SplittableRandom(42);
    /** What {@link #txidOf} opened, for {@link #accept}. */
    private TrackerMessage opened;

    /**
     * Every registered peer keeps alive and looks up through the socket it registered from.
     *
     * @param lookups half the requests are lookups; false for keepalives only
     */
    KeepaliveLookupWorkload(Peers peers, TrackerClients sockets, boolean lookups) {
        this.peers = peers;
        this.sockets = sockets;
        this.lookups = lookups;
        this.targets = peers.registered();
        this.ownPeers = new int[sockets.size()][];
        for (int client = 0; client < sockets.size(); client++) {
            ownPeers[client] = peers.registered(client, sockets.size());
            if (ownPeers[client].length == 0) {
                throw new IllegalStateException("client " + client + " has no registered peer");
            }
        }
    }

    @Override
    public List<String> kinds() {
        return lookups ? List.of("keepalive", "lookup") : List.of("keepalive");
    }

    private int peerOf(int client, int txid) {
        int[] own = ownPeers[client];
        return own[(txid - 1) % own.length];
    }

    @Override
    public int request(int client, int txid, ByteBuffer out) {
        int peer = peerOf(client, txid);
        Octets cookie = sockets.cookie(client);
        long token = peers.token(peer);
        Transaction request;
        int kind;
        if (!lookups || txid % 2 == 1) {
            request = new Keepalive(txid, cookie, token, peers.nameOf(peer));
            kind = KEEPALIVE;
        } else {
            String target = peers.nameOf(targets[random.nextInt(targets.length)]);
            request = new Lookup(txid, cookie, token, peers.nameOf(peer), target);
            kind = LOOKUP;
        }
        TrackerCodec.encode(peers.session(peer).seal(request), out);
        return kind;
    }

    @Override
    public int txidOf(int client, ByteBuffer datagram, int[] outstanding) {
        opened = null;
        if (!TrackerReplies.isSealed(datagram)) {
            return NOT_A_REPLY;
        }
        long session = TrackerReplies.session(datagram);
        for (int txid : outstanding) {
            if (txid == 0) {
                continue;
            }
            int peer = peerOf(client, txid);
            if (peers.token(peer) != session) {
                continue;
            }
            // The session of a peer with a request in flight: its reply, or (rarely) an introduction to it.
            TrackerMessage message = TrackerReplies.open(peers.session(peer), datagram);
            if (message instanceof Transaction reply && isOutstanding(reply.txid(), outstanding)
                    && peerOf(client, reply.txid()) == peer) {
                opened = message;
                return reply.txid();
            }
            return NOT_A_REPLY;
        }
        return NOT_A_REPLY;
    }

    private static boolean isOutstanding(int txid, int[] outstanding) {
        for (int candidate : outstanding) {
            if (candidate == txid) {
                return txid != 0;
            }
        }
        return false;
    }

    @Override
    public boolean accept(int client, int txid, int kind, ByteBuffer reply) {
        return kind == KEEPALIVE ? opened instanceof KeepaliveAck : opened instanceof LookupResult;
    }
}
