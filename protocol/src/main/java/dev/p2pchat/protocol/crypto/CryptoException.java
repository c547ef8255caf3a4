package dev.p2pchat.protocol.crypto;

import java.security.GeneralSecurityException;

/**
 * Input from the network that fails a cryptographic check: a tag that does not verify, a public key of low order,
 * a handshake message of the wrong length. The only checked exception of this package.
 *
 * <p>Receivers drop the datagram and count the {@link Reason}; they never answer it. The exception carries no
 * stack trace because a flood of forged datagrams must stay cheap to reject.
 */
public final class CryptoException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /** Why the input was rejected; receivers count drops per reason. */
    public enum Reason {
        /** The Poly1305 tag does not verify: forged, corrupted, or sealed under another key, nonce or AD. */
        BAD_TAG,
        /** The Diffie-Hellman result is all zeros: the peer sent a low-order point, which would fix the secret. */
        LOW_ORDER_KEY,
        /** Shorter than the keys and tags it must hold, or longer than a message may be. */
        BAD_LENGTH,
        /** Its counter was accepted before, is behind the replay window, or is past the key's last: refused unopened. */
        REPLAYED
    }

    private final Reason reason;

    public CryptoException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // GeneralSecurityException offers no constructor that skips the trace; this is the documented way to.
        return this;
    }
}
