package dev.p2pchat.protocol.stun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class StunBindingTest {
    private static final HexFormat HEX = HexFormat.of();
    /** The transaction id of RFC 5769's sample messages. */
    private static final byte[] TXID = HEX.parseHex("b7e7a701bc34d686fa87dfae");

    private static ByteBuffer hex(String bytes) {
        return ByteBuffer.wrap(HEX.parseHex(bytes.replace(" ", "")));
    }

    @Test
    void shouldEncodeTheMappedAddressAsRfc5769sSampleResponsesDo() throws Exception {
        byte[] v4 = StunBinding.bindingSuccess(TXID, new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));
        byte[] v6 = StunBinding.bindingSuccess(TXID, new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853));

        // RFC 5769 sections 2.2 and 2.3: header, then the XOR-MAPPED-ADDRESS attribute byte for byte.
        assertThat(HEX.formatHex(v4)).isEqualTo("0101000c" + "2112a442" + "b7e7a701bc34d686fa87dfae"
                + "00200008" + "0001a147" + "e112a643");
        assertThat(HEX.formatHex(v6)).isEqualTo("01010018" + "2112a442" + "b7e7a701bc34d686fa87dfae"
                + "00200014" + "0002a147" + "0113a9fa" + "a5d3f179" + "bc25f4b5" + "bed2b9d9");
        assertThat(v6).hasSize(StunBinding.MAX_RESPONSE_SIZE);
        assertThat(StunBinding.mappedAddress(ByteBuffer.wrap(v4), TXID))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));
        assertThat(StunBinding.mappedAddress(ByteBuffer.wrap(v6), TXID)).isEqualTo(new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853));
    }

    @Test
    void shouldReadTheMappedAddressOnlyFromAnAnswerToItsOwnTransaction() throws Exception {
        byte[] answer = StunBinding.bindingSuccess(TXID, new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 9));
        byte[] otherId = TXID.clone();
        otherId[0]++;

        assertThat(StunBinding.mappedAddress(ByteBuffer.wrap(answer), otherId)).isNull();
        assertThat(StunBinding.mappedAddress(hex("0001 0000 2112a442 b7e7a701bc34d686fa87dfae"), TXID)).isNull();
        // a SOFTWARE attribute before the address is skipped
        assertThat(StunBinding.mappedAddress(hex("0101 0014 2112a442 b7e7a701bc34d686fa87dfae 8022 0003 61626300"
                + " 0020 0008 0001 a147 e112a643"), TXID))
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853));
        assertThat(StunBinding.mappedAddress(hex("0101 0008 2112a442 b7e7a701bc34d686fa87dfae 0020 0010"), TXID))
                .isNull();
    }

    @Test
    void shouldReadTheTransactionIdOfABindingRequestWithOrWithoutAttributes() {
        assertThat(StunBinding.bindingRequest(hex("0001 0000 2112a442 b7e7a701bc34d686fa87dfae"))).isEqualTo(TXID);
        // SOFTWARE "abc" (padded to 4) and FINGERPRINT: read past, not interpreted
        ByteBuffer withAttributes = hex("0001 0010 2112a442 b7e7a701bc34d686fa87dfae 8022 0003 61626300"
                + " 8028 0004 0badf00d");
        withAttributes.position(0);
        assertThat(StunBinding.bindingRequest(withAttributes)).isEqualTo(TXID);
        assertThat(withAttributes.position()).as("position kept").isZero();
    }

    @Test
    void shouldRefuseWhatIsNotAWellFormedBindingRequest() {
        // a Binding success response, an Allocate request, lengths that disagree, an attribute running past the end
        assertThat(StunBinding.bindingRequest(hex("0101 0000 2112a442 b7e7a701bc34d686fa87dfae"))).isNull();
        assertThat(StunBinding.bindingRequest(hex("0003 0000 2112a442 b7e7a701bc34d686fa87dfae"))).isNull();
        assertThat(StunBinding.bindingRequest(hex("0001 0004 2112a442 b7e7a701bc34d686fa87dfae"))).isNull();
        assertThat(StunBinding.bindingRequest(hex("0001 0002 2112a442 b7e7a701bc34d686fa87dfae 0000"))).isNull();
        assertThat(StunBinding.bindingRequest(hex("0001 0004 2112a442 b7e7a701bc34d686fa87dfae 8022 0008")))
                .isNull();
        assertThat(StunBinding.bindingRequest(hex("0001 0000 2112a443 b7e7a701bc34d686fa87dfae"))).isNull();
        assertThat(StunBinding.bindingRequest(hex("0001 0000 2112a442 b7e7a701bc34d686fa87df"))).isNull();
    }

    @Test
    void shouldNeverTakeAP2pchatDatagramForStun() {
        byte[] cookieRequest = TrackerCodec.encode(new TrackerMessage.CookieRequest(42));
        assertThat(StunBinding.isStun(ByteBuffer.wrap(cookieRequest))).isFalse();
        assertThat(StunBinding.mayBeStun(cookieRequest[0])).as("told apart on the first byte").isFalse();
        byte[] transport = PeerFrameCodec.encode(new PeerFrame.Transport(1, 2, Octets.zeros(17)));
        assertThat(StunBinding.isStun(ByteBuffer.wrap(transport))).isFalse();
        assertThat(StunBinding.mayBeStun(transport[0])).as("a peer frame too").isFalse();
        assertThat(StunBinding.isStun(hex("0001 0000 2112a442 b7e7a701bc34d686fa87dfae"))).isTrue();
    }
}
