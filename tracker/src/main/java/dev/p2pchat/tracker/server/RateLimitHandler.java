package dev.p2pchat.tracker.server;

import dev.p2pchat.tracker.metrics.DropReason;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import dev.p2pchat.tracker.ratelimit.SourceRateLimiter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/** Drops datagrams from sources over their rate before any decoding is spent on them. */
final class RateLimitHandler extends ChannelInboundHandlerAdapter {
    static final String NAME = "rate-limit";

    private final SourceRateLimiter limiter;
    private final TrackerMetrics metrics;

    RateLimitHandler(SourceRateLimiter limiter, TrackerMetrics metrics) {
        this.limiter = limiter;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet && !limiter.tryAcquire(packet.sender().getAddress())) {
            metrics.countDrop(DropReason.RATE_LIMITED);
            metrics.unvalidated(packet.content().readableBytes());
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
