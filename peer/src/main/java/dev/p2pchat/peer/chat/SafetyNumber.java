package dev.p2pchat.peer.chat;

import dev.p2pchat.protocol.Octets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The number two peers compare out of band to know that each has the other's real key: 30 digits in six groups of
 * five, from SHA-256 over both identity keys in a fixed order, so both sides compute the same number and a key that
 * differs in any bit gives an unrelated one. As Signal's safety numbers: each group is five bytes of the digest read
 * as a number, modulo 100,000. Thirty digits are about 100 bits: no one can make a key that matches by trying.
 */
final class SafetyNumber {
    static final int GROUPS = 6;
    private static final int GROUP_BYTES = 5;
    private static final byte[] LABEL = "p2pchat safety number v1".getBytes(StandardCharsets.US_ASCII);

    private SafetyNumber() {}

    /** The safety number of the two keys, in either order. */
    static String of(Octets one, Octets other) {
        byte[] a = one.toByteArray();
        byte[] b = other.toByteArray();
        boolean aFirst = Arrays.compareUnsigned(a, b) <= 0;
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        sha256.update(LABEL);
        sha256.update(aFirst ? a : b);
        sha256.update(aFirst ? b : a);
        byte[] digest = sha256.digest();
        StringBuilder number = new StringBuilder();
        for (int group = 0; group < GROUPS; group++) {
            long value = 0;
            for (int i = 0; i < GROUP_BYTES; i++) {
                value = (value << 8) | (digest[group * GROUP_BYTES + i] & 0xFF);
            }
            if (group > 0) {
                number.append(' ');
            }
            number.append(String.format("%05d", value % 100_000));
        }
        return number.toString();
    }
}
