package dev.p2pchat.protocol.netty;

import dev.p2pchat.protocol.Message;
import dev.p2pchat.protocol.MessageCodec;
import dev.p2pchat.protocol.ProtocolException;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Turns datagrams into {@link Message}s addressed with their sender. A datagram that does not decode is dropped
 * and reported to the {@link DecodeFailureListener}; it never reaches the next handler and never raises an
 * exception in the pipeline, so one bad datagram cannot disturb the channel.
 */
@Sharable
public final class DatagramMessageDecoder extends MessageToMessageDecoder<DatagramPacket> {
    public static final String NAME = "message-decoder";

    private final DecodeFailureListener failures;

    public DatagramMessageDecoder(DecodeFailureListener failures) {
        super(DatagramPacket.class);
        this.failures = failures;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        try {
            Message message = MessageCodec.decode(packet.content().nioBuffer());
            AddressedEnvelope<Message, InetSocketAddress> envelope =
                    new DefaultAddressedEnvelope<>(message, packet.recipient(), packet.sender());
            out.add(envelope);
        } catch (ProtocolException e) {
            failures.dropped(packet.sender(), packet.content().readableBytes(), e);
        }
    }
}
