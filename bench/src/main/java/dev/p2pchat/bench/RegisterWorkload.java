package dev.p2pchat.bench;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Every peer registers once. The requests are encoded and signed before the phase starts, so the load generator
 * spends nothing on signing while the tracker verifies one signature per request; a signature covers the
 * transaction id and the cookie, so the requests are signed for the txids the generator will give them.
 */
final class RegisterWorkload implements Workload {
    private final Peers peers;
    private final int clients;
    private final byte[][] requests;

    /** Signs a REGISTER for every peer with the current cookie of its client socket. */
    RegisterWorkload(Peers peers, TrackerClients sockets) {
        this.peers = peers;
        this.clients = sockets.size();
        this.requests = new byte[peers.count()][];
        IntStream.range(0, peers.count()).parallel().forEach(peer -> {
            int client = peer % clients;
            Identity identity = peers.identity(peer);
            Register unsigned = new Register(txidOf(peer), sockets.cookie(client), peers.nameOf(peer),
                    identity.publicKey(), Octets.zeros(Wire.KEY_SIZE), 0, List.of(Peers.privateAddress(peer)),
                    Octets.zeros(Wire.SIGNATURE_SIZE));
            requests[peer] = TrackerCodec.encode(unsigned.withSignature(identity.signatureFor(unsigned)));
        });
    }

    /** Client {@code peer % clients} sends its peers in order, so peer {@code p} goes out as txid p / clients + 1. */
    private int txidOf(int peer) {
        return peer / clients + 1;
    }

    private int peerOf(int client, int txid) {
        return (txid - 1) * clients + client;
    }

    @Override
    public List<String> kinds() {
        return List.of("register");
    }

    @Override
    public int request(int client, int txid, ByteBuffer out) {
        int peer = peerOf(client, txid);
        if (peer >= requests.length) {
            return NO_MORE;
        }
        out.put(requests[peer]);
        return 0;
    }

    @Override
    public int txidOf(ByteBuffer datagram) {
        return TrackerReplies.txid(datagram);
    }

    @Override
    public boolean accept(int client, int txid, int kind, ByteBuffer reply) {
        if (TrackerReplies.type(reply) != TrackerMessageType.REGISTERED) {
            return false;
        }
        peers.registered(peerOf(client, txid), reply.getLong(TrackerReplies.TOKEN_OFFSET));
        return true;
    }
}
