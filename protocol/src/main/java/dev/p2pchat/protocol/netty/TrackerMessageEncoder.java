package dev.p2pchat.protocol.netty;

import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

/** Turns {@link TrackerMessage}s addressed to a recipient into datagrams. */
@Sharable
public final class TrackerMessageEncoder
        extends MessageToMessageEncoder<AddressedEnvelope<TrackerMessage, InetSocketAddress>> {
    public static final String NAME = "tracker-message-encoder";

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof AddressedEnvelope<?, ?> envelope
                && envelope.content() instanceof TrackerMessage
                && envelope.recipient() instanceof InetSocketAddress;
    }

    @Override
    protected void encode(
            ChannelHandlerContext ctx, AddressedEnvelope<TrackerMessage, InetSocketAddress> envelope, List<Object> out) {
        ByteBuf buffer = ctx.alloc().ioBuffer(Wire.MAX_DATAGRAM_SIZE);
        try {
            ByteBuffer view = buffer.nioBuffer(0, Wire.MAX_DATAGRAM_SIZE);
            TrackerCodec.encode(envelope.content(), view);
            buffer.writerIndex(view.position());
            out.add(new DatagramPacket(buffer, envelope.recipient(), envelope.sender()));
        } catch (RuntimeException e) {
            buffer.release();
            throw e;
        }
    }
}
