package dev.p2pchat.tracker.server;

import dev.p2pchat.protocol.stun.StunBinding;
import dev.p2pchat.tracker.metrics.DropReason;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import dev.p2pchat.tracker.ratelimit.RequestLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * Answers STUN Binding requests on the tracker's port with the sender's address as the tracker sees it, so that any
 * standard STUN client learns its NAT mapping here; everything else goes on to the decoder. The answer (32 bytes
 * for IPv4, 44 for IPv6, to a request of at least 20) is the one reply besides the cookie that a sender gets before
 * proving its address, so it is bounded like a cookie request: by the same per-host budget.
 */
@Sharable
final class StunResponder extends ChannelInboundHandlerAdapter {
    static final String NAME = "stun-responder";

    private final RequestLimits limits;
    private final TrackerMetrics metrics;

    StunResponder(RequestLimits limits, TrackerMetrics metrics) {
        this.limits = limits;
        this.metrics = metrics;
    }

    /** Whether {@code datagram} is STUN; p2pchat datagrams are told apart by their first byte, without a copy. */
    static boolean isStun(ByteBuf datagram) {
        return datagram.isReadable() && StunBinding.mayBeStun(datagram.getByte(datagram.readerIndex()))
                && StunBinding.isStun(datagram.nioBuffer());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet) || !isStun(packet.content())) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            answer(ctx, packet);
        } finally {
            packet.release();
        }
    }

    private void answer(ChannelHandlerContext ctx, DatagramPacket packet) {
        metrics.unvalidated(packet.content().readableBytes());
        byte[] transactionId = StunBinding.bindingRequest(packet.content().nioBuffer());
        if (transactionId == null) {
            metrics.countDrop(DropReason.BAD_STUN);
            return;
        }
        InetSocketAddress sender = packet.sender();
        if (!limits.allowCookieRequest(sender)) {
            metrics.countDrop(DropReason.RATE_LIMITED);
            return;
        }
        ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(StunBinding.bindingSuccess(transactionId,
                sender)), sender), ctx.voidPromise());
    }
}
