package dev.p2pchat.peer.transport;

import dev.p2pchat.protocol.Octets;
import java.net.InetSocketAddress;

/**
 * Where a peer's conversations put the frames they send: the one UDP socket, straight to an address, or through the
 * tracker's relay. Frames are bytes, encoded (and later sealed) by the conversation that sends them; nothing below
 * this seam reads them.
 */
public interface PeerSocket {
    /** Straight to {@code to}. */
    void send(InetSocketAddress to, byte[] frame);

    /** Through the tracker's relay to the peer holding {@code to}. */
    void relay(Octets to, byte[] frame);

    /** Whether a tracker is there to relay at all. */
    boolean canRelay();
}
