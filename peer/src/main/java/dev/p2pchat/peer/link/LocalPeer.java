package dev.p2pchat.peer.link;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.peer.HandshakePayload;

/**
 * Who this peer is in its handshakes: its Ed25519 identity, the X25519 key Noise authenticates (bound to the
 * identity by a signature over the key and the name), and the name it goes by. Owned by the event loop.
 */
public final class LocalPeer {
    private final Identity identity;
    private final X25519.KeyPair agreement;
    private final Octets agreementKey;
    private String name;
    private Octets binding;

    public LocalPeer(Identity identity, X25519.KeyPair agreement, String name) {
        this.identity = identity;
        this.agreement = agreement;
        this.agreementKey = Octets.of(agreement.publicKey());
        rename(name);
    }

    public Identity identity() {
        return identity;
    }

    /** The X25519 public key peers must greet this one with (the tracker hands it out as the agreement key). */
    public Octets agreementKey() {
        return agreementKey;
    }

    X25519.KeyPair agreement() {
        return agreement;
    }

    public String name() {
        return name;
    }

    /** Goes by {@code newName} in the handshakes from now on; the binding is signed anew, once. */
    public void rename(String newName) {
        this.binding = identity.sign(HandshakePayload.binding(agreementKey, newName));
        this.name = newName;
    }

    /** What this side says about itself in a handshake of the conversation {@code linkId}. */
    HandshakePayload payload(long linkId, long timestamp) {
        return new HandshakePayload(identity.publicKey(), binding, name, linkId, timestamp);
    }
}
