package dev.p2pchat.protocol.peer;

import static dev.p2pchat.protocol.GoldenVectors.IDENTITY_KEY;
import static dev.p2pchat.protocol.GoldenVectors.octets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.GoldenVectors;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerFrame.Ack;
import dev.p2pchat.protocol.peer.PeerFrame.Data;
import dev.p2pchat.protocol.peer.PeerFrame.Hello;
import dev.p2pchat.protocol.peer.PeerFrame.HelloAck;
import dev.p2pchat.protocol.peer.PeerFrame.PeerMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Records refuse what the wire cannot carry, so that every frame that exists can be encoded. */
@Timeout(10)
class PeerFrameRecordsTest {
    private static final Octets KEY = octets(IDENTITY_KEY);
    private static final Octets SIGNATURE = Octets.zeros(Wire.SIGNATURE_SIZE);

    private static Data data(int fragment, int fragments, int payloadLength) {
        return new Data(1, 1, ContentKind.TEXT, fragment, fragments, Octets.zeros(payloadLength));
    }

    @Test
    void shouldAcceptDataAtTheLimitsOfTheWire() {
        assertThat(data(0, 1, 0).payload().length()).isZero();
        assertThat(data(58, 59, 1125).payload().length()).isEqualTo(PeerWire.MAX_FRAGMENT_PAYLOAD);
        assertThat(data(0, PeerWire.MAX_FRAGMENTS, 1).fragments()).isEqualTo(59);
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
        assertThat(new Ack(1, 1, 58).fragment()).isEqualTo(PeerWire.MAX_FRAGMENTS - 1);
        assertThatThrownBy(() -> new Ack(1, 1, 59)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ack(1, 1, -1)).isInstanceOf(IllegalArgumentException.class);
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

    /**
     * The greetings are the signed frames; every other frame is a message within a conversation, addressed by the
     * session id its receiver chose.
     */
    @Test
    void shouldSignOnlyTheGreetingsAndAddressEveryOtherFrameByItsSession() {
        RandomPeerFrames frames = new RandomPeerFrames(0x5032_0010L);
        for (FrameType type : FrameType.values()) {
            PeerFrame frame = frames.next(type);
            boolean greeting = type == FrameType.HELLO || type == FrameType.HELLO_ACK;
            assertThat(frame instanceof PeerFrame.Signed).as(type.name()).isEqualTo(greeting);
            assertThat(frame instanceof dev.p2pchat.protocol.Signed).as(type.name()).isEqualTo(greeting);
            assertThat(frame instanceof PeerMessage).as(type.name()).isEqualTo(!greeting);
            assertThat(frame.type()).isSameAs(type);
        }
    }
}
