package dev.p2pchat.tracker.server;

import dev.p2pchat.protocol.Wire;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;

/**
 * Counts datagrams and bytes at the socket's edge: what arrived, and what was handed to the socket, by the type
 * byte of its header. Counting at hand-over rather than on each write's success spares a promise and a listener
 * per datagram; a failed send (rare for UDP) is still counted as sent, which only makes the no-amplification
 * figure look worse than it is.
 */
final class TrafficCounter extends ChannelDuplexHandler {
    static final String NAME = "traffic-counter";

    private final TrackerMetrics metrics;

    TrafficCounter(TrackerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet) {
            metrics.datagramIn(packet.content().readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf content = packet.content();
        int bytes = content.readableBytes();
        if (StunResponder.isStun(content)) {
            metrics.stunAnswerOut(bytes);
            ctx.write(msg, promise);
            return;
        }
        int type = bytes > Wire.TYPE_OFFSET ? content.getUnsignedByte(content.readerIndex() + Wire.TYPE_OFFSET) : -1;
        metrics.datagramOut(type, bytes);
        ctx.write(msg, promise);
    }
}
