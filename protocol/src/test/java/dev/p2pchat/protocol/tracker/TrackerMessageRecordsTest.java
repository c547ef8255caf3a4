package dev.p2pchat.protocol.tracker;

import static dev.p2pchat.protocol.GoldenVectors.COOKIE;
import static dev.p2pchat.protocol.GoldenVectors.IDENTITY_KEY;
import static dev.p2pchat.protocol.GoldenVectors.PRIVATE_V4;
import static dev.p2pchat.protocol.GoldenVectors.octets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.GoldenVectors;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieChallenge;
import dev.p2pchat.protocol.tracker.TrackerMessage.Deposit;
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.Fetch;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.Mail;
import dev.p2pchat.protocol.tracker.TrackerMessage.MailAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Rename;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.protocol.tracker.TrackerMessage.SessionUnknown;
import dev.p2pchat.protocol.tracker.TrackerMessage.Unregister;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Records refuse what the wire cannot carry, so that every record that exists can be encoded. */
@Timeout(10)
class TrackerMessageRecordsTest {
    private static final Octets KEY = octets(IDENTITY_KEY);
    private static final Octets SESSION_KEY = octets(GoldenVectors.SESSION_KEY);
    private static final Octets SIGNATURE = Octets.zeros(Wire.SIGNATURE_SIZE);
    private static final Octets RESET_PROOF = octets(GoldenVectors.RESET_PROOF);
    /** The smallest peer frame: a TRANSPORT sealing a one-byte link frame. */
    private static final Octets FRAME = Octets.of(PeerFrameCodec.encode(new PeerFrame.Transport(1, 2,
            Octets.zeros(17))));

    private static Register register(String name, List<InetSocketAddress> privateAddresses) {
        return new Register(1, octets(COOKIE), name, KEY, KEY, 0, privateAddresses, SESSION_KEY, 5, SIGNATURE);
    }

    @Test
    void shouldRefuseMailTheWireCannotCarry() {
        Octets key = octets(IDENTITY_KEY);
        Octets cookie = octets(COOKIE);
        assertThat(new Deposit(1, cookie, 2, key, Octets.zeros(TrackerWire.MAX_MAIL_SIZE)).mail().length())
                .isEqualTo(TrackerWire.MAX_MAIL_SIZE);
        assertThatThrownBy(() -> new Deposit(1, cookie, 2, key, Octets.zeros(0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Deposit(1, cookie, 2, key, Octets.zeros(TrackerWire.MAX_MAIL_SIZE + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Deposit(1, cookie, 2, Octets.zeros(31), Octets.zeros(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Fetch(1, cookie, 2, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Mail(1, 0, 0, Octets.zeros(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Mail(1, 5, 0, Octets.zeros(0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Mail(1, 5, -1, Octets.zeros(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MailAck(1, cookie, 2, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MailAck(1, cookie, 2, List.of(0L))).isInstanceOf(IllegalArgumentException.class);
        List<Long> tooMany = new ArrayList<>();
        for (long id = 1; id <= TrackerWire.MAX_MAIL_ACK_IDS + 1; id++) {
            tooMany.add(id);
        }
        assertThatThrownBy(() -> new MailAck(1, cookie, 2, tooMany)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new MailAck(1, cookie, 2, tooMany.subList(0, TrackerWire.MAX_MAIL_ACK_IDS)).ids())
                .hasSize(TrackerWire.MAX_MAIL_ACK_IDS);
    }

    /**
     * The mailbox's numbers at the edges of the wire: an id or {@code after} of 0 to 2^63 - 1, a remaining of 0 to
     * 2^31 - 1; a MAIL of id 0 carries nothing, any other carries 1 to {@value TrackerWire#MAX_MAIL_SIZE} bytes.
     */
    @Test
    void shouldAcceptMailboxFieldsAtTheLimitsOfTheWireAndRefuseThemBeyond() {
        Octets key = octets(IDENTITY_KEY);
        Octets cookie = octets(COOKIE);
        assertThat(new Deposit(1, cookie, 2, key, Octets.zeros(1)).mail().length()).isEqualTo(1);
        assertThat(new Fetch(1, cookie, 2, 0).after()).isZero();
        assertThat(new Fetch(1, cookie, 2, Long.MAX_VALUE).after()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> new Fetch(1, cookie, 2, Long.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
        Mail largest = new Mail(1, Long.MAX_VALUE, Integer.MAX_VALUE, Octets.zeros(TrackerWire.MAX_MAIL_SIZE));
        assertThat(TrackerCodec.encode(largest)).hasSize(TrackerWire.MAIL_FIXED_SIZE + TrackerWire.MAX_MAIL_SIZE);
        assertThat(new Mail(1, 0, 0, Octets.zeros(0)).mail().length()).isZero();
        for (long id : new long[] {-1, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> new Mail(1, id, 0, Octets.zeros(1))).as("id %d", id)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new MailAck(1, cookie, 2, List.of(id))).as("id %d", id)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new MailAck(1, cookie, 2, List.of(1L, id))).as("a second id %d", id)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Mail(1, 5, Integer.MIN_VALUE, Octets.zeros(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Mail(1, 5, 0, Octets.zeros(TrackerWire.MAX_MAIL_SIZE + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new MailAck(1, cookie, 2, List.of(Long.MAX_VALUE)).ids()).containsExactly(Long.MAX_VALUE);
    }

    @Test
    void shouldRefuseMailboxMessagesWithAKeyOrCookieOfTheWrongLength() {
        Octets cookie = octets(COOKIE);
        for (int length : new int[] {0, 1, Wire.KEY_SIZE - 1, Wire.KEY_SIZE + 1, Wire.SIGNATURE_SIZE}) {
            Octets recipient = Octets.zeros(length);
            assertThatThrownBy(() -> new Deposit(1, cookie, 2, recipient, Octets.zeros(1)))
                    .as("recipient of %d bytes", length).isInstanceOf(IllegalArgumentException.class);
        }
        for (int length : new int[] {0, TrackerWire.COOKIE_SIZE - 1, TrackerWire.COOKIE_SIZE + 1}) {
            Octets bad = Octets.zeros(length);
            assertThatThrownBy(() -> new Deposit(1, bad, 2, KEY, Octets.zeros(1))).as("cookie of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Fetch(1, bad, 2, 0)).as("cookie of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new MailAck(1, bad, 2, List.of(1L))).as("cookie of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Deposit(1, cookie, 2, null, Octets.zeros(1)))
                .isInstanceOf(NullPointerException.class).hasMessage("recipient");
        assertThatThrownBy(() -> new Deposit(1, null, 2, KEY, Octets.zeros(1)))
                .isInstanceOf(NullPointerException.class).hasMessage("cookie");
        assertThatThrownBy(() -> new Fetch(1, null, 2, 0)).isInstanceOf(NullPointerException.class)
                .hasMessage("cookie");
        assertThatThrownBy(() -> new MailAck(1, null, 2, List.of(1L))).isInstanceOf(NullPointerException.class)
                .hasMessage("cookie");
    }

    @Test
    void shouldCopyTheIdsSoThatLaterChangesDoNotReachTheMailAck() {
        List<Long> ids = new ArrayList<>(List.of(1L, 2L));
        MailAck ack = new MailAck(1, octets(COOKIE), 2, ids);
        ids.add(3L);
        ids.set(0, 0L);
        assertThat(ack.ids()).containsExactly(1L, 2L);
        assertThatThrownBy(() -> ack.ids().add(4L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void shouldAcceptNamesAtTheLimitsOfTheWire() {
        assertThat(register("a", List.of()).name()).isEqualTo("a");
        assertThat(register("!".repeat(32), List.of()).name()).hasSize(32);
        assertThat(register("~", List.of()).name()).isEqualTo("~");
    }

    @Test
    void shouldRefuseNamesTheWireCannotCarry() {
        for (String name : new String[] {"", "a".repeat(33), "a b", "tab\t", "caf\u00e9", "del\u007f"}) {
            assertThatThrownBy(() -> register(name, List.of())).as(name).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> register(null, List.of())).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldAllowAnEmptyNameOnlyForTheLookupRequester() {
        assertThat(new Lookup(1, octets(COOKIE), 0, "", "bob").requester()).isEmpty();
        assertThatThrownBy(() -> new Lookup(1, octets(COOKIE), 0, "alice", ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Keepalive(1, octets(COOKIE), 0, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseMoreThanFourPrivateAddresses() {
        assertThat(register("a", List.of(PRIVATE_V4, PRIVATE_V4, PRIVATE_V4, PRIVATE_V4)).privateAddresses())
                .hasSize(Wire.MAX_PRIVATE_ADDRESSES);
        assertThatThrownBy(() -> register("a", List.of(PRIVATE_V4, PRIVATE_V4, PRIVATE_V4, PRIVATE_V4, PRIVATE_V4)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseAddressesWithoutAPortOrUnresolved() {
        InetSocketAddress noPort = new InetSocketAddress(PRIVATE_V4.getAddress(), 0);
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("example.org", 7000);
        assertThatThrownBy(() -> register("a", List.of(noPort))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> register("a", List.of(unresolved))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Registered(1, 2, 3, 4, noPort, octets(COOKIE), RESET_PROOF))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCopyTheAddressListSoThatLaterChangesDoNotReachTheMessage() {
        List<InetSocketAddress> addresses = new ArrayList<>(List.of(PRIVATE_V4));
        Register register = register("a", addresses);
        addresses.add(PRIVATE_V4);
        assertThat(register.privateAddresses()).hasSize(1);
    }

    @Test
    void shouldRefuseFixedSizeFieldsOfTheWrongLength() {
        assertThatThrownBy(() -> new CookieChallenge(1, Octets.zeros(15), KEY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CookieChallenge(1, Octets.zeros(17), KEY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ListPage.Entry("a", Octets.zeros(31)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Register(1, octets(COOKIE), "a", KEY, KEY, 0, List.of(), SESSION_KEY, 5,
                Octets.zeros(63))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErrorReply(1, null)).isInstanceOf(NullPointerException.class);
    }

    /** The tracker's key in a COOKIE_CHALLENGE and the session key in a REGISTER are X25519 keys: 32 bytes. */
    @Test
    void shouldRefuseATrackerKeyOrSessionKeyOfTheWrongLength() {
        assertThat(new CookieChallenge(1, octets(COOKIE), KEY).trackerKey()).isEqualTo(KEY);
        assertThat(register("a", List.of()).sessionKey()).isEqualTo(SESSION_KEY);
        for (int length : new int[] {0, 16, Wire.KEY_SIZE - 1, Wire.KEY_SIZE + 1, Wire.SIGNATURE_SIZE}) {
            Octets key = Octets.zeros(length);
            assertThatThrownBy(() -> new CookieChallenge(1, octets(COOKIE), key)).as("tracker key of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Register(1, octets(COOKIE), "a", KEY, KEY, 0, List.of(), key, 5, SIGNATURE))
                    .as("session key of %d bytes", length).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new CookieChallenge(1, octets(COOKIE), null)).isInstanceOf(NullPointerException.class)
                .hasMessage("trackerKey");
        assertThatThrownBy(() -> new Register(1, octets(COOKIE), "a", KEY, KEY, 0, List.of(), null, 5, SIGNATURE))
                .isInstanceOf(NullPointerException.class).hasMessage("sessionKey");
    }

    /**
     * The reset proof in REGISTERED and in SESSION_UNKNOWN is {@value TrackerWire#RESET_PROOF_SIZE} bytes, the first
     * half of an HMAC-SHA256: a record of another length, or of none, cannot be built.
     */
    @Test
    void shouldRefuseAResetProofOfTheWrongLength() {
        assertThat(TrackerWire.RESET_PROOF_SIZE).isEqualTo(16);
        assertThat(new Registered(1, 2, 3, 4, PRIVATE_V4, octets(COOKIE), RESET_PROOF).resetProof())
                .isEqualTo(RESET_PROOF);
        assertThat(new SessionUnknown(2, RESET_PROOF).proof()).isEqualTo(RESET_PROOF);
        for (int length : new int[] {0, 1, 8, TrackerWire.RESET_PROOF_SIZE - 1, TrackerWire.RESET_PROOF_SIZE + 1,
            Wire.KEY_SIZE}) {
            Octets proof = Octets.zeros(length);
            assertThatThrownBy(() -> new Registered(1, 2, 3, 4, PRIVATE_V4, octets(COOKIE), proof))
                    .as("REGISTERED's reset proof of %d bytes", length).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new SessionUnknown(2, proof)).as("SESSION_UNKNOWN's proof of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Registered(1, 2, 3, 4, PRIVATE_V4, octets(COOKIE), null))
                .isInstanceOf(NullPointerException.class).hasMessage("resetProof");
        assertThatThrownBy(() -> new SessionUnknown(2, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("proof");
        // The proof follows the cookie, the last field of each.
        assertThat(TrackerCodec.encode(new Registered(1, 2, 3, 4, PRIVATE_V4, octets(COOKIE), RESET_PROOF)))
                .hasSize(4 + 4 + 8 + 4 + 4 + 7 + 16 + 16).endsWith(RESET_PROOF.toByteArray());
        assertThat(TrackerCodec.encode(new SessionUnknown(2, RESET_PROOF))).endsWith(RESET_PROOF.toByteArray());
    }

    /** Any u64 is a timestamp on the wire: whether it is newer than the registration's is the tracker's to judge. */
    @Test
    void shouldCarryAnyTimestamp() {
        for (long timestamp : new long[] {0, 1, 1_761_661_963_614L, Long.MAX_VALUE, Long.MIN_VALUE, -1}) {
            assertThat(new Register(1, octets(COOKIE), "a", KEY, KEY, 0, List.of(), SESSION_KEY, timestamp,
                    SIGNATURE).timestamp()).isEqualTo(timestamp);
        }
    }

    /**
     * A SEALED's box holds a whole tracker message of {@value TrackerWire#MIN_SEALED_MESSAGE_SIZE} (an OK) to
     * {@value TrackerWire#MAX_SEALED_MESSAGE_SIZE} bytes and the 16-byte tag: 24 to 1180 bytes, a SEALED of 44 to
     * 1200.
     */
    @Test
    void shouldRefuseASealedBoxShorterThanAnOkAndItsTagOrLongerThanFitsADatagram() {
        for (int length : new int[] {24, 25, 600, 1179, 1180}) {
            Octets box = Octets.zeros(length);
            Sealed sealed = new Sealed(1, 2, box);
            assertThat(sealed.box()).as("%d bytes", length).isEqualTo(box);
            assertThat(TrackerCodec.encode(sealed)).as("%d bytes", length).hasSize(20 + length);
        }
        assertThat(TrackerCodec.encode(new Sealed(0, 0, Octets.zeros(24)))).hasSize(44);
        assertThat(TrackerCodec.encode(new Sealed(0, 0, Octets.zeros(1180)))).hasSize(Wire.MAX_DATAGRAM_SIZE);
        for (int length : new int[] {0, 1, 16, 23, 1181, Wire.MAX_DATAGRAM_SIZE}) {
            Octets box = Octets.zeros(length);
            assertThatThrownBy(() -> new Sealed(1, 2, box)).as("%d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Sealed(1, 2, null)).isInstanceOf(NullPointerException.class).hasMessage("box");
        assertThat(TrackerWire.MIN_SEALED_MESSAGE_SIZE).isEqualTo(8);
        assertThat(TrackerWire.MAX_SEALED_MESSAGE_SIZE).isEqualTo(1164);
        assertThat(TrackerWire.SEAL_TAG_SIZE).isEqualTo(16);
        assertThat(Wire.SEALED_OVERHEAD).isEqualTo(36);
    }

    /** Session and counter carry any u64: the cipher, not the record, refuses a counter it has seen. */
    @Test
    void shouldCarryAnySessionAndCounter() {
        Octets box = Octets.zeros(24);
        for (long value : new long[] {0, 1, Long.MAX_VALUE, Long.MIN_VALUE, -1}) {
            assertThat(new Sealed(value, 3, box).session()).isEqualTo(value);
            assertThat(new Sealed(3, value, box).counter()).isEqualTo(value);
            assertThat(new SessionUnknown(value, RESET_PROOF).session()).isEqualTo(value);
        }
        assertThat(new Sealed(0, 0, box).type()).isEqualTo(TrackerMessageType.SEALED);
        assertThat(new SessionUnknown(0, RESET_PROOF).type()).isEqualTo(TrackerMessageType.SESSION_UNKNOWN);
        assertThat(TrackerCodec.encode(new SessionUnknown(0, RESET_PROOF))).hasSize(TrackerWire.SESSION_UNKNOWN_SIZE)
                .hasSize(28);
        // Still smaller than the smallest SEALED it answers: it amplifies nothing.
        assertThat(TrackerWire.SESSION_UNKNOWN_SIZE)
                .isLessThan(TrackerWire.MIN_SEALED_MESSAGE_SIZE + Wire.SEALED_OVERHEAD);
    }

    /**
     * A LIST_PAGE travels inside a SEALED, so it is at most {@value TrackerWire#MAX_SEALED_MESSAGE_SIZE} bytes: 32
     * entries of one-byte names and one of 26 bytes fill it; a name one byte longer, or a 34th entry, is too much.
     */
    @Test
    void shouldRefuseAListPageLargerThanASealedCarries() {
        List<ListPage.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            entries.add(new ListPage.Entry("a", KEY));
        }
        List<ListPage.Entry> full = new ArrayList<>(entries);
        full.add(new ListPage.Entry("b".repeat(26), KEY));
        assertThat(TrackerCodec.encode(new ListPage(1, 0, 33, full))).hasSize(TrackerWire.MAX_SEALED_MESSAGE_SIZE);
        List<ListPage.Entry> oneByteMore = new ArrayList<>(entries);
        oneByteMore.add(new ListPage.Entry("b".repeat(27), KEY));
        assertThatThrownBy(() -> new ListPage(1, 0, 33, oneByteMore)).isInstanceOf(IllegalArgumentException.class);
        List<ListPage.Entry> mostEntries = new ArrayList<>(entries);
        mostEntries.add(new ListPage.Entry("a", KEY));
        assertThat(TrackerCodec.encode(new ListPage(1, 0, 33, mostEntries))).hasSize(17 + 33 * 34);
        mostEntries.add(new ListPage.Entry("a", KEY));
        assertThatThrownBy(() -> new ListPage(1, 0, 34, mostEntries)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCarryANameThatBreaksTheTrackerRule() {
        // The wire carries it, so the tracker can refuse it with NAME_INVALID instead of dropping it.
        Register register = register("Alice!", List.of());
        assertThat(Names.isValid(register.name())).isFalse();
    }

    @Test
    void shouldRefuseARelayOrRelayedWithAKeyOfTheWrongLength() {
        assertThat(new Relay(3, KEY, FRAME).target()).isEqualTo(KEY);
        assertThat(new Relayed(KEY, FRAME).sender()).isEqualTo(KEY);
        for (int length : new int[] {0, 1, Wire.KEY_SIZE - 1, Wire.KEY_SIZE + 1, Wire.SIGNATURE_SIZE}) {
            Octets key = Octets.zeros(length);
            assertThatThrownBy(() -> new Relay(3, key, FRAME)).as("target of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Relayed(key, FRAME)).as("sender of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Relay(3, null, FRAME)).isInstanceOf(NullPointerException.class)
                .hasMessage("target");
        assertThatThrownBy(() -> new Relayed(null, FRAME)).isInstanceOf(NullPointerException.class)
                .hasMessage("sender");
    }

    @Test
    void shouldRefuseARelayOrRelayedWithoutAPayload() {
        assertThatThrownBy(() -> new Relay(3, KEY, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("payload");
        assertThatThrownBy(() -> new Relayed(KEY, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("payload");
    }

    /**
     * A payload has 4 (a header's worth) to 1120 bytes, the largest peer frame, so that every RELAY fits a SEALED and
     * can be sent.
     */
    @Test
    void shouldRefuseARelayOrRelayedPayloadShorterThanAHeaderOrLongerThanTheLargestPeerFrame() {
        for (int length : new int[] {TrackerWire.MIN_RELAY_PAYLOAD, 16, Wire.MAX_PEER_DATAGRAM_SIZE}) {
            Octets payload = Octets.zeros(length);
            assertThat(new Relay(3, KEY, payload).payload()).as("%d bytes", length).isEqualTo(payload);
            assertThat(new Relayed(KEY, payload).payload()).as("%d bytes", length).isEqualTo(payload);
        }
        for (int length : new int[] {0, 1, TrackerWire.MIN_RELAY_PAYLOAD - 1, Wire.MAX_PEER_DATAGRAM_SIZE + 1,
            Wire.MAX_DATAGRAM_SIZE}) {
            Octets payload = Octets.zeros(length);
            assertThatThrownBy(() -> new Relay(3, KEY, payload)).as("%d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Relayed(KEY, payload)).as("%d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * The payload is opaque: a RELAY can be built around any bytes of the right length, a peer frame or not (a
     * tracker message's encoding, even another RELAY's), since it is the receiving peer that decodes them. The two
     * kinds of message stay apart as types, though: no record is both a tracker message and a peer frame.
     */
    @Test
    void shouldLetARelayCarryAnyBytesOfTheRightLength() {
        RandomTrackerMessages messages = new RandomTrackerMessages(0x5032_0010L);
        for (TrackerMessageType type : TrackerMessageType.values()) {
            TrackerMessage message = messages.next(type);
            byte[] encoded = TrackerCodec.encode(message);
            if (encoded.length <= Wire.MAX_PEER_DATAGRAM_SIZE) {
                Octets payload = Octets.of(encoded);
                assertThat(new Relay(3, KEY, payload).payload()).as(type.name()).isEqualTo(payload);
                assertThat(new Relayed(KEY, payload).payload()).as(type.name()).isEqualTo(payload);
            }
            assertThat(PeerFrame.class.isAssignableFrom(message.getClass())).as(type.name()).isFalse();
        }
        assertNoSubtypeIs(TrackerMessage.class, PeerFrame.class);
        assertNoSubtypeIs(PeerFrame.class, TrackerMessage.class);
        assertThat(TrackerMessage.class.isAssignableFrom(PeerFrame.Initiation.class)).isFalse();
        assertThat(PeerFrame.class.isAssignableFrom(Ok.class)).isFalse();
        assertThat(PeerFrame.class.isAssignableFrom(Relay.class)).isFalse();
    }

    /** Walks the sealed hierarchy under {@code sealed}: none of its interfaces and records is an {@code other}. */
    private static void assertNoSubtypeIs(Class<?> sealed, Class<?> other) {
        for (Class<?> subtype : sealed.getPermittedSubclasses()) {
            assertThat(other.isAssignableFrom(subtype)).as(subtype.getName()).isFalse();
            if (subtype.isSealed()) {
                assertNoSubtypeIs(subtype, other);
            }
        }
    }

    @Test
    void shouldReplaceOnlyTheSignatureWithWithSignature() {
        Octets other = octets(GoldenVectors.SIGNATURE);
        Register register = register("a", List.of(PRIVATE_V4));
        Rename rename = new Rename(1, octets(COOKIE), 2, "a", "b", SIGNATURE);
        Unregister unregister = new Unregister(1, octets(COOKIE), 2, "a", SIGNATURE);
        assertThat(register.withSignature(other))
                .isEqualTo(new Register(1, octets(COOKIE), "a", KEY, KEY, 0, List.of(PRIVATE_V4), SESSION_KEY, 5,
                        other));
        assertThat(rename.withSignature(other))
                .isEqualTo(new Rename(1, octets(COOKIE), 2, "a", "b", other));
        assertThat(unregister.withSignature(other))
                .isEqualTo(new Unregister(1, octets(COOKIE), 2, "a", other));
    }
}
