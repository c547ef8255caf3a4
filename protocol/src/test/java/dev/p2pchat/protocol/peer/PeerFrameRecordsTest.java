package dev.p2pchat.protocol.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.peer.PeerFrame.CookieReply;
import dev.p2pchat.protocol.peer.PeerFrame.Finish;
import dev.p2pchat.protocol.peer.PeerFrame.Initiation;
import dev.p2pchat.protocol.peer.PeerFrame.Response;
import dev.p2pchat.protocol.peer.PeerFrame.Transport;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Records refuse what the wire cannot carry, so that every peer frame that exists can be encoded. */
@Timeout(10)
class PeerFrameRecordsTest {
    private static final Octets MAC = Octets.zeros(16);

    private static Initiation initiation(FrameType type, int noise) {
        return new Initiation(type, 1, Octets.zeros(noise), MAC, MAC);
    }

    @Test
    void shouldAcceptAnInitiationOfEachPatternWithItsNoiseMessage() {
        assertThat(initiation(FrameType.INITIATION_IK, 241).type()).isEqualTo(FrameType.INITIATION_IK);
        assertThat(initiation(FrameType.INITIATION_XX, 213).type()).isEqualTo(FrameType.INITIATION_XX);
    }

    @Test
    void shouldRefuseAnInitiationOfAnotherTypeOrNoiseMessageSize() {
        for (FrameType type : EnumSet.complementOf(EnumSet.of(FrameType.INITIATION_IK, FrameType.INITIATION_XX))) {
            assertThatThrownBy(() -> initiation(type, 241)).as("%s", type)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> initiation(null, 241)).isInstanceOf(IllegalArgumentException.class);
        for (int noise : new int[] {0, 213, 240, 242}) {
            assertThatThrownBy(() -> initiation(FrameType.INITIATION_IK, noise)).as("IK with %d bytes", noise)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (int noise : new int[] {0, 212, 214, 241}) {
            assertThatThrownBy(() -> initiation(FrameType.INITIATION_XX, noise)).as("XX with %d bytes", noise)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldRefuseAnInitiationWithMacsOfTheWrongSize() {
        Octets noise = Octets.zeros(241);
        for (int length : new int[] {0, 15, 17, 32}) {
            Octets mac = Octets.zeros(length);
            assertThatThrownBy(() -> new Initiation(FrameType.INITIATION_IK, 1, noise, mac, MAC))
                    .as("mac1 of %d bytes", length).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Initiation(FrameType.INITIATION_IK, 1, noise, MAC, mac))
                    .as("mac2 of %d bytes", length).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Initiation(FrameType.INITIATION_IK, 1, null, MAC, MAC))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Initiation(FrameType.INITIATION_IK, 1, noise, null, MAC))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Initiation(FrameType.INITIATION_IK, 1, noise, MAC, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldRefuseAResponseOfAnotherTypeOrNoiseMessageSize() {
        assertThat(new Response(FrameType.RESPONSE_IK, 1, 2, Octets.zeros(193)).type())
                .isEqualTo(FrameType.RESPONSE_IK);
        assertThat(new Response(FrameType.RESPONSE_XX, 1, 2, Octets.zeros(241)).type())
                .isEqualTo(FrameType.RESPONSE_XX);
        for (FrameType type : EnumSet.complementOf(EnumSet.of(FrameType.RESPONSE_IK, FrameType.RESPONSE_XX))) {
            assertThatThrownBy(() -> new Response(type, 1, 2, Octets.zeros(193))).as("%s", type)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (int noise : new int[] {0, 192, 194, 241}) {
            assertThatThrownBy(() -> new Response(FrameType.RESPONSE_IK, 1, 2, Octets.zeros(noise)))
                    .as("IK with %d bytes", noise).isInstanceOf(IllegalArgumentException.class);
        }
        for (int noise : new int[] {0, 193, 240, 242}) {
            assertThatThrownBy(() -> new Response(FrameType.RESPONSE_XX, 1, 2, Octets.zeros(noise)))
                    .as("XX with %d bytes", noise).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Response(FrameType.RESPONSE_IK, 1, 2, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldRefuseAFinishWithANoiseMessageOfAnotherSize() {
        assertThat(new Finish(1, Octets.zeros(209)).type()).isEqualTo(FrameType.FINISH_XX);
        for (int noise : new int[] {0, 208, 210, 241}) {
            assertThatThrownBy(() -> new Finish(1, Octets.zeros(noise))).as("%d bytes", noise)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Finish(1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldRefuseACookieReplyWithANonceOrSealedCookieOfAnotherSize() {
        assertThat(new CookieReply(1, Octets.zeros(12), Octets.zeros(32)).type()).isEqualTo(FrameType.COOKIE_REPLY);
        for (int length : new int[] {0, 11, 13, 16}) {
            assertThatThrownBy(() -> new CookieReply(1, Octets.zeros(length), Octets.zeros(32)))
                    .as("nonce of %d bytes", length).isInstanceOf(IllegalArgumentException.class);
        }
        for (int length : new int[] {0, 16, 31, 33}) {
            assertThatThrownBy(() -> new CookieReply(1, Octets.zeros(12), Octets.zeros(length)))
                    .as("sealed cookie of %d bytes", length).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new CookieReply(1, null, Octets.zeros(32))).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CookieReply(1, Octets.zeros(12), null)).isInstanceOf(NullPointerException.class);
    }

    /** A link frame of 1 to 1088 bytes and its tag: 17 to 1104 sealed bytes, 33 to 1120 in the frame. */
    @Test
    void shouldAcceptATransportOnlyOfSealedBytesThatFitOnePeerDatagram() {
        for (int sealed : new int[] {17, 18, 600, 1103, 1104}) {
            assertThat(new Transport(1, 0, Octets.zeros(sealed)).type()).as("%d bytes", sealed)
                    .isEqualTo(FrameType.TRANSPORT);
        }
        for (int sealed : new int[] {0, 1, 16, 1105, 1140, 1184, 2000}) {
            assertThatThrownBy(() -> new Transport(1, 0, Octets.zeros(sealed))).as("%d bytes", sealed)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Transport(1, 0, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void shouldCarryAnyIndexAndCounter() {
        Transport transport = new Transport(-1, -1, Octets.zeros(17));
        assertThat(transport.receiverIndex()).isEqualTo(0xFFFF_FFFF);
        assertThat(transport.counter()).isEqualTo(0xFFFF_FFFF_FFFF_FFFFL);
        assertThat(new Response(FrameType.RESPONSE_IK, Integer.MIN_VALUE, 0, Octets.zeros(193)).senderIndex())
                .isEqualTo(0x8000_0000);
    }
}
