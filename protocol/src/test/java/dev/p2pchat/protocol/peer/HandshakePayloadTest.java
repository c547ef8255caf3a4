package dev.p2pchat.protocol.peer;

import static dev.p2pchat.protocol.GoldenVectors.AGREEMENT_KEY;
import static dev.p2pchat.protocol.GoldenVectors.IDENTITY_KEY;
import static dev.p2pchat.protocol.GoldenVectors.SIGNATURE;
import static dev.p2pchat.protocol.GoldenVectors.hex;
import static dev.p2pchat.protocol.GoldenVectors.octets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.RandomFields;
import dev.p2pchat.protocol.Wire;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 145-byte handshake payload inside the Noise messages, and the bytes its binding signature covers, against the
 * layout of PROTOCOL.md ("The handshake payload").
 */
@Timeout(10)
class HandshakePayloadTest {
    /** "p2pchat binding v1", 18 ASCII bytes. */
    private static final String BINDING_LABEL = "70327063686174 20 62696e64696e67 20 7631";
    private static final String CONVERSATION_ID = "f00dcafe01234567";
    /** 1,700,000,000,000 ms. */
    private static final String TIMESTAMP = "0000018bcfe56800";

    private static final HandshakePayload ALICE = new HandshakePayload(octets(IDENTITY_KEY), octets(SIGNATURE),
            "alice", 0xF00D_CAFE_0123_4567L, 1_700_000_000_000L);
    private static final byte[] ALICE_BYTES = hex(
            IDENTITY_KEY, // identity key, offset 0
            SIGNATURE, // binding signature, offset 32
            "05", // name length, offset 96
            "616c696365", // "alice"
            "00".repeat(27), // zeros to 32 bytes
            CONVERSATION_ID, // conversation id, offset 129, high bit set
            TIMESTAMP); // timestamp, offset 137

    /** A name of 32 bytes leaves no padding. */
    private static final String LONGEST_NAME = "abcdefghijklmnopqrstuvwxyz~!0123";
    private static final HandshakePayload LONGEST = new HandshakePayload(octets(IDENTITY_KEY), octets(SIGNATURE),
            LONGEST_NAME, 0, -1);
    private static final byte[] LONGEST_BYTES = hex(
            IDENTITY_KEY,
            SIGNATURE,
            "20", // name length 32
            "6162636465666768696a6b6c6d6e6f707172737475767778797a7e2130313233", // the name, no padding
            "0000000000000000", // conversation id 0
            "ffffffffffffffff"); // timestamp 2^64 - 1, unsigned

    @Test
    void shouldEncodeTheGoldenPayloads() {
        assertThat(ALICE_BYTES).hasSize(145).hasSize(PeerWire.HANDSHAKE_PAYLOAD_SIZE);
        assertThat(ALICE.encode()).isEqualTo(ALICE_BYTES);
        assertThat(LONGEST_BYTES).hasSize(145);
        assertThat(LONGEST.encode()).isEqualTo(LONGEST_BYTES);
    }

    @Test
    void shouldDecodeTheGoldenPayloads() throws ProtocolException {
        assertThat(HandshakePayload.decode(ALICE_BYTES)).isEqualTo(ALICE);
        assertThat(HandshakePayload.decode(LONGEST_BYTES)).isEqualTo(LONGEST);
    }

    @Test
    void shouldRoundTripRandomPayloads() throws ProtocolException {
        RandomFields fields = new RandomFields(0x5032_0145L);
        for (int i = 0; i < 2_000; i++) {
            HandshakePayload payload = new HandshakePayload(fields.octets(Wire.KEY_SIZE),
                    fields.octets(Wire.SIGNATURE_SIZE), fields.name(), fields.random().nextLong(),
                    fields.random().nextLong());
            byte[] encoded = payload.encode();
            assertThat(encoded).as("%s", payload).hasSize(PeerWire.HANDSHAKE_PAYLOAD_SIZE);
            assertThat(HandshakePayload.decode(encoded)).isEqualTo(payload);
        }
    }

    @Test
    void shouldLayOutTheBindingAsLabelKeyAndPaddedNameField() {
        byte[] binding = HandshakePayload.binding(octets(AGREEMENT_KEY), "alice");
        assertThat(binding).isEqualTo(hex(
                BINDING_LABEL,
                AGREEMENT_KEY, // the X25519 static public key
                "05 616c696365", // the name field, as in the payload
                "00".repeat(27)));
        assertThat(binding).hasSize(18 + 32 + 33);
        // The name field is byte for byte the one at offset 96 of the payload.
        assertThat(Arrays.copyOfRange(binding, 50, 83)).isEqualTo(Arrays.copyOfRange(ALICE_BYTES, 96, 129));
        assertThat(HandshakePayload.binding(octets(AGREEMENT_KEY), LONGEST_NAME))
                .isEqualTo(hex(BINDING_LABEL, AGREEMENT_KEY, "20", "6162636465666768696a6b6c6d6e6f70",
                        "7172737475767778797a7e2130313233"));
    }

    @Test
    void shouldBindAnotherKeyOrNameToOtherBytes() {
        byte[] binding = HandshakePayload.binding(octets(AGREEMENT_KEY), "alice");
        assertThat(HandshakePayload.binding(octets(IDENTITY_KEY), "alice")).isNotEqualTo(binding);
        assertThat(HandshakePayload.binding(octets(AGREEMENT_KEY), "alicf")).isNotEqualTo(binding);
        // The length byte leads the name field: a prefix of the name is other bytes too.
        assertThat(HandshakePayload.binding(octets(AGREEMENT_KEY), "alic")).isNotEqualTo(binding);
    }

    @Test
    void shouldRefuseAPayloadOfAnyOtherLength() {
        for (int length : new int[] {0, 1, 96, 129, 144}) {
            assertThatThrownBy(() -> HandshakePayload.decode(Arrays.copyOf(ALICE_BYTES, length)))
                    .as("%d bytes", length).isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.TRUNCATED));
        }
        for (int length : new int[] {146, 161, 1000}) {
            assertThatThrownBy(() -> HandshakePayload.decode(Arrays.copyOf(ALICE_BYTES, length)))
                    .as("%d bytes", length).isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.TRAILING_BYTES));
        }
    }

    static Stream<Arguments> badNameFields() {
        return Stream.of(
                Arguments.of("name length 0", "00" + "00".repeat(32)),
                Arguments.of("name length 33", "21" + "61".repeat(32)),
                Arguments.of("name length 255", "ff" + "61".repeat(32)),
                Arguments.of("a space in the name", "03 612062" + "00".repeat(29)),
                Arguments.of("a NUL in the name", "03 610062" + "00".repeat(29)),
                Arguments.of("DEL in the name", "03 617f62" + "00".repeat(29)),
                Arguments.of("a non-ASCII byte in the name", "03 61c362" + "00".repeat(29)),
                Arguments.of("a non-zero first padding byte", "05 616c696365 01" + "00".repeat(26)),
                Arguments.of("a non-zero last padding byte", "05 616c696365" + "00".repeat(26) + "80"),
                Arguments.of("a second name in the padding", "05 616c696365 03 626f62" + "00".repeat(23)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badNameFields")
    void shouldRefuseABadNameFieldAsBadField(String description, String nameField) {
        byte[] bytes = hex(IDENTITY_KEY, SIGNATURE, nameField, CONVERSATION_ID, TIMESTAMP);
        assertThat(bytes).hasSize(145);
        assertThatThrownBy(() -> HandshakePayload.decode(bytes)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BAD_FIELD));
    }

    @Test
    void shouldDecodeAnyIdentityKeySignatureConversationIdAndTimestamp() throws ProtocolException {
        // Only the name field has a range: flipping every other byte still decodes, to another payload.
        for (int i = 0; i < ALICE_BYTES.length; i++) {
            if (i >= 96 && i < 129) {
                continue;
            }
            byte[] bytes = ALICE_BYTES.clone();
            bytes[i] = (byte) ~bytes[i];
            HandshakePayload decoded = HandshakePayload.decode(bytes);
            assertThat(decoded).as("byte %d", i).isNotEqualTo(ALICE);
            assertThat(decoded.encode()).as("byte %d", i).isEqualTo(bytes);
        }
    }

    @Test
    void shouldRefuseRecordsTheWireCannotCarry() {
        Octets key = octets(IDENTITY_KEY);
        Octets signature = octets(SIGNATURE);
        assertThatThrownBy(() -> new HandshakePayload(Octets.zeros(31), signature, "a", 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakePayload(Octets.zeros(33), signature, "a", 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakePayload(key, Octets.zeros(63), "a", 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakePayload(key, signature, "", 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakePayload(key, signature, "a".repeat(33), 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakePayload(key, signature, "a b", 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakePayload(key, signature, "caf\u00e9", 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HandshakePayload(null, signature, "a", 0, 0))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new HandshakePayload(key, signature, null, 0, 0))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> HandshakePayload.binding(Octets.zeros(31), "a"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HandshakePayload.binding(key, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new HandshakePayload(key, signature, "~", Long.MIN_VALUE, Long.MAX_VALUE).name()).isEqualTo("~");
    }
}
