package dev.p2pchat.protocol.netty;

import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Turns datagrams into {@link TrackerMessage}s addressed with their sender: the tracker's pipeline. A datagram that
 * does not decode is dropped and reported to the {@link DecodeFailureListener}; it never reaches the next handler
 * and never raises an exception in the pipeline, so one bad datagram cannot disturb the channel.
 */
@Sharable
public final class TrackerMessageDecoder extends MessageToMessageDecoder<DatagramPacket> {
    public static final String NAME = "tracker-message-decoder";

    private final DecodeFailureListener failures;

    public TrackerMessageDecoder(DecodeFailureListener failures) {
        super(DatagramPacket.class);
        this.failures = failures;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        try {
            TrackerMessage message = TrackerCodec.decode(packet.content().nioBuffer());
            AddressedEnvelope<TrackerMessage, InetSocketAddress> envelope =
                    new DefaultAddressedEnvelope<>(message, packet.recipient(), packet.sender());
            out.add(envelope);
        } catch (ProtocolException e) {
            failures.dropped(packet.sender(), packet.content().readableBytes(), e);
        }
    }
}
