package dev.p2pchat.protocol;

import static dev.p2pchat.protocol.GoldenVectors.COOKIE;
import static dev.p2pchat.protocol.GoldenVectors.IDENTITY_KEY;
import static dev.p2pchat.protocol.GoldenVectors.PRIVATE_V4;
import static dev.p2pchat.protocol.GoldenVectors.octets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Message.Ack;
import dev.p2pchat.protocol.Message.CookieChallenge;
import dev.p2pchat.protocol.Message.Data;
import dev.p2pchat.protocol.Message.ErrorReply;
import dev.p2pchat.protocol.Message.Hello;
import dev.p2pchat.protocol.Message.HelloAck;
import dev.p2pchat.protocol.Message.Keepalive;
import dev.p2pchat.protocol.Message.ListPage;
import dev.p2pchat.protocol.Message.Lookup;
import dev.p2pchat.protocol.Message.Ok;
import dev.p2pchat.protocol.Message.Ping;
import dev.p2pchat.protocol.Message.Register;
import dev.p2pchat.protocol.Message.Registered;
import dev.p2pchat.protocol.Message.Relay;
import dev.p2pchat.protocol.Message.Relayed;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Records refuse what the wire cannot carry, so that every record that exists can be encoded. */
@Timeout(10)
class MessageRecordsTest {
    private static final Octets KEY = octets(IDENTITY_KEY);
    private static final Octets SIGNATURE = Octets.zeros(Wire.SIGNATURE_SIZE);

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

    private static Data data(int fragment, int fragments, int payloadLength) {
        return new Data(1, 1, ContentKind.TEXT, fragment, fragments, Octets.zeros(payloadLength));
    }

    @Test
    void shouldAcceptDataAtTheLimitsOfTheWire() {
        assertThat(data(0, 1, 0).payload().length()).isZero();
        assertThat(data(58, 59, 1125).payload().length()).isEqualTo(Wire.MAX_FRAGMENT_PAYLOAD);
        assertThat(data(0, Wire.MAX_FRAGMENTS, 1).fragments()).isEqualTo(59);
    }

    @Test
    void shouldRefuseDataTheWireCannotCarry() {
        assertThatThrownBy(() -> data(0, 0, 0)).as("no fragments").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> data(0, 60, 0)).as("60 fragments").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> data(-1, 1, 0)).as("fragment -1").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> data(3, 3, 0)).as("fragment 3 of 3").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> data(0, 1, 1126)).as("1126-byte payload")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Data(1, 1, null, 0, 1, Octets.zeros(0))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Data(1, 1, ContentKind.TEXT, 0, 1, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldRefuseAnAckForAFragmentTheWireCannotCarry() {
        assertThat(new Ack(1, 1, 0).fragment()).isZero();
        assertThat(new Ack(1, 1, 58).fragment()).isEqualTo(Wire.MAX_FRAGMENTS - 1);
        assertThatThrownBy(() -> new Ack(1, 1, 59)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ack(1, 1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseARelayOrRelayedWithAKeyOfTheWrongLength() {
        Ping ping = new Ping(1, 2);
        assertThat(new Relay(3, KEY, ping).target()).isEqualTo(KEY);
        assertThat(new Relayed(KEY, ping).sender()).isEqualTo(KEY);
        for (int length : new int[] {0, 1, Wire.KEY_SIZE - 1, Wire.KEY_SIZE + 1, Wire.SIGNATURE_SIZE}) {
            Octets key = Octets.zeros(length);
            assertThatThrownBy(() -> new Relay(3, key, ping)).as("target of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Relayed(key, ping)).as("sender of %d bytes", length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Relay(3, null, ping)).isInstanceOf(NullPointerException.class)
                .hasMessage("target");
        assertThatThrownBy(() -> new Relayed(null, ping)).isInstanceOf(NullPointerException.class)
                .hasMessage("sender");
    }

    @Test
    void shouldRefuseARelayOrRelayedWithoutADatagram() {
        assertThatThrownBy(() -> new Relay(3, KEY, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("datagram");
        assertThatThrownBy(() -> new Relayed(KEY, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("datagram");
    }

    @Test
    void shouldLetARelayCarryExactlyThePeerToPeerMessages() {
        // PeerDatagram is what RELAY and RELAYED carry: the types 0x40-0x46, so no tracker message (and no RELAY
        // inside a RELAY) can even be built into one.
        RandomMessages messages = new RandomMessages(0x5032_0010L);
        for (MessageType type : MessageType.values()) {
            Message message = messages.next(type);
            assertThat(message instanceof Message.PeerDatagram).as(type.name())
                    .isEqualTo(Wire.hasChecksum(type.code()));
            if (message instanceof Message.PeerDatagram datagram) {
                assertThat(new Relay(3, KEY, datagram).datagram()).isSameAs(datagram);
                assertThat(new Relayed(KEY, datagram).datagram()).isSameAs(datagram);
            }
        }
        assertThat(Message.PeerDatagram.class.isAssignableFrom(Ok.class)).isFalse();
        assertThat(Message.PeerDatagram.class.isAssignableFrom(Relay.class)).isFalse();
        assertThat(Message.PeerDatagram.class.isAssignableFrom(Relayed.class)).isFalse();
        assertThat(Message.PeerDatagram.class.isAssignableFrom(Hello.class)).isTrue();
        assertThat(Message.PeerDatagram.class.isAssignableFrom(HelloAck.class)).isTrue();
    }

    @Test
    void shouldRefuseAHelloOrHelloAckWithFieldsOfTheWrongShape() {
        Octets shortKey = Octets.zeros(31);
        Octets shortSignature = Octets.zeros(63);
        assertThat(new Hello(1, 2, "a", KEY, KEY, 0, SIGNATURE).name()).isEqualTo("a");
        assertThat(new HelloAck(1, 2, "!".repeat(32), KEY, KEY, 0, SIGNATURE).name()).hasSize(32);
        for (String name : new String[] {"", "a".repeat(33), "a b", "caf\u00e9"}) {
            assertThatThrownBy(() -> new Hello(1, 2, name, KEY, KEY, 0, SIGNATURE)).as(name)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new HelloAck(1, 2, name, KEY, KEY, 0, SIGNATURE)).as(name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Hello(1, 2, "a", shortKey, KEY, 0, SIGNATURE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hello(1, 2, "a", KEY, shortKey, 0, SIGNATURE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hello(1, 2, "a", KEY, KEY, 0, shortSignature))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HelloAck(1, 2, "a", shortKey, KEY, 0, SIGNATURE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HelloAck(1, 2, "a", KEY, shortKey, 0, SIGNATURE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HelloAck(1, 2, "a", KEY, KEY, 0, shortSignature))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hello(1, 2, null, KEY, KEY, 0, SIGNATURE))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new HelloAck(1, 2, "a", KEY, KEY, 0, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldReplaceOnlyTheSignatureWithWithSignature() {
        Octets other = octets(GoldenVectors.SIGNATURE);
        Hello hello = new Hello(1, 2, "a", KEY, KEY, 3, SIGNATURE);
        HelloAck ack = new HelloAck(1, 2, "a", KEY, KEY, 3, SIGNATURE);
        assertThat(hello.withSignature(other)).isEqualTo(new Hello(1, 2, "a", KEY, KEY, 3, other));
        assertThat(ack.withSignature(other)).isEqualTo(new HelloAck(1, 2, "a", KEY, KEY, 3, other));
    }
}
