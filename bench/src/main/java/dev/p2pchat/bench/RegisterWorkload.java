package dev.p2pchat.bench;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.tracker.SessionCipher;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Transaction;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Every peer registers once, opening its session with the tracker. The requests are built before the phase
 * starts, as a peer builds its REGISTER: a fresh X25519 session key, the peer's side of the session secret (its
 * agreement with the tracker's key), a timestamp, the Ed25519 signature; so the load generator spends nothing on
 * them while the tracker verifies one signature and makes one X25519 agreement per request. A signature covers
 * the transaction id and the cookie, so the requests are signed for the txids the generator will give them.
 *
 * <p>The answer comes sealed in the session the tracker chose (the new token for a REGISTERED, a random number for
 * a refusal), whose cipher the peer derives from its secret and that number, so it is opened to be read: with the
 * secret of the client's oldest REGISTER in flight first (the tracker answers one socket in order), with the
 * others' only if that fails. A reply that opens for no REGISTER in flight (one that came after its request timed
 * out) counts as unsolicited.
 */
final class RegisterWorkload implements Workload {
    private final Peers peers;
    private final int clients;
    private final byte[][] requests;
    /** What {@link #txidOf} opened, for {@link #accept}, and the cipher that opened it. */
    private TrackerMessage opened;
    private SessionCipher openedBy;

    /** Builds and signs a REGISTER for every peer with the current cookie of its client socket, on all cores. */
    RegisterWorkload(Peers peers, TrackerClients sockets) {
        this.peers = peers;
        this.clients = sockets.size();
        this.requests = new byte[peers.count()][];
        Octets trackerKey = sockets.trackerKey();
        long timestamp = System.currentTimeMillis();
        ThreadLocal<SecureRandom> random = ThreadLocal.withInitial(SecureRandom::new);
        IntStream.range(0, peers.count()).parallel().forEach(peer -> {
            int client = peer % clients;
            Identity identity = peers.identity(peer);
            X25519.KeyPair sessionKey = X25519.generate(random.get());
            try {
                peers.newSession(peer, SessionCipher.Secret.forPeer(sessionKey, trackerKey));
            } catch (CryptoException e) {
                throw new IllegalStateException("the tracker announced a low-order key", e);
            }
            // Each identity registers once in a run: any timestamp is newer than none.
            Register unsigned = new Register(txidOf(peer), sockets.cookie(client), peers.nameOf(peer),
                    identity.publicKey(), Octets.zeros(Wire.KEY_SIZE), 0, List.of(Peers.privateAddress(peer)),
                    Octets.of(sessionKey.publicKey()), timestamp, Octets.zeros(Wire.SIGNATURE_SIZE));
            sessionKey.destroy();
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
        requests[peer] = null; // sent once; the bytes are garbage from now on
        return 0;
    }

    @Override
    public int txidOf(int client, ByteBuffer datagram, int[] outstanding) {
        opened = null;
        if (!TrackerReplies.isSealed(datagram)) {
            return NOT_A_REPLY;
        }
        int oldest = 0;
        for (int txid : outstanding) {
            if (txid != 0 && (oldest == 0 || txid < oldest)) {
                oldest = txid;
            }
        }
        if (oldest == 0) {
            return NOT_A_REPLY;
        }
        if (opens(client, oldest, datagram)) {
            return oldest;
        }
        for (int txid : outstanding) {
            if (txid != 0 && txid != oldest && opens(client, txid, datagram)) {
                return txid;
            }
        }
        return NOT_A_REPLY;
    }

    /** Whether {@code datagram} is the sealed answer to request {@code txid}; if so, it is kept in {@link #opened}. */
    private boolean opens(int client, int txid, ByteBuffer datagram) {
        SessionCipher.Secret secret = peers.secret(peerOf(client, txid));
        if (secret == null) {
            return false;
        }
        SessionCipher cipher = secret.cipher(TrackerReplies.session(datagram));
        TrackerMessage message = TrackerReplies.open(cipher, datagram);
        if (message instanceof Transaction transaction && transaction.txid() == txid) {
            opened = message;
            openedBy = cipher;
            return true;
        }
        return false;
    }

    @Override
    public boolean accept(int client, int txid, int kind, ByteBuffer reply) {
        // A REGISTERED comes in the session it opened, named by its token; a refusal in a session of its own.
        if (!(opened instanceof Registered registered) || registered.token() != openedBy.session()) {
            return false;
        }
        peers.registered(peerOf(client, txid), registered.token(), openedBy);
        return true;
    }
}
