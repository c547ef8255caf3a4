package dev.p2pchat.protocol.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 AEAD (RFC 8439) under one key: seals and opens every datagram of a session.
 *
 * <p>Nonces are given either as 12 bytes or as a 64-bit counter in the Noise format: four zero bytes, then the
 * counter little-endian (Noise rev 34 section 12.3). The counter is unsigned; the caller sends it in the clear
 * header, never seals two messages with one counter, and rejects replays before opening.
 *
 * <p>Uses the JDK's cipher, not Bouncy Castle's low-level {@code ChaCha20Poly1305}: measured here (JDK 17, 2 vCPU)
 * a 64-byte seal takes ~0.62 us against ~1.0 us and an open ~0.70 us against ~1.6 us; for 1024 bytes ~3.6 against
 * ~6.6 us and ~3.7 against ~10 us. The JDK also checks the tag before it writes any plaintext.
 *
 * <p>Not thread-safe: an instance keeps its {@link Cipher}s between calls, so it belongs to one thread at a time
 * (one per direction of a session, on that session's event loop).
 */
public final class ChaChaPoly {
    public static final int KEY_SIZE = 32;
    public static final int NONCE_SIZE = 12;
    public static final int TAG_SIZE = 16;

    private static final String ALGORITHM = "ChaCha20-Poly1305";
    /** Noise puts the counter after four zero bytes. */
    private static final int COUNTER_OFFSET = 4;

    private final SecretKeySpec key;
    private final byte[] counterNonce = new byte[NONCE_SIZE];
    private final byte[] lastOpenNonce = new byte[NONCE_SIZE];
    private Cipher sealer;
    private Cipher opener;

    private ChaChaPoly(SecretKeySpec key) {
        this.key = key;
    }

    /** A cipher under {@code key} (32 bytes, copied). */
    public static ChaChaPoly forKey(byte[] key) {
        if (key.length != KEY_SIZE) {
            throw new IllegalArgumentException("a ChaCha20-Poly1305 key has " + KEY_SIZE + " bytes");
        }
        return new ChaChaPoly(new SecretKeySpec(key, "ChaCha20"));
    }

    /**
     * Encrypts {@code in[inOff, inOff + inLen)} and authenticates it with {@code ad[adOff, adOff + adLen)}, writing
     * the ciphertext and then the tag at {@code out[outOff]}. {@code out} may be {@code in} at the same offset.
     *
     * @return bytes written: {@code inLen + }{@value #TAG_SIZE}
     * @throws IllegalArgumentException if the nonce is the one this instance sealed with last (a reused nonce
     *     reveals the XOR of two plaintexts and lets anyone forge tags)
     */
    public int seal(byte[] nonce, byte[] ad, int adOff, int adLen, byte[] in, int inOff, int inLen, byte[] out,
            int outOff) {
        checkNonce(nonce);
        Objects.checkFromIndexSize(adOff, adLen, ad.length);
        Objects.checkFromIndexSize(inOff, inLen, in.length);
        Objects.checkFromIndexSize(outOff, inLen + TAG_SIZE, out.length);
        if (sealer == null) {
            sealer = newCipher();
        }
        try {
            sealer.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("nonce reused for sealing", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        try {
            sealer.updateAAD(ad, adOff, adLen);
            return sealer.doFinal(in, inOff, inLen, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Verifies and decrypts {@code in[inOff, inOff + inLen)} (ciphertext then tag) with the AD, writing the
     * plaintext at {@code out[outOff]}; {@code out} may be {@code in} at the same offset. Nothing is written to
     * {@code out} unless the tag verifies, and a failed or repeated open does not spoil the next one, so a forged
     * datagram cannot stop the genuine one with the same nonce from opening.
     *
     * @return the plaintext length, {@code inLen - }{@value #TAG_SIZE}
     * @throws CryptoException with {@link CryptoException.Reason#BAD_TAG} if the tag does not verify, or
     *     {@link CryptoException.Reason#BAD_LENGTH} if {@code inLen} is shorter than a tag
     */
    public int open(byte[] nonce, byte[] ad, int adOff, int adLen, byte[] in, int inOff, int inLen, byte[] out,
            int outOff) throws CryptoException {
        checkNonce(nonce);
        Objects.checkFromIndexSize(adOff, adLen, ad.length);
        Objects.checkFromIndexSize(inOff, inLen, in.length);
        if (inLen < TAG_SIZE) {
            throw new CryptoException(CryptoException.Reason.BAD_LENGTH, inLen + " bytes cannot hold a tag");
        }
        Objects.checkFromIndexSize(outOff, inLen - TAG_SIZE, out.length);
        // JDK 17-20 refuse to re-initialise a Cipher with its last key and nonce, even to decrypt: only then is a
        // fresh Cipher needed, and a repeated nonce is rare (a forged datagram, then the genuine one).
        if (opener == null || Arrays.equals(nonce, lastOpenNonce)) {
            opener = newCipher();
        }
        try {
            opener.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
            System.arraycopy(nonce, 0, lastOpenNonce, 0, NONCE_SIZE);
            opener.updateAAD(ad, adOff, adLen);
            return opener.doFinal(in, inOff, inLen, out, outOff);
        } catch (AEADBadTagException e) {
            throw new CryptoException(CryptoException.Reason.BAD_TAG, "ChaCha20-Poly1305 tag does not verify");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #seal(byte[], byte[], int, int, byte[], int, int, byte[], int)} with the Noise nonce of a counter. */
    public int seal(long counter, byte[] ad, int adOff, int adLen, byte[] in, int inOff, int inLen, byte[] out,
            int outOff) {
        return seal(counterNonce(counter), ad, adOff, adLen, in, inOff, inLen, out, outOff);
    }

    /** {@link #open(byte[], byte[], int, int, byte[], int, int, byte[], int)} with the Noise nonce of a counter. */
    public int open(long counter, byte[] ad, int adOff, int adLen, byte[] in, int inOff, int inLen, byte[] out,
            int outOff) throws CryptoException {
        return open(counterNonce(counter), ad, adOff, adLen, in, inOff, inLen, out, outOff);
    }

    private byte[] counterNonce(long counter) {
        for (int i = 0; i < Long.BYTES; i++) {
            counterNonce[COUNTER_OFFSET + i] = (byte) (counter >>> (8 * i));
        }
        return counterNonce;
    }

    private static void checkNonce(byte[] nonce) {
        if (nonce.length != NONCE_SIZE) {
            throw new IllegalArgumentException("a ChaCha20-Poly1305 nonce has " + NONCE_SIZE + " bytes");
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK since 11 has " + ALGORITHM, e);
        }
    }
}
