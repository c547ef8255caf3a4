package dev.p2pchat.protocol.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TrackerMessageEncoderTest {
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 7000);
    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.1", 40000);

    private final List<ByteBuf> buffers = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeAll
    static void detectEveryLeak() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @BeforeEach
    void openChannel() {
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(TrackerMessageEncoder.NAME, new TrackerMessageEncoder());
    }

    @AfterEach
    void everyBufferReleased() {
        assertThat(channel.finishAndReleaseAll()).as("nothing left in the channel").isFalse();
        assertThat(buffers).allSatisfy(buffer -> assertThat(buffer.refCnt()).isZero());
    }

    private DatagramPacket writeAndRead(AddressedEnvelope<TrackerMessage, InetSocketAddress> envelope) {
        assertThat(channel.writeOutbound(envelope)).isTrue();
        DatagramPacket packet = channel.readOutbound();
        buffers.add(packet.content());
        return packet;
    }

    @Test
    void shouldEncodeAnEnvelopeIntoADatagramWithTheExactBytesAndRecipient() {
        DatagramPacket packet = writeAndRead(
                new DefaultAddressedEnvelope<>(new ErrorReply(0x0A0B0C0D, ErrorCode.NAME_TAKEN), PEER, LOCAL));
        try {
            assertThat(ByteBufUtil.getBytes(packet.content())).isEqualTo(HexFormat.of().parseHex("5032010f0a0b0c0d02"));
            assertThat(packet.recipient()).isEqualTo(PEER);
            assertThat(packet.sender()).isEqualTo(LOCAL);
        } finally {
            packet.release();
        }
        assertThat(channel.<Object>readOutbound()).isNull();
    }

    @Test
    void shouldEncodeWithoutASender() {
        DatagramPacket packet = writeAndRead(new DefaultAddressedEnvelope<>(new Ok(14), PEER));
        try {
            assertThat(ByteBufUtil.getBytes(packet.content())).isEqualTo(HexFormat.of().parseHex("5032010e0000000e"));
            assertThat(packet.recipient()).isEqualTo(PEER);
            assertThat(packet.sender()).isNull();
        } finally {
            packet.release();
        }
    }

    @Test
    void shouldEncodeADatagramOfTheFullSize() {
        // A SEALED of the largest box: 20 bytes of header, session and counter, 1164 of message and 16 of tag.
        byte[] box = new byte[1180];
        Arrays.fill(box, (byte) 0xAB);
        Sealed sealed = new Sealed(0x0102030405060708L, 9, Octets.of(box));
        DatagramPacket packet = writeAndRead(new DefaultAddressedEnvelope<>(sealed, PEER));
        try {
            byte[] bytes = ByteBufUtil.getBytes(packet.content());
            assertThat(bytes).hasSize(Wire.MAX_DATAGRAM_SIZE);
            assertThat(bytes).startsWith(HexFormat.of().parseHex("50320112" + "0102030405060708" + "0000000000000009"
                    + "abab"));
            assertThat(bytes).endsWith(box);
        } finally {
            packet.release();
        }
    }

    @Test
    void shouldEncodeTheLargestListPageThatASealedCarries() {
        // 33 entries: 32 with the name "a" and one with a 26-byte name fill 1164 bytes, the most a SEALED carries.
        List<ListPage.Entry> entries = new ArrayList<>();
        Octets key = Octets.zeros(Wire.KEY_SIZE);
        for (int i = 0; i < 32; i++) {
            entries.add(new ListPage.Entry("a", key));
        }
        entries.add(new ListPage.Entry("b".repeat(26), key));
        DatagramPacket packet = writeAndRead(new DefaultAddressedEnvelope<>(new ListPage(1, 0, 33, entries), PEER));
        try {
            byte[] bytes = ByteBufUtil.getBytes(packet.content());
            assertThat(bytes).hasSize(Wire.MAX_DATAGRAM_SIZE - Wire.SEALED_OVERHEAD);
            assertThat(bytes).startsWith(HexFormat.of().parseHex("5032010b" + "00000001" + "00000000" + "00000021"
                    + "21" + "0161"));
            assertThat(bytes).endsWith(HexFormat.of().parseHex("1a" + "62".repeat(26) + "00".repeat(32)));
        } finally {
            packet.release();
        }
    }

    @Test
    void shouldRoundTripThroughTheDecoder() {
        List<Reason> drops = new ArrayList<>();
        EmbeddedChannel receiver = new EmbeddedChannel(
                new TrackerMessageDecoder((sender, bytes, failure) -> drops.add(failure.reason())));
        TrackerMessage message = new ErrorReply(7, ErrorCode.NOT_FOUND);
        DatagramPacket packet = writeAndRead(new DefaultAddressedEnvelope<>(message, PEER, LOCAL));

        // The receiving side sees the datagram as coming from the encoder's side.
        assertThat(receiver.writeInbound(new DatagramPacket(packet.content(), PEER, LOCAL))).isTrue();
        AddressedEnvelope<TrackerMessage, InetSocketAddress> received = receiver.readInbound();
        assertThat(received.content()).isEqualTo(message);
        assertThat(received.sender()).isEqualTo(LOCAL);
        received.release();
        assertThat(drops).isEmpty();
        assertThat(receiver.finishAndReleaseAll()).isFalse();
    }

    /** Peer frames go out through the peers' own encoder: the tracker's leaves their envelopes alone. */
    @Test
    void shouldPassOnAnEnvelopeOfAPeerFrame() {
        AddressedEnvelope<PeerFrame, InetSocketAddress> envelope =
                new DefaultAddressedEnvelope<>(new PeerFrame.Transport(1, 2, Octets.zeros(17)), PEER, LOCAL);
        assertThat(channel.writeOutbound(envelope)).isTrue();
        AddressedEnvelope<PeerFrame, InetSocketAddress> passed = channel.readOutbound();
        assertThat(passed).isSameAs(envelope);
    }

    @Test
    void shouldPassOnWhatIsNotAMessageEnvelope() {
        ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        DatagramPacket datagram = new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {4}), PEER);
        buffers.add(raw);
        buffers.add(datagram.content());

        assertThat(channel.writeOutbound(raw, datagram)).isTrue();
        ByteBuf passedRaw = channel.readOutbound();
        DatagramPacket passedDatagram = channel.readOutbound();
        assertThat(passedRaw).isSameAs(raw);
        assertThat(passedDatagram).isSameAs(datagram);
        passedRaw.release();
        passedDatagram.release();
    }
}
