package dev.p2pchat.protocol.tracker;

import static dev.p2pchat.protocol.GoldenVectors.IDENTITY_KEY;
import static dev.p2pchat.protocol.GoldenVectors.RELAY_TOKEN;
import static dev.p2pchat.protocol.GoldenVectors.SENDER_KEY;
import static dev.p2pchat.protocol.GoldenVectors.ZERO_KEY;
import static dev.p2pchat.protocol.GoldenVectors.hex;
import static dev.p2pchat.protocol.GoldenVectors.octets;
import static dev.p2pchat.protocol.GoldenVectors.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.GoldenVectors;
import dev.p2pchat.protocol.GoldenVectors.Vector;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.FrameType;
import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.protocol.peer.PeerGoldenVectors;
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.protocol.tracker.TrackerMessage.SessionUnknown;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The tracker codec against byte vectors written by hand from PROTOCOL.md, in both directions. */
@Timeout(10)
class TrackerCodecGoldenTest {
    private static final String FUZZ_INPUTS = "TrackerCodecFuzzTestInputs/" + GoldenVectors.FUZZ_METHOD + "/";

    static Stream<Vector<TrackerMessage>> vectors() {
        return TrackerGoldenVectors.ALL.stream();
    }

    static Stream<Vector<TrackerMessage>> relayVectors() {
        return TrackerGoldenVectors.ALL.stream().filter(v -> TrackerGoldenVectors.payloadOffset(v.message()) > 0);
    }

    static Stream<Vector<TrackerMessage>> sealedVectors() {
        return TrackerGoldenVectors.ALL.stream().filter(v -> v.message() instanceof Sealed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldEncodeEachMessageToItsGoldenBytes(Vector<TrackerMessage> vector) {
        assertThat(TrackerCodec.encode(vector.message())).isEqualTo(vector.bytes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldDecodeEachGoldenVectorToItsMessage(Vector<TrackerMessage> vector) throws ProtocolException {
        assertThat(TrackerCodec.decode(vector.bytes())).isEqualTo(vector.message());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldEncodeAtTheBufferPositionAndDecodeOnlyTheRemainingBytes(Vector<TrackerMessage> vector)
            throws ProtocolException {
        ByteBuffer out = ByteBuffer.allocate(3 + Wire.MAX_DATAGRAM_SIZE);
        out.put(new byte[] {9, 9, 9});
        TrackerCodec.encode(vector.message(), out);
        assertThat(out.position()).isEqualTo(3 + vector.bytes().length);

        out.flip().position(3);
        assertThat(TrackerCodec.decode(out)).isEqualTo(vector.message());
        assertThat(out.hasRemaining()).isFalse();
    }

    @Test
    void shouldHaveAGoldenVectorForEveryMessageType() {
        Set<TrackerMessageType> covered = TrackerGoldenVectors.ALL.stream()
                .map(v -> v.message().type())
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(TrackerMessageType.class)));
        assertThat(covered).containsExactlyInAnyOrder(TrackerMessageType.values());
    }

    @Test
    void shouldPutTheTypeCodeOfEachMessageInByteThree() {
        for (Vector<TrackerMessage> vector : TrackerGoldenVectors.ALL) {
            assertThat(vector.bytes()[Wire.TYPE_OFFSET] & 0xFF)
                    .as(vector.name())
                    .isEqualTo(vector.message().type().code());
        }
    }

    @Test
    void shouldNumberTrackerTypesFromOneAndLeaveThePeerRangeUndefined() {
        for (TrackerMessageType type : TrackerMessageType.values()) {
            assertThat(type.code()).as(type.name()).isEqualTo(Wire.TRACKER_TYPES_FIRST + type.ordinal());
            assertThat(TrackerMessageType.ofCode(type.code())).isSameAs(type);
            assertThat(Wire.isPeerFrame(type.code())).as(type.name()).isFalse();
        }
        assertThat(TrackerMessageType.ERROR.code()).isEqualTo(0x0F);
        assertThat(TrackerMessageType.RELAY.code()).isEqualTo(0x10);
        assertThat(TrackerMessageType.RELAYED.code()).isEqualTo(0x11);
        assertThat(TrackerMessageType.SEALED.code()).isEqualTo(0x12);
        assertThat(TrackerMessageType.SESSION_UNKNOWN.code()).isEqualTo(0x13);
        assertThat(TrackerMessageType.DEPOSIT.code()).isEqualTo(0x14);
        assertThat(TrackerMessageType.FETCH.code()).isEqualTo(0x15);
        assertThat(TrackerMessageType.MAIL.code()).isEqualTo(0x16);
        assertThat(TrackerMessageType.MAIL_ACK.code()).isEqualTo(0x17);
        assertThat(TrackerMessageType.ofCode(0x00)).isNull();
        for (int code = 0x18; code <= 0xFF; code++) {
            assertThat(TrackerMessageType.ofCode(code)).as("code 0x%02x is no tracker type", code).isNull();
        }
    }

    @Test
    void shouldKeepTheExamplesOfProtocolMdByteForByte() throws ProtocolException {
        // The example dumps at the end of PROTOCOL.md.
        assertThat(TrackerCodec.decode(hex("50 32 01 01  01 02 03 04",
                        "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
                        "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
                        "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")))
                .isEqualTo(TrackerGoldenVectors.named("COOKIE_REQUEST").message());
        assertThat(TrackerCodec.decode(hex("50 32 01 02  01 02 03 04",
                        "C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 CA CB CC CD CE CF",
                        "40 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 4E 4F",
                        "50 51 52 53 54 55 56 57 58 59 5A 5B 5C 5D 5E 5F")))
                .isEqualTo(TrackerGoldenVectors.named("COOKIE_CHALLENGE").message());
        assertThat(TrackerCodec.decode(hex("50 32 01 0F  0A 0B 0C 0D  02")))
                .isEqualTo(TrackerGoldenVectors.named("ERROR").message());
        assertThat(TrackerCodec.decode(hex(
                        "50 32 01 07  00 00 00 07  C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 CA CB CC CD CE CF",
                        "00 00 00 00 00 00 00 00  00  03 62 6F 62")))
                .isEqualTo(TrackerGoldenVectors.named("LOOKUP with an empty requester").message());
        assertThat(TrackerCodec.decode(hex(
                        "50 32 01 10  01 02 03 04 05 06 07 08",
                        "A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 AA AB AC AD AE AF",
                        "B0 B1 B2 B3 B4 B5 B6 B7 B8 B9 BA BB BC BD BE BF",
                        "50 32 01 42  10 20 30 40 50 60 70 80  80 00 00 01  EB 50 A3 91")))
                .isEqualTo(TrackerGoldenVectors.named("RELAY carrying 20 opaque bytes").message());
        assertThat(TrackerCodec.decode(hex(
                        "50 32 01 11",
                        "B0 B1 B2 B3 B4 B5 B6 B7 B8 B9 BA BB BC BD BE BF",
                        "C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 CA CB CC CD CE CF",
                        "50 32 01 45  88 77 66 55 44 33 22 11  00 00 00 00 00 00 00 07  00 02  B0 90 53 A5")))
                .isEqualTo(TrackerGoldenVectors.named("RELAYED carrying 26 opaque bytes").message());
        assertThat(TrackerCodec.decode(hex(
                        "50 32 01 12  01 23 45 67 89 AB CD EF  00 00 00 00 00 00 00 00",
                        "00 01 02 03 04 05 06 07",
                        "80 81 82 83 84 85 86 87 88 89 8A 8B 8C 8D 8E 8F")))
                .isEqualTo(TrackerGoldenVectors.named("SEALED of the smallest size").message());
        assertThat(TrackerCodec.decode(hex("50 32 01 13  01 23 45 67 89 AB CD EF",
                        "F0 F1 F2 F3 F4 F5 F6 F7 F8 F9 FA FB FC FD FE FF")))
                .isEqualTo(TrackerGoldenVectors.named("SESSION_UNKNOWN").message());
        assertThat(TrackerCodec.decode(hex("50 32 01 04  11 22 33 44  01 23 45 67 89 AB CD EF",
                        "00 00 00 5A  00 00 61 A8  04 CB 00 71 07 9C 40",
                        "C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 CA CB CC CD CE CF",
                        "F0 F1 F2 F3 F4 F5 F6 F7 F8 F9 FA FB FC FD FE FF")))
                .isEqualTo(TrackerGoldenVectors.named("REGISTERED with an IPv4 observed address").message());
        assertThat(TrackerCodec.decode(hex("50 32 01 15  01 02 03 04",
                        "C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 CA CB CC CD CE CF",
                        "01 23 45 67 89 AB CD EF  00 00 00 00 00 00 00 00")))
                .isEqualTo(TrackerGoldenVectors.named("FETCH from the start").message());
        assertThat(TrackerCodec.decode(hex("50 32 01 16  01 02 03 04  00 00 00 00 00 00 00 2A  00 00 00 02",
                        "00 03  C0 FF EE")))
                .isEqualTo(TrackerGoldenVectors.named("MAIL: one piece, two more after it").message());
        assertThat(TrackerCodec.decode(hex("50 32 01 16  01 02 03 04  00 00 00 00 00 00 00 00  00 00 00 00",
                        "00 00")))
                .isEqualTo(TrackerGoldenVectors.named("MAIL: none left").message());
        assertThat(TrackerCodec.decode(hex("50 32 01 17  01 02 03 04",
                        "C0 C1 C2 C3 C4 C5 C6 C7 C8 C9 CA CB CC CD CE CF",
                        "01 23 45 67 89 AB CD EF  02  00 00 00 00 00 00 00 2A  00 00 00 00 00 00 00 2B")))
                .isEqualTo(TrackerGoldenVectors.named("MAIL_ACK of two ids").message());
    }

    /**
     * The mailbox's sizes: a DEPOSIT is 67..1164 bytes, the largest filling a SEALED; its answer, an OK (8) or an
     * ERROR (9), is smaller than the smallest. A FETCH is 40 bytes and its MAIL 22..1120, 44 bytes shorter than the
     * DEPOSIT of the same piece. A MAIL_ACK is 41..545.
     */
    @Test
    void shouldKeepTheSizesOfTheMailboxMessages() {
        assertThat(TrackerGoldenVectors.named("DEPOSIT of one byte").bytes())
                .hasSize(TrackerWire.DEPOSIT_FIXED_SIZE + 1).hasSize(67);
        assertThat(TrackerGoldenVectors.named("DEPOSIT of the largest mail").bytes())
                .hasSize(TrackerWire.DEPOSIT_FIXED_SIZE + TrackerWire.MAX_MAIL_SIZE)
                .hasSize(TrackerWire.MAX_SEALED_MESSAGE_SIZE).hasSize(1164);
        assertThat(TrackerGoldenVectors.named("FETCH from the start").bytes()).hasSize(40);
        assertThat(TrackerGoldenVectors.named("FETCH after the largest id").bytes()).hasSize(40);
        assertThat(TrackerGoldenVectors.named("MAIL: none left").bytes()).hasSize(TrackerWire.MAIL_FIXED_SIZE)
                .hasSize(22);
        assertThat(TrackerGoldenVectors.named("MAIL: one piece, two more after it").bytes())
                .hasSize(TrackerWire.MAIL_FIXED_SIZE + 3);
        assertThat(TrackerGoldenVectors.named("MAIL of the largest piece").bytes())
                .hasSize(TrackerWire.MAIL_FIXED_SIZE + TrackerWire.MAX_MAIL_SIZE).hasSize(1120);
        assertThat(TrackerGoldenVectors.named("MAIL_ACK of one id").bytes())
                .hasSize(TrackerWire.MAIL_ACK_FIXED_SIZE + 8).hasSize(41);
        assertThat(TrackerGoldenVectors.named("MAIL_ACK of two ids").bytes()).hasSize(49);
        assertThat(TrackerGoldenVectors.named("MAIL_ACK of the most ids").bytes())
                .hasSize(TrackerWire.MAIL_ACK_FIXED_SIZE + 8 * TrackerWire.MAX_MAIL_ACK_IDS).hasSize(545);
        // A DEPOSIT's answer is never larger than the DEPOSIT.
        assertThat(TrackerCodec.encode(new TrackerMessage.Ok(1))).hasSizeLessThan(67);
        assertThat(TrackerCodec.encode(new ErrorReply(1, ErrorCode.MAILBOX_FULL))).hasSize(9);
        // A MAIL carries any piece a DEPOSIT left, in fewer bytes.
        assertThat(TrackerWire.DEPOSIT_FIXED_SIZE - TrackerWire.MAIL_FIXED_SIZE).isEqualTo(44);
    }

    /** A MAIL of id 0 says that no piece is left: no bytes, and the record says so. */
    @Test
    void shouldDecodeAMailOfIdZeroAsNoneLeft() throws ProtocolException {
        TrackerMessage.Mail none = (TrackerMessage.Mail) TrackerCodec.decode(
                TrackerGoldenVectors.named("MAIL: none left").bytes());
        assertThat(none.id()).isZero();
        assertThat(none.remaining()).isZero();
        assertThat(none.mail().length()).isZero();
        TrackerMessage.Mail piece = (TrackerMessage.Mail) TrackerCodec.decode(
                TrackerGoldenVectors.named("MAIL: one piece, two more after it").bytes());
        assertThat(piece.id()).isEqualTo(42);
        assertThat(piece.remaining()).isEqualTo(2);
        assertThat(piece.mail()).isEqualTo(octets("c0ffee"));
    }

    @Test
    void shouldPadTheCookieRequestToTheSizeOfTheChallenge() {
        assertThat(TrackerGoldenVectors.named("COOKIE_REQUEST").bytes())
                .hasSize(TrackerWire.COOKIE_REQUEST_SIZE)
                .hasSize(56)
                .hasSameSizeAs(TrackerGoldenVectors.named("COOKIE_CHALLENGE").bytes());
        assertThat(TrackerWire.COOKIE_REQUEST_PADDING).isEqualTo(TrackerWire.COOKIE_SIZE + Wire.KEY_SIZE).isEqualTo(48);
    }

    /** The tracker's key follows the cookie, the last 32 bytes of the challenge. */
    @Test
    void shouldEndTheCookieChallengeWithTheTrackersKey() {
        Vector<TrackerMessage> vector = TrackerGoldenVectors.named("COOKIE_CHALLENGE");
        byte[] bytes = vector.bytes();
        assertThat(Arrays.copyOfRange(bytes, 24, 56))
                .isEqualTo(((TrackerMessage.CookieChallenge) vector.message()).trackerKey().toByteArray())
                .isEqualTo(hex(GoldenVectors.TRACKER_KEY));
    }

    /** REGISTER: the session key and the timestamp sit between the private addresses and the signature. */
    @Test
    void shouldPutTheSessionKeyAndTimestampOfARegisterRightBeforeItsSignature() {
        for (String name : List.of("REGISTER without private addresses",
                "REGISTER with an IPv4 and an IPv6 private address")) {
            Vector<TrackerMessage> vector = TrackerGoldenVectors.named(name);
            TrackerMessage.Register register = (TrackerMessage.Register) vector.message();
            byte[] bytes = vector.bytes();
            int signatureAt = bytes.length - Wire.SIGNATURE_SIZE;
            assertThat(Arrays.copyOfRange(bytes, signatureAt - 40, signatureAt - 8)).as(name)
                    .isEqualTo(register.sessionKey().toByteArray());
            assertThat(ByteBuffer.wrap(bytes, signatureAt - 8, 8).getLong()).as(name).isEqualTo(register.timestamp());
        }
        // 199 bytes with a one-byte name and no address, 306 with a 32-byte name and four IPv6 addresses.
        assertThat(TrackerGoldenVectors.named("REGISTER without private addresses").bytes()).hasSize(199 + 4);
        TrackerMessage.Register largest = new TrackerMessage.Register(1, octets(GoldenVectors.COOKIE), "x".repeat(32),
                octets(IDENTITY_KEY), octets(ZERO_KEY), 0, List.of(GoldenVectors.OBSERVED_V6, GoldenVectors.OBSERVED_V6,
                        GoldenVectors.OBSERVED_V6, GoldenVectors.OBSERVED_V6),
                octets(GoldenVectors.SESSION_KEY), 1, octets(GoldenVectors.SIGNATURE));
        assertThat(TrackerCodec.encode(largest)).hasSize(306);
    }

    /** A SEALED is its header, session and counter (its associated data), then the box: 44 to 1200 bytes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sealedVectors")
    void shouldEndEverySealedVectorWithItsBoxUnchanged(Vector<TrackerMessage> vector) {
        Sealed sealed = (Sealed) vector.message();
        byte[] bytes = vector.bytes();
        assertThat(Arrays.copyOfRange(bytes, TrackerGoldenVectors.BOX_OFFSET, bytes.length))
                .isEqualTo(sealed.box().toByteArray());
        assertThat(ByteBuffer.wrap(bytes, 4, 16).getLong()).isEqualTo(sealed.session());
        assertThat(ByteBuffer.wrap(bytes, 12, 8).getLong()).isEqualTo(sealed.counter());
        assertThat(bytes.length).isBetween(44, Wire.MAX_DATAGRAM_SIZE);
        assertThat(bytes.length - sealed.box().length()).isEqualTo(Wire.SEALED_OVERHEAD - TrackerWire.SEAL_TAG_SIZE);
    }

    @Test
    void shouldSealMessagesOf8To1164BytesIntoDatagramsOf44To1200() {
        assertThat(TrackerGoldenVectors.named("SEALED of the smallest size").bytes())
                .hasSize(TrackerWire.MIN_SEALED_MESSAGE_SIZE + Wire.SEALED_OVERHEAD).hasSize(44);
        assertThat(TrackerGoldenVectors.named("SEALED of the largest size").bytes())
                .hasSize(TrackerWire.MAX_SEALED_MESSAGE_SIZE + Wire.SEALED_OVERHEAD).hasSize(Wire.MAX_DATAGRAM_SIZE);
        assertThat(TrackerGoldenVectors.named("SESSION_UNKNOWN").bytes())
                .hasSize(TrackerWire.SESSION_UNKNOWN_SIZE).hasSize(28);
        // No larger than the smallest SEALED it may answer.
        assertThat(TrackerWire.SESSION_UNKNOWN_SIZE).isLessThan(44);
        // It answers the session of a SEALED, with the proof its REGISTERED carried.
        Registered registered = (Registered) TrackerGoldenVectors.named("REGISTERED with an IPv4 observed address")
                .message();
        assertThat(TrackerGoldenVectors.named("SESSION_UNKNOWN").message()).isEqualTo(new SessionUnknown(
                ((Sealed) TrackerGoldenVectors.named("SEALED of the smallest size").message()).session(),
                registered.resetProof()));
        assertThat(registered.token()).isEqualTo(
                ((Sealed) TrackerGoldenVectors.named("SEALED of the smallest size").message()).session());
    }

    /**
     * REGISTERED ends with the cookie and then the reset proof: 63 bytes with an IPv4 observed address, 75 with an
     * IPv6 one. SESSION_UNKNOWN is the session, then the proof.
     */
    @Test
    void shouldEndRegisteredAndSessionUnknownWithTheResetProof() {
        for (String name : List.of("REGISTERED with an IPv4 observed address",
                "REGISTERED with an IPv6 observed address")) {
            Vector<TrackerMessage> vector = TrackerGoldenVectors.named(name);
            Registered registered = (Registered) vector.message();
            byte[] bytes = vector.bytes();
            int proofAt = bytes.length - TrackerWire.RESET_PROOF_SIZE;
            assertThat(Arrays.copyOfRange(bytes, proofAt, bytes.length)).as(name)
                    .isEqualTo(registered.resetProof().toByteArray());
            assertThat(Arrays.copyOfRange(bytes, proofAt - TrackerWire.COOKIE_SIZE, proofAt)).as(name)
                    .isEqualTo(registered.cookie().toByteArray());
        }
        assertThat(TrackerGoldenVectors.named("REGISTERED with an IPv4 observed address").bytes()).hasSize(63);
        assertThat(TrackerGoldenVectors.named("REGISTERED with an IPv6 observed address").bytes()).hasSize(75);
        Vector<TrackerMessage> unknown = TrackerGoldenVectors.named("SESSION_UNKNOWN");
        assertThat(Arrays.copyOfRange(unknown.bytes(), 12, 28))
                .isEqualTo(((SessionUnknown) unknown.message()).proof().toByteArray())
                .isEqualTo(hex(GoldenVectors.RESET_PROOF));
        assertThat(ByteBuffer.wrap(unknown.bytes(), 4, 8).getLong())
                .isEqualTo(((SessionUnknown) unknown.message()).session());
    }

    @Test
    void shouldDecodeAnEmptyRequesterAsAnAnonymousLookup() throws ProtocolException {
        Lookup lookup = (Lookup) TrackerCodec.decode(
                TrackerGoldenVectors.named("LOOKUP with an empty requester").bytes());
        assertThat(lookup.requester()).isEmpty();
        assertThat(lookup.token()).isZero();
    }

    @Test
    void shouldKeepAnIpv4MappedAddressSentAsFamilySixAsIpv6() throws ProtocolException {
        LookupResult result = (LookupResult) TrackerCodec.decode(
                TrackerGoldenVectors.named("LOOKUP_RESULT with IPv4 observed and three private addresses").bytes());
        assertThat(result.peer().privateAddresses().get(2).getAddress()).isInstanceOf(Inet6Address.class);
    }

    @Test
    void shouldDecodeEveryErrorCodeOfTheTable() throws ProtocolException {
        for (ErrorCode code : ErrorCode.values()) {
            byte[] datagram = hex("5032 01 0f", "00000001", String.format("%02x", code.code()));
            assertThat(TrackerCodec.decode(datagram)).isEqualTo(new ErrorReply(1, code));
            assertThat(TrackerCodec.encode(new ErrorReply(1, code))).isEqualTo(datagram);
            assertThat(ErrorCode.ofCode(code.code())).isSameAs(code);
        }
        assertThat(ErrorCode.values()).extracting(ErrorCode::code).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void shouldRejectAnErrorCodeOutsideTheTable() {
        for (int code : new int[] {0x00, 0x0B, 0x7F, 0xFF}) {
            assertThatThrownBy(() -> TrackerCodec.decode(hex("5032 01 0f", "00000001", String.format("%02x", code))))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.reason())
                            .isEqualTo(Reason.BAD_FIELD));
            assertThat(ErrorCode.ofCode(code)).isNull();
        }
    }

    @Test
    void shouldEncodeAListPageOfExactlyWhatASealedCarries() throws ProtocolException {
        // 32 entries with one-byte names and one with a 26-byte name: 17 + 32 * 34 + 59 = 1164 bytes, and 1200 sealed.
        StringBuilder wire = new StringBuilder("5032 01 0b" + "00000001" + "00000021" + "00000021" + "21");
        List<ListPage.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            char c = (char) ('a' + i % 26);
            wire.append(String.format("01%02x", (int) c)).append(IDENTITY_KEY);
            entries.add(new ListPage.Entry(String.valueOf(c), octets(IDENTITY_KEY)));
        }
        wire.append("1a").append("78".repeat(26)).append(ZERO_KEY);
        entries.add(new ListPage.Entry("x".repeat(26), octets(ZERO_KEY)));
        ListPage page = new ListPage(1, 33, 33, entries);
        byte[] bytes = hex(wire.toString());

        assertThat(bytes).hasSize(TrackerWire.MAX_SEALED_MESSAGE_SIZE).hasSize(Wire.MAX_DATAGRAM_SIZE - 36);
        assertThat(TrackerCodec.encode(page)).isEqualTo(bytes);
        assertThat(TrackerCodec.decode(bytes)).isEqualTo(page);
    }

    @Test
    void shouldNotBuildAListPageLargerThanASealedCarries() {
        List<ListPage.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            entries.add(new ListPage.Entry("a", octets(IDENTITY_KEY)));
        }
        entries.add(new ListPage.Entry("x".repeat(27), octets(ZERO_KEY)));
        assertThatThrownBy(() -> new ListPage(1, 0, 33, entries)).isInstanceOf(IllegalArgumentException.class);
    }

    /** 33 one-byte-name entries, the most a page holds, are 1139 bytes; a count of 34 is a bad field. */
    @Test
    void shouldHoldAtMost33EntriesInAListPage() throws ProtocolException {
        String entry = "01 61" + IDENTITY_KEY;
        String head = "5032 01 0b" + "00000001" + "00000000" + "00000021";
        ListPage page = (ListPage) TrackerCodec.decode(hex(head, "21", entry.repeat(33)));
        assertThat(page.entries()).hasSize(TrackerWire.MAX_LIST_ENTRIES).hasSize(33);
        assertThat(TrackerCodec.encode(page)).hasSize(17 + 33 * 34);
        assertThatThrownBy(() -> TrackerCodec.decode(hex(head, "22", entry.repeat(34))))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.BAD_FIELD));
    }

    @Test
    void shouldCoverEveryByteBeforeTheSignatureWithSignedBytes() {
        int signedVectors = 0;
        for (Vector<TrackerMessage> vector : TrackerGoldenVectors.ALL) {
            if (vector.message() instanceof TrackerMessage.Signed signed) {
                byte[] bytes = vector.bytes();
                byte[] covered = TrackerCodec.signedBytes(signed);
                // The tracker's signed requests end with the signature: no trailer after it.
                assertThat(covered).as(vector.name()).hasSize(bytes.length - Wire.SIGNATURE_SIZE);
                assertThat(bytes).as(vector.name()).startsWith(covered);
                assertThat(Arrays.copyOfRange(bytes, covered.length, bytes.length))
                        .as("%s: the signature follows the covered bytes", vector.name())
                        .isEqualTo(signed.signature().toByteArray());
                assertThat(covered).as("header included").startsWith(0x50, 0x32, 0x01);
                assertThat(signed.signedBytes()).as("%s: Signed.signedBytes", vector.name()).isEqualTo(covered);
                signedVectors++;
            }
        }
        assertThat(signedVectors).as("REGISTER twice, RENAME, UNREGISTER").isEqualTo(4);
    }

    /** A RELAY or RELAYED ends with its payload, exactly the bytes after its own fields. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("relayVectors")
    void shouldEndEveryRelayVectorWithItsPayloadUnchanged(Vector<TrackerMessage> vector) {
        int offset = TrackerGoldenVectors.payloadOffset(vector.message());
        byte[] bytes = vector.bytes();
        assertThat(Arrays.copyOfRange(bytes, offset, bytes.length))
                .isEqualTo(TrackerGoldenVectors.payload(vector.message()));
    }

    @Test
    void shouldCarryEveryPeerFrameVectorInARelayAndARelayedByteForByte() throws ProtocolException {
        for (Vector<PeerFrame> vector : PeerGoldenVectors.ALL) {
            byte[] relayBytes = hex("5032 01 10", RELAY_TOKEN, IDENTITY_KEY, toHex(vector.bytes()));
            Relay relay = new Relay(0x0102030405060708L, octets(IDENTITY_KEY), Octets.of(vector.bytes()));
            assertThat(TrackerCodec.decode(relayBytes)).as(vector.name()).isEqualTo(relay);
            assertThat(TrackerCodec.encode(relay)).as(vector.name()).isEqualTo(relayBytes);

            byte[] relayedBytes = hex("5032 01 11", SENDER_KEY, toHex(vector.bytes()));
            Relayed relayed = new Relayed(octets(SENDER_KEY), Octets.of(vector.bytes()));
            assertThat(TrackerCodec.decode(relayedBytes)).as(vector.name()).isEqualTo(relayed);
            assertThat(TrackerCodec.encode(relayed)).as(vector.name()).isEqualTo(relayedBytes);
        }
        assertThat(PeerGoldenVectors.ALL).as("every frame type, TRANSPORT thrice, INITIATION_IK twice").hasSize(10);
    }

    @Test
    void shouldMakeARelayedDatagramEightBytesShorterThanTheRelayItPassesOn() {
        Relay relay = (Relay) TrackerGoldenVectors.named("RELAY carrying 20 opaque bytes").message();
        Relayed relayed = new Relayed(octets(SENDER_KEY), relay.payload());
        assertThat(TrackerCodec.encode(relayed))
                .hasSize(TrackerGoldenVectors.named("RELAY carrying 20 opaque bytes").bytes().length - 8)
                .endsWith(relay.payload().toByteArray());
        assertThat(TrackerWire.RELAY_FIXED_SIZE - TrackerWire.RELAYED_FIXED_SIZE).isEqualTo(TrackerWire.TOKEN_SIZE);
    }

    @Test
    void shouldCarryAnXxInitiationThatTheReceiverDecodesAsThePeerFrameVector() throws ProtocolException {
        // An XX initiation names no sender: the RELAYED's sender key is where the responder relays its answer.
        Relayed relayed = (Relayed) TrackerGoldenVectors.named("RELAYED carrying an INITIATION_XX").message();
        PeerFrame carried = PeerFrameCodec.decode(relayed.payload().toByteArray());
        assertThat(carried.type()).isEqualTo(FrameType.INITIATION_XX);
        assertThat(carried).isEqualTo(PeerGoldenVectors.named("INITIATION_XX").message());
    }

    @Test
    void shouldKeepTheLimitsOfProtocolMd() {
        assertThat(TrackerWire.COOKIE_SIZE).isEqualTo(16);
        assertThat(TrackerWire.TOKEN_SIZE).isEqualTo(8);
        assertThat(TrackerWire.LIST_PAGE_FIXED_SIZE).isEqualTo(17);
        assertThat(TrackerWire.MAX_LIST_ENTRIES).isEqualTo(33).isEqualTo((1164 - 17) / 34);
        assertThat(TrackerWire.COOKIE_REQUEST_SIZE).isEqualTo(56);
        assertThat(TrackerWire.RESET_PROOF_SIZE).isEqualTo(16);
        assertThat(TrackerWire.SESSION_UNKNOWN_SIZE).isEqualTo(28).isEqualTo(4 + 8 + 16);
        assertThat(Wire.SEALED_OVERHEAD).isEqualTo(36).isEqualTo(4 + 8 + 8 + 16);
        assertThat(TrackerWire.MAX_SEALED_MESSAGE_SIZE).isEqualTo(1164).isEqualTo(1200 - 36);
        assertThat(TrackerWire.MIN_SEALED_MESSAGE_SIZE).isEqualTo(8);
        assertThat(TrackerWire.RELAY_FIXED_SIZE).isEqualTo(44);
        assertThat(Wire.RELAY_OVERHEAD).isEqualTo(80).isEqualTo(TrackerWire.RELAY_FIXED_SIZE + Wire.SEALED_OVERHEAD);
        assertThat(TrackerWire.RELAYED_FIXED_SIZE).isEqualTo(36);
        assertThat(TrackerWire.MIN_RELAY_PAYLOAD).isEqualTo(Wire.HEADER_SIZE).isEqualTo(4);
        assertThat(Wire.MAX_PEER_DATAGRAM_SIZE).isEqualTo(1120).isEqualTo(1200 - 80);
        // The largest payload fills a RELAY to what a SEALED carries, and the SEALED a datagram: any peer frame can
        // move to the relay.
        assertThat(TrackerWire.RELAY_FIXED_SIZE + Wire.MAX_PEER_DATAGRAM_SIZE)
                .isEqualTo(TrackerWire.MAX_SEALED_MESSAGE_SIZE);
        assertThat(Wire.RELAY_OVERHEAD + Wire.MAX_PEER_DATAGRAM_SIZE).isEqualTo(Wire.MAX_DATAGRAM_SIZE);
        // The mailbox: the largest piece fills a DEPOSIT to what a SEALED carries.
        assertThat(TrackerWire.DEPOSIT_FIXED_SIZE).isEqualTo(66).isEqualTo(4 + 4 + 16 + 8 + 32 + 2);
        assertThat(TrackerWire.MAX_MAIL_SIZE).isEqualTo(1098).isEqualTo(1164 - 66);
        assertThat(TrackerWire.MAIL_FIXED_SIZE).isEqualTo(22).isEqualTo(4 + 4 + 8 + 4 + 2);
        assertThat(TrackerWire.MAIL_ACK_FIXED_SIZE).isEqualTo(33).isEqualTo(4 + 4 + 16 + 8 + 1);
        assertThat(TrackerWire.MAX_MAIL_ACK_IDS).isEqualTo(64);
        assertThat(TrackerWire.MAIL_ACK_FIXED_SIZE + 8 * TrackerWire.MAX_MAIL_ACK_IDS)
                .isLessThanOrEqualTo(TrackerWire.MAX_SEALED_MESSAGE_SIZE);
    }

    @Test
    void shouldEncodeARelayOfTheLargestPeerFrameAsExactlyWhatASealedCarries() throws ProtocolException {
        // 44 + 1120 = 1164 bytes, 1200 once sealed: any peer frame fits a RELAY, and the RELAYED passing it on is
        // 1156, 1192 sealed.
        Vector<PeerFrame> largest = PeerGoldenVectors.named("TRANSPORT of the largest size");
        byte[] frame = largest.bytes();
        byte[] relayBytes = hex("5032 01 10", RELAY_TOKEN, IDENTITY_KEY, toHex(frame));
        Relay relay = new Relay(0x0102030405060708L, octets(IDENTITY_KEY), Octets.of(frame));
        byte[] relayedBytes = hex("5032 01 11", SENDER_KEY, toHex(frame));
        Relayed relayed = new Relayed(octets(SENDER_KEY), Octets.of(frame));

        assertThat(relayBytes).hasSize(TrackerWire.MAX_SEALED_MESSAGE_SIZE).hasSize(1164);
        assertThat(TrackerCodec.encode(relay)).isEqualTo(relayBytes);
        assertThat(TrackerCodec.decode(relayBytes)).isEqualTo(relay);
        assertThat(relayBytes.length + Wire.SEALED_OVERHEAD).isEqualTo(Wire.MAX_DATAGRAM_SIZE);
        assertThat(relayedBytes).hasSize(TrackerWire.MAX_SEALED_MESSAGE_SIZE - 8).hasSize(1156);
        assertThat(TrackerCodec.encode(relayed)).isEqualTo(relayedBytes);
        assertThat(TrackerCodec.decode(relayedBytes)).isEqualTo(relayed);
        assertThat(frame).hasSize(Wire.MAX_PEER_DATAGRAM_SIZE);
        assertThat(PeerFrameCodec.decode(relayed.payload().toByteArray())).isEqualTo(largest.message());
    }

    @Test
    void shouldKeepEveryGoldenVectorAsAFuzzSeed() throws IOException {
        // The Jazzer regression inputs start from the golden vectors, under "golden-" and the vector's name.
        for (Vector<TrackerMessage> vector : TrackerGoldenVectors.ALL) {
            String file = vector.fuzzSeedName();
            try (InputStream seed = getClass().getResourceAsStream(FUZZ_INPUTS + file)) {
                assertThat(seed).as("seed %s", file).isNotNull();
                assertThat(seed.readAllBytes()).as("seed %s", file).isEqualTo(vector.bytes());
            }
        }
    }
}
