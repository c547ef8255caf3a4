package dev.p2pchat.protocol.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;

/**
 * The hash and the short MACs around the handshake (WireGuard's mac1, mac2 and cookie, on SHA-256 instead of
 * BLAKE2s): SHA-256 of a label and a key, and HMAC-SHA256 cut to {@value #MAC_SIZE} bytes.
 */
public final class Macs {
    public static final int MAC_SIZE = 16;

    private Macs() {}

    /** SHA-256 of the concatenation of {@code parts}. */
    public static byte[] hash(byte[]... parts) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                sha256.update(part);
            }
            return sha256.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** HMAC-SHA256 under {@code key} of {@code data[offset, offset + length)}, its first {@value #MAC_SIZE} bytes. */
    public static byte[] mac(byte[] key, byte[] data, int offset, int length) {
        Mac mac = Hkdf.hmac(key);
        mac.update(data, offset, length);
        return Arrays.copyOf(mac.doFinal(), MAC_SIZE);
    }

    /** Whether {@code a} and {@code b} are equal, in time that does not depend on where they differ. */
    public static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
