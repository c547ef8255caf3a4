package dev.p2pchat.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string with value equality: keys, cookies and signatures in message records. */
public final class Octets {
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Copies {@code bytes}. */
    public static Octets of(byte[] bytes) {
        return new Octets(bytes.clone());
    }

    /** Copies {@code length} bytes of {@code bytes} from {@code offset}. */
    public static Octets of(byte[] bytes, int offset, int length) {
        return new Octets(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** Takes {@code bytes} as they are, which nobody else may hold: for a reader that just filled a new array. */
    static Octets wrap(byte[] bytes) {
        return new Octets(bytes);
    }

    public static Octets zeros(int length) {
        return new Octets(new byte[length]);
    }

    public static Octets fromHex(String hex) {
        return new Octets(HEX.parseHex(hex));
    }

    public int length() {
        return bytes.length;
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Copies the bytes into {@code destination} from {@code offset}. */
    public void copyTo(byte[] destination, int offset) {
        System.arraycopy(bytes, 0, destination, offset, bytes.length);
    }

    public boolean isAllZeros() {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    byte[] unsafeArray() {
        return bytes;
    }

    public String toHex() {
        return HEX.formatHex(bytes);
    }

    /** Checks a fixed-size field in a record constructor of the wire format. */
    public static Octets requireLength(Octets value, int length, String field) {
        if (value == null) {
            throw new NullPointerException(field);
        }
        if (value.length() != length) {
            throw new IllegalArgumentException(field + " must be " + length + " bytes, not " + value.length());
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Octets other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
