package dev.p2pchat.tracker.server;

import dev.p2pchat.protocol.Wire;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;

/**
 * Counts datagrams and bytes at the socket's edge: what arrived, and what was actually written (counted when
 * the write succeeds, by the type byte of its header).
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
        int type = bytes > Wire.TYPE_OFFSET ? content.getUnsignedByte(content.readerIndex() + Wire.TYPE_OFFSET) : -1;
        ctx.write(msg, promise.unvoid()).addListener(future -> {
            if (future.isSuccess()) {
                metrics.datagramOut(type, bytes);
            }
        });
    }
}
