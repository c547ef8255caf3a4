package dev.p2pchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.p2pchat.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Function;

/**
 * One of the codecs, seen the way hostile-input tests see it: a decoder that must return a message or throw
 * {@link ProtocolException} and nothing else, and an encoder that a decoded message must re-encode through to the
 * very bytes it came from. The tracker's, the peer frames' and the link frames' tests run the same checks through it.
 *
 * @param <M> what the codec decodes to: a tracker message, a peer frame or a link frame
 * @param longest the most bytes the codec accepts: {@code TOO_LONG} is only for inputs longer than this (and, as
 *     for every datagram, always for those longer than {@link Wire#MAX_DATAGRAM_SIZE})
 */
public record CodecUnderTest<M>(Decoder<M> decoder, Function<M, byte[]> encoder, int longest) {
    /** {@code TrackerCodec::decode}, {@code PeerFrameCodec::decode}, or a link frame decoded from a whole array. */
    @FunctionalInterface
    public interface Decoder<M> {
        M decode(byte[] datagram) throws ProtocolException;
    }

    /** A codec of datagrams that accepts any length up to {@link Wire#MAX_DATAGRAM_SIZE}. */
    public CodecUnderTest(Decoder<M> decoder, Function<M, byte[]> encoder) {
        this(decoder, encoder, Wire.MAX_DATAGRAM_SIZE);
    }

    public M decode(byte[] datagram) throws ProtocolException {
        return decoder.decode(datagram);
    }

    public byte[] encode(M message) {
        return encoder.apply(message);
    }

    /**
     * Decodes, failing the test on any throwable but {@link ProtocolException}, and on a decoded datagram that does
     * not re-encode to itself; returns the reason, or null when the datagram decoded.
     */
    public Reason outcome(byte[] datagram) {
        try {
            M message = decoder.decode(datagram);
            assertThat(encoder.apply(message))
                    .as("a decoded datagram re-encodes to itself: %s", HexFormat.of().formatHex(datagram))
                    .isEqualTo(datagram);
            return null;
        } catch (ProtocolException e) {
            assertThat(e.reason()).isNotNull();
            return e.reason();
        } catch (Throwable t) {
            return fail("decode threw " + t + " for " + HexFormat.of().formatHex(datagram), t);
        }
    }

    /** The reason {@code datagram} is rejected for; fails the test if it decodes. */
    public Reason reasonOf(byte[] datagram) {
        try {
            M message = decoder.decode(datagram);
            return fail("decoded " + message);
        } catch (ProtocolException e) {
            return e.reason();
        }
    }

    /**
     * The shared header's checks, which every codec makes before anything else: each flipped bit of the magic in
     * {@code datagram} (a valid one) makes it {@code BAD_MAGIC}, each version but {@link Wire#VERSION}
     * {@code BAD_VERSION}.
     */
    public void assertHeaderChecked(byte[] datagram) {
        for (int offset = 0; offset < 2; offset++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bytes = datagram.clone();
                bytes[offset] ^= (byte) (1 << bit);
                assertThat(reasonOf(bytes)).as("bit %d of byte %d flipped", bit, offset).isEqualTo(Reason.BAD_MAGIC);
            }
        }
        for (int version = 0; version <= 0xFF; version++) {
            if (version != Wire.VERSION) {
                byte[] bytes = datagram.clone();
                bytes[Wire.VERSION_OFFSET] = (byte) version;
                assertThat(reasonOf(bytes)).as("version %d", version).isEqualTo(Reason.BAD_VERSION);
            }
        }
    }

    /**
     * The length checks every codec makes first: fewer bytes than a header are {@code TOO_SHORT} (whatever they
     * are), more than {@link Wire#MAX_DATAGRAM_SIZE} {@code TOO_LONG} (whatever header they start with).
     */
    public void assertLengthCheckedFirst() {
        for (String shortOne : new String[] {"", "50", "5032", "503201", "ffffff"}) {
            assertThat(reasonOf(HexFormat.of().parseHex(shortOne))).as("%s", shortOne).isEqualTo(Reason.TOO_SHORT);
        }
        for (int type : new int[] {0x0B, 0x46, 0xFF}) {
            byte[] longOne = new byte[Wire.MAX_DATAGRAM_SIZE + 1];
            ByteBuffer.wrap(longOne).putShort((short) Wire.MAGIC).put((byte) Wire.VERSION).put((byte) type);
            assertThat(reasonOf(longOne)).as("type 0x%02x, one byte too long", type).isEqualTo(Reason.TOO_LONG);
            longOne[0] = 0;
            assertThat(reasonOf(longOne)).as("a bad magic, one byte too long").isEqualTo(Reason.TOO_LONG);
        }
        assertThat(reasonOf(new byte[65_507])).as("the largest UDP payload").isEqualTo(Reason.TOO_LONG);
    }

    /** Every cut of {@code datagram} (a valid one) is {@code TRUNCATED}, or {@code TOO_SHORT} shorter than a header. */
    public void assertEveryTruncationRejected(byte[] datagram) {
        for (int length = 0; length < datagram.length; length++) {
            Reason expected = length < Wire.HEADER_SIZE ? Reason.TOO_SHORT : Reason.TRUNCATED;
            assertThat(reasonOf(Arrays.copyOf(datagram, length))).as("first %d bytes", length).isEqualTo(expected);
        }
    }

    /**
     * The fuzz property: any byte string either decodes, and then re-encodes to exactly the same bytes (the codec is
     * canonical), or is rejected with {@link ProtocolException}: as {@code TOO_LONG} whenever it is longer than a
     * datagram, and never when it is no longer than {@link #longest}. Anything else escaping the decoder fails the
     * test. Plain checks rather than assertion chains: this runs millions of times per minute when fuzzing.
     */
    public void checkCanonicalOrRejected(byte[] datagram) {
        M message;
        try {
            message = decoder.decode(datagram);
        } catch (ProtocolException e) {
            boolean tooLong = e.reason() == Reason.TOO_LONG;
            if (tooLong ? datagram.length <= longest : datagram.length > Wire.MAX_DATAGRAM_SIZE) {
                fail("%d bytes rejected as %s", datagram.length, e.reason());
            }
            return;
        }
        byte[] encoded = encoder.apply(message);
        if (!Arrays.equals(encoded, datagram)) {
            fail("%s decoded from %s re-encodes as %s",
                    message, HexFormat.of().formatHex(datagram), HexFormat.of().formatHex(encoded));
        }
    }

    /** One to four random edits: overwrite a byte, flip a bit, insert a byte, delete a byte, or cut the tail. */
    public static byte[] mutate(byte[] input, Random random) {
        byte[] bytes = input;
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (bytes.length > 0) {
                        bytes[at] = (byte) random.nextInt(256);
                    }
                }
                case 1 -> {
                    if (bytes.length > 0) {
                        bytes[at] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 2 -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(256);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
                case 3 -> {
                    if (bytes.length > 0) {
                        byte[] shorter = new byte[bytes.length - 1];
                        System.arraycopy(bytes, 0, shorter, 0, at);
                        System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                        bytes = shorter;
                    }
                }
                default -> bytes = Arrays.copyOf(bytes, at);
            }
        }
        return bytes;
    }
}
