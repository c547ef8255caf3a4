package dev.p2pchat.protocol.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.GoldenVectors;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class TrackerMessageDecoderTest {
    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress RECIPIENT = new InetSocketAddress("127.0.0.1", 7000);
    /** OK, txid 14, written by hand. */
    private static final byte[] OK_DATAGRAM = HexFormat.of().parseHex("5032010e0000000e");

    /** One dropped datagram as the listener saw it. */
    record Drop(InetSocketAddress sender, int bytes, Reason reason) {}

    private final List<Drop> drops = new ArrayList<>();
    private final List<ByteBuf> buffers = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeAll
    static void detectEveryLeak() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @BeforeEach
    void openChannel() {
        DecodeFailureListener listener = (sender, bytes, failure) -> drops.add(new Drop(sender, bytes,
                failure.reason()));
        channel = new EmbeddedChannel();
        channel.pipeline().addLast(TrackerMessageDecoder.NAME, new TrackerMessageDecoder(listener));
    }

    @AfterEach
    void everyBufferReleased() {
        assertThat(channel.finishAndReleaseAll()).as("nothing left in the channel").isFalse();
        assertThat(buffers).allSatisfy(buffer -> assertThat(buffer.refCnt()).isZero());
    }

    private DatagramPacket packet(ByteBufAllocator allocator, boolean direct, byte[] bytes) {
        ByteBuf buffer = direct ? allocator.directBuffer(bytes.length) : allocator.heapBuffer(bytes.length);
        buffers.add(buffer.writeBytes(bytes));
        return new DatagramPacket(buffer, RECIPIENT, SENDER);
    }

    private DatagramPacket packet(byte[] bytes) {
        return packet(PooledByteBufAllocator.DEFAULT, true, bytes);
    }

    static Stream<Arguments> bufferKinds() {
        return Stream.of(
                Arguments.of("pooled direct", PooledByteBufAllocator.DEFAULT, true),
                Arguments.of("pooled heap", PooledByteBufAllocator.DEFAULT, false),
                Arguments.of("unpooled direct", UnpooledByteBufAllocator.DEFAULT, true),
                Arguments.of("unpooled heap", UnpooledByteBufAllocator.DEFAULT, false),
                Arguments.of("default direct", ByteBufAllocator.DEFAULT, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bufferKinds")
    void shouldDecodeADatagramIntoAnEnvelopeThatKeepsTheSender(
            String description, ByteBufAllocator allocator, boolean direct) {
        assertThat(channel.writeInbound(packet(allocator, direct, OK_DATAGRAM))).isTrue();

        AddressedEnvelope<TrackerMessage, InetSocketAddress> envelope = channel.readInbound();
        assertThat(envelope.content()).isEqualTo(new Ok(14));
        assertThat(envelope.sender()).isEqualTo(SENDER);
        assertThat(envelope.recipient()).isEqualTo(RECIPIENT);
        envelope.release();
        assertThat(drops).isEmpty();
    }

    @Test
    void shouldDecodeADatagramInAHeapBufferAtAnOffset() {
        ByteBuf buffer = Unpooled.buffer(64).writeBytes(new byte[] {1, 2, 3}).writeBytes(OK_DATAGRAM);
        buffer.readerIndex(3);
        buffers.add(buffer);
        assertThat(channel.writeInbound(new DatagramPacket(buffer, RECIPIENT, SENDER))).isTrue();

        AddressedEnvelope<TrackerMessage, InetSocketAddress> envelope = channel.readInbound();
        assertThat(envelope.content()).isEqualTo(new Ok(14));
        envelope.release();
    }

    @Test
    void shouldDecodeADatagramSplitOverACompositeBuffer() {
        ByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.wrappedBuffer(OK_DATAGRAM, 0, 3))
                .addComponent(true, Unpooled.directBuffer().writeBytes(OK_DATAGRAM, 3, OK_DATAGRAM.length - 3));
        buffers.add(composite);
        assertThat(channel.writeInbound(new DatagramPacket(composite, RECIPIENT, SENDER))).isTrue();

        AddressedEnvelope<TrackerMessage, InetSocketAddress> envelope = channel.readInbound();
        assertThat(envelope.content()).isEqualTo(new Ok(14));
        envelope.release();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("empty", "", Reason.TOO_SHORT),
                Arguments.of("bad magic", "5033010e0000000e", Reason.BAD_MAGIC),
                Arguments.of("version 2", "5032020e0000000e", Reason.BAD_VERSION),
                Arguments.of("undefined peer-to-peer type", "503201470000000e", Reason.UNKNOWN_TYPE),
                // Peer frames are no tracker messages, whatever is wrong or right with them.
                Arguments.of("a TRANSPORT of the smallest size", "50320146" + "01020304" + "0000000000000005"
                        + "ab".repeat(17), Reason.UNKNOWN_TYPE),
                Arguments.of("an INITIATION_XX", "50320141" + "00".repeat(249), Reason.UNKNOWN_TYPE),
                Arguments.of("a COOKIE_REPLY", "50320145" + "00".repeat(48), Reason.UNKNOWN_TYPE),
                Arguments.of("RELAY carrying 3 bytes", "50320110" + "0102030405060708" + "00".repeat(32)
                        + "503201", Reason.TRUNCATED),
                Arguments.of("RELAYED carrying 1121 bytes", "50320111" + "00".repeat(32) + "ab".repeat(1121),
                        Reason.BAD_FIELD),
                Arguments.of("SEALED of a box too short for an OK and its tag", "50320112" + "00".repeat(16)
                        + "ab".repeat(23), Reason.TRUNCATED),
                Arguments.of("truncated", "5032010e000000", Reason.TRUNCATED),
                Arguments.of("trailing byte", "5032010e0000000e00", Reason.TRAILING_BYTES),
                Arguments.of("unknown error code", "5032010f0000000e0b", Reason.BAD_FIELD),
                Arguments.of("one byte too long", "5032010e" + "00".repeat(Wire.MAX_DATAGRAM_SIZE - 3),
                        Reason.TOO_LONG));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void shouldDropAMalformedDatagramAndReportItsReason(String description, String hex, Reason reason) {
        byte[] bytes = HexFormat.of().parseHex(hex);

        assertThat(channel.writeInbound(packet(bytes))).as("nothing passed on")
                .isFalse();

        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(drops).containsExactly(new Drop(SENDER, bytes.length, reason));
        channel.checkException();
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.isActive()).isTrue();
    }

    /** The tracker passes a relayed payload on without reading it: a frame the receiver will drop included. */
    @Test
    void shouldPassOnARelayWhosePayloadIsNoValidPeerFrame() {
        byte[] corruptPing = HexFormat.of().parseHex("50320142" + "1020304050607080" + "80000001" + "eb50a390");
        byte[] relay = GoldenVectors.hex("50320110", GoldenVectors.RELAY_TOKEN, GoldenVectors.IDENTITY_KEY,
                HexFormat.of().formatHex(corruptPing));
        assertThat(channel.writeInbound(packet(relay))).isTrue();

        AddressedEnvelope<TrackerMessage, InetSocketAddress> envelope = channel.readInbound();
        assertThat(envelope.content()).isInstanceOfSatisfying(Relay.class,
                carried -> assertThat(carried.payload().toByteArray()).isEqualTo(corruptPing));
        envelope.release();
        assertThat(drops).isEmpty();
    }

    @Test
    void shouldKeepDecodingAfterDroppingGarbage() throws ProtocolException {
        for (int i = 0; i < 100; i++) {
            channel.writeInbound(packet(new byte[] {(byte) i, 1, 2, 3, 4}));
        }
        channel.writeInbound(packet(OK_DATAGRAM));

        assertThat(drops).hasSize(100);
        AddressedEnvelope<TrackerMessage, InetSocketAddress> envelope = channel.readInbound();
        assertThat(envelope.content()).isEqualTo(TrackerCodec.decode(OK_DATAGRAM));
        envelope.release();
        assertThat(channel.<Object>readInbound()).isNull();
        channel.checkException();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void shouldPassOnWhatIsNotADatagram() {
        ByteBuf notADatagram = Unpooled.wrappedBuffer(OK_DATAGRAM);
        buffers.add(notADatagram);
        assertThat(channel.writeInbound(notADatagram)).isTrue();
        ByteBuf passed = channel.readInbound();
        assertThat(passed).isSameAs(notADatagram);
        passed.release();
        assertThat(drops).isEmpty();
    }
}
