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
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Rename;
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
    private static final Octets SIGNATURE = Octets.zeros(Wire.SIGNATURE_SIZE);
    /** The smallest peer frame: a TRANSPORT sealing a one-byte link frame. */
    private static final Octets FRAME = Octets.of(PeerFrameCodec.encode(new PeerFrame.Transport(1, 2,
            Octets.zeros(17))));

    private static Register register(String name, List<InetSocketAddress> privateAddresses) {
        return new Register(1, octets(COOKIE), name, KEY, KEY, 0, privateAddresses, SIGNATURE);
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
        assertThatThrownBy(() -> new Registered(1, 2, 3, 4, noPort, octets(COOKIE)))
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
        assertThatThrownBy(() -> new CookieChallenge(1, Octets.zeros(15))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CookieChallenge(1, Octets.zeros(17))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ListPage.Entry("a", Octets.zeros(31)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Register(1, octets(COOKIE), "a", KEY, KEY, 0, List.of(), Octets.zeros(63)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ErrorReply(1, null)).isInstanceOf(NullPointerException.class);
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

    /** A payload has 4 (a header's worth) to 1156 bytes, the largest peer frame, so that every RELAY can be sent. */
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
                .isEqualTo(new Register(1, octets(COOKIE), "a", KEY, KEY, 0, List.of(PRIVATE_V4), other));
        assertThat(rename.withSignature(other))
                .isEqualTo(new Rename(1, octets(COOKIE), 2, "a", "b", other));
        assertThat(unregister.withSignature(other))
                .isEqualTo(new Unregister(1, octets(COOKIE), 2, "a", other));
    }
}
