package dev.p2pchat.protocol.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Noise's SymmetricState with its CipherState folded in (rev 34 sections 5.1 and 5.2): the chaining key, the
 * handshake hash, and the key and implicit nonce that encrypt handshake payloads and static keys.
 *
 * <p>Only the handshake uses the implicit nonce, for at most a few messages, so it cannot reach the reserved
 * 2^64-1; transport messages use {@link ChaChaPoly} with explicit counters instead.
 */
final class SymmetricState {
    static final int HASH_SIZE = Hkdf.HASH_SIZE;

    private final MessageDigest sha256;
    private byte[] chainingKey;
    private byte[] hash;
    private ChaChaPoly cipher;
    private long nonce;

    SymmetricState(String protocolName) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        // Both names spoken today are exactly 32 bytes, so they are taken as they are; longer ones would be hashed.
        hash = name.length <= HASH_SIZE ? Arrays.copyOf(name, HASH_SIZE) : sha256.digest(name);
        chainingKey = hash.clone();
    }

    void mixHash(byte[] data, int offset, int length) {
        sha256.update(hash);
        sha256.update(data, offset, length);
        hash = sha256.digest();
    }

    void mixHash(byte[] data) {
        mixHash(data, 0, data.length);
    }

    /** Mixes a Diffie-Hellman result into the chaining key and takes a fresh cipher key; wipes {@code secret}. */
    void mixKey(byte[] secret) {
        byte[][] keys = Hkdf.noise(chainingKey, secret, 2);
        Arrays.fill(secret, (byte) 0);
        Arrays.fill(chainingKey, (byte) 0);
        chainingKey = keys[0];
        cipher = ChaChaPoly.forKey(keys[1]);
        Arrays.fill(keys[1], (byte) 0);
        nonce = 0;
    }

    /** A copy of the whole state, to go back to when a message read turns out to be unacceptable. */
    Saved save() {
        return new Saved(chainingKey.clone(), hash, cipher, nonce);
    }

    /** Goes back to {@code saved}, which stays usable (and the caller's to wipe). */
    void restore(Saved saved) {
        Arrays.fill(chainingKey, (byte) 0);
        chainingKey = saved.chainingKey.clone();
        hash = saved.hash;
        cipher = saved.cipher;
        nonce = saved.nonce;
    }

    /**
     * The state at one moment. The hash and the cipher are never changed in place (each step makes new ones), so
     * they are shared; the chaining key is wiped in place by {@link #mixKey}, so it is copied.
     */
    static final class Saved {
        private final byte[] chainingKey;
        private final byte[] hash;
        private final ChaChaPoly cipher;
        private final long nonce;

        private Saved(byte[] chainingKey, byte[] hash, ChaChaPoly cipher, long nonce) {
            this.chainingKey = chainingKey;
            this.hash = hash;
            this.cipher = cipher;
            this.nonce = nonce;
        }

        void wipe() {
            Arrays.fill(chainingKey, (byte) 0);
        }
    }

    boolean hasKey() {
        return cipher != null;
    }

    /** Writes {@code plaintext} sealed (or as it is, before the first key) at {@code out[offset]}; returns its size. */
    int encryptAndHash(byte[] plaintext, byte[] out, int offset) {
        int written;
        if (cipher == null) {
            System.arraycopy(plaintext, 0, out, offset, plaintext.length);
            written = plaintext.length;
        } else {
            written = cipher.seal(nonce, hash, 0, HASH_SIZE, plaintext, 0, plaintext.length, out, offset);
            nonce++;
        }
        mixHash(out, offset, written);
        return written;
    }

    /** The plaintext of {@code in[offset, offset + length)}; the hash and nonce move on only if it verifies. */
    byte[] decryptAndHash(byte[] in, int offset, int length) throws CryptoException {
        byte[] plaintext;
        if (cipher == null) {
            plaintext = Arrays.copyOfRange(in, offset, offset + length);
        } else {
            plaintext = new byte[length - ChaChaPoly.TAG_SIZE];
            cipher.open(nonce, hash, 0, HASH_SIZE, in, offset, length, plaintext, 0);
            nonce++;
        }
        mixHash(in, offset, length);
        return plaintext;
    }

    byte[] handshakeHash() {
        return hash.clone();
    }

    /** The two transport keys, initiator to responder first; the chaining key is wiped, nothing more can follow. */
    byte[][] split() {
        byte[][] keys = Hkdf.noise(chainingKey, new byte[0], 2);
        Arrays.fill(chainingKey, (byte) 0);
        cipher = null;
        return keys;
    }
}
