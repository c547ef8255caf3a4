package dev.p2pchat.protocol.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869), and the form of it that Noise uses to derive its chaining key and cipher keys.
 * The JDK has HMAC but no HKDF before Java 25.
 */
public final class Hkdf {
    /** Output size of HMAC-SHA256: the size of a pseudorandom key and of each expanded block. */
    public static final int HASH_SIZE = 32;

    private static final String HMAC = "HmacSHA256";
    private static final int MAX_OUTPUT_SIZE = 255 * HASH_SIZE;

    private Hkdf() {}

    /** The pseudorandom key of {@code ikm}; an empty salt stands for {@value #HASH_SIZE} zero bytes (RFC 5869 2.2). */
    public static byte[] extract(byte[] salt, byte[] ikm) {
        return hmac(salt.length == 0 ? new byte[HASH_SIZE] : salt).doFinal(ikm);
    }

    /** {@code length} bytes of output keying material from {@code prk} and {@code info} (RFC 5869 2.3). */
    public static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 0 || length > MAX_OUTPUT_SIZE) {
            throw new IllegalArgumentException("HKDF-SHA256 gives 0 to " + MAX_OUTPUT_SIZE + " bytes, not " + length);
        }
        Mac mac = hmac(prk);
        byte[] okm = new byte[length];
        byte[] block = new byte[0];
        for (int i = 1, done = 0; done < length; i++, done += HASH_SIZE) {
            mac.update(block);
            mac.update(info);
            mac.update((byte) i);
            block = mac.doFinal();
            System.arraycopy(block, 0, okm, done, Math.min(HASH_SIZE, length - done));
        }
        Arrays.fill(block, (byte) 0);
        return okm;
    }

    /**
     * Noise's {@code HKDF(chaining_key, input_key_material, num_outputs)} (rev 34 section 4.3): RFC 5869 with the
     * chaining key as salt and empty info, cut into {@code outputs} keys of {@value #HASH_SIZE} bytes.
     *
     * @param outputs 2 or 3
     */
    public static byte[][] noise(byte[] chainingKey, byte[] ikm, int outputs) {
        if (outputs != 2 && outputs != 3) {
            throw new IllegalArgumentException("Noise HKDF gives 2 or 3 outputs, not " + outputs);
        }
        byte[] tempKey = extract(chainingKey, ikm);
        byte[] output = expand(tempKey, new byte[0], outputs * HASH_SIZE);
        Arrays.fill(tempKey, (byte) 0);
        byte[][] keys = new byte[outputs][];
        for (int i = 0; i < outputs; i++) {
            keys[i] = Arrays.copyOfRange(output, i * HASH_SIZE, (i + 1) * HASH_SIZE);
        }
        Arrays.fill(output, (byte) 0);
        return keys;
    }

    /** HMAC-SHA256 under {@code key}, ready for input. */
    static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + HMAC, e);
        }
    }
}
