package dev.p2pchat.peer.link;

import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.crypto.ChaChaPoly;
import dev.p2pchat.protocol.crypto.ReplayWindow;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.peer.LinkFrame;
import dev.p2pchat.protocol.peer.LinkFrameCodec;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.protocol.peer.PeerWire;

/**
 * The transport keys one handshake made, one per direction, with the counter this side seals under and the replay
 * window of the counters the peer sealed under (WireGuard's keypair). Each side names the keys by the index it chose
 * for the handshake: this side's ({@code localIndex}) is in what the peer sends here, the peer's
 * ({@code remoteIndex}) in what this side sends there.
 */
final class Keypair {
    /** The first counter never used: a key is retired before its nonces could wrap (WireGuard's limit). */
    static final long REJECT_AFTER_MESSAGES = -1L - (1L << 13);
    /** Counters after which a new handshake is due. */
    static final long REKEY_AFTER_MESSAGES = 1L << 60;

    final int localIndex;
    final int remoteIndex;
    /** Whether this side initiated the handshake that made these keys (the initiator rekeys first). */
    final boolean initiator;
    final long created;
    private final ChaChaPoly sealer;
    private final ChaChaPoly opener;
    private final ReplayWindow window = new ReplayWindow(REJECT_AFTER_MESSAGES, ReplayWindow.LINK_BLOCKS);
    private long nextCounter;

    Keypair(int localIndex, int remoteIndex, boolean initiator, byte[] sendKey, byte[] receiveKey, long created) {
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
        this.created = created;
        this.sealer = ChaChaPoly.forKey(sendKey);
        this.opener = ChaChaPoly.forKey(receiveKey);
    }

    /** Whether these keys may still seal: not too old and not too many messages. */
    boolean canSeal(long now, long rejectAfterMillis) {
        return now - created < rejectAfterMillis && Long.compareUnsigned(nextCounter, REJECT_AFTER_MESSAGES) < 0;
    }

    boolean manyMessages() {
        return Long.compareUnsigned(nextCounter, REKEY_AFTER_MESSAGES) >= 0;
    }

    /** {@code frame} sealed into a whole TRANSPORT frame to the peer, under the next counter. */
    byte[] seal(LinkFrame frame) {
        int length = LinkFrameCodec.size(frame);
        long counter = nextCounter++;
        // One array, sealed in place: the header, then the link frame encoded where its ciphertext goes.
        byte[] out = new byte[PeerWire.TRANSPORT_HEADER_SIZE + length + PeerWire.TAG_SIZE];
        PeerFrameCodec.putTransportHeader(out, remoteIndex, counter);
        LinkFrameCodec.encode(frame, out, PeerWire.TRANSPORT_HEADER_SIZE);
        sealer.seal(counter, out, 0, PeerWire.TRANSPORT_HEADER_SIZE, out, PeerWire.TRANSPORT_HEADER_SIZE, length, out,
                PeerWire.TRANSPORT_HEADER_SIZE);
        return out;
    }

    /**
     * The link frame the TRANSPORT frame {@code frame} seals, once it authenticated and its counter is fresh; null
     * for a replay (a counter seen, or older than the window). Nothing changes unless it authenticates;
     * {@code frame}, the caller's own copy, is opened where it lies.
     *
     * @throws CryptoException when it does not authenticate: forged, damaged, or sealed under other keys
     * @throws ProtocolException when it authenticates but holds no link frame (a broken or hostile peer)
     */
    LinkFrame open(byte[] frame) throws CryptoException, ProtocolException {
        long counter = PeerFrameCodec.transportCounter(frame);
        if (!window.mayAccept(counter)) {
            return null;
        }
        int sealed = frame.length - PeerWire.TRANSPORT_HEADER_SIZE;
        int length = opener.open(counter, frame, 0, PeerWire.TRANSPORT_HEADER_SIZE, frame,
                PeerWire.TRANSPORT_HEADER_SIZE, sealed, frame, PeerWire.TRANSPORT_HEADER_SIZE);
        window.accept(counter);
        return LinkFrameCodec.decode(frame, PeerWire.TRANSPORT_HEADER_SIZE, length);
    }
}
