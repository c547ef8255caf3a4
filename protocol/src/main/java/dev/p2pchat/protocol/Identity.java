package dev.p2pchat.protocol;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 key pair: a peer's identity. Names are bound to the public key, and REGISTER, RENAME and UNREGISTER
 * are signed with the private key, and so
 * is the binding of each peer's X25519 key that its handshakes carry.
 *
 * <p>Uses Bouncy Castle's low-level RFC 8032 implementation, which verifies several times faster than the
 * JDK's provider; the tracker verifies one signature per registration.
 */
public final class Identity {
    public static final int PRIVATE_KEY_SIZE = Ed25519.SECRET_KEY_SIZE;

    private final byte[] privateKey;
    private final byte[] publicKey;

    private Identity(byte[] privateKey) {
        this.privateKey = privateKey;
        this.publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(privateKey, 0, publicKey, 0);
    }

    public static Identity generate(SecureRandom random) {
        byte[] privateKey = new byte[PRIVATE_KEY_SIZE];
        Ed25519.generatePrivateKey(random, privateKey);
        return new Identity(privateKey);
    }

    /** Restores an identity from its 32-byte private key (the RFC 8032 seed). */
    public static Identity fromPrivateKey(byte[] privateKey) {
        if (privateKey.length != PRIVATE_KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 private key has " + PRIVATE_KEY_SIZE + " bytes");
        }
        return new Identity(privateKey.clone());
    }

    public Octets publicKey() {
        return Octets.of(publicKey);
    }

    public byte[] privateKey() {
        return privateKey.clone();
    }

    public Octets sign(byte[] data) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(privateKey, 0, publicKey, 0, data, 0, data.length, signature, 0);
        return Octets.of(signature);
    }

    /** The signature for {@code message}; use it as {@code message.withSignature(identity.signatureFor(message))}. */
    public Octets signatureFor(Signed message) {
        return sign(message.signedBytes());
    }

    /** Whether {@code signature} over {@code data} verifies with {@code publicKey}; false for a malformed key. */
    public static boolean verify(Octets publicKey, byte[] data, Octets signature) {
        // Bouncy Castle reads fixed lengths from the arrays: a short key or signature would throw instead.
        if (publicKey.length() != Ed25519.PUBLIC_KEY_SIZE || signature.length() != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        return Ed25519.verify(signature.unsafeArray(), 0, publicKey.unsafeArray(), 0, data, 0, data.length);
    }

    /** Whether the signature of {@code message} verifies with {@code publicKey}. */
    public static boolean verify(Octets publicKey, Signed message) {
        return verify(publicKey, message.signedBytes(), message.signature());
    }
}
