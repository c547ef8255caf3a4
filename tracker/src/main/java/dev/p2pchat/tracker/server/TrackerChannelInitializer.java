package dev.p2pchat.tracker.server;

import dev.p2pchat.protocol.netty.DatagramMessageDecoder;
import dev.p2pchat.protocol.netty.DatagramMessageEncoder;
import dev.p2pchat.tracker.metrics.DropReason;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramChannel;

/**
 * The tracker's pipeline, every handler added by name. Inbound: traffic counter, STUN responder (which answers
 * STUN and passes p2pchat on), decoder, tracker handler.
 * Outbound: encoder, traffic counter. A test may insert a fault injector after the traffic counter.
 */
final class TrackerChannelInitializer extends ChannelInitializer<DatagramChannel> {
    private final TrackerMetrics metrics;
    private final StunResponder stun;
    private final TrackerHandler handler;

    TrackerChannelInitializer(TrackerMetrics metrics, StunResponder stun, TrackerHandler handler) {
        this.metrics = metrics;
        this.stun = stun;
        this.handler = handler;
    }

    @Override
    protected void initChannel(DatagramChannel channel) {
        channel.pipeline()
                .addLast(TrafficCounter.NAME, new TrafficCounter(metrics))
                .addLast(DatagramMessageEncoder.NAME, new DatagramMessageEncoder())
                .addLast(StunResponder.NAME, stun)
                .addLast(DatagramMessageDecoder.NAME, new DatagramMessageDecoder((sender, bytes, failure) -> {
                    metrics.countDrop(DropReason.of(failure.reason()));
                    metrics.unvalidated(bytes);
                }))
                .addLast(TrackerHandler.NAME, handler);
    }
}
