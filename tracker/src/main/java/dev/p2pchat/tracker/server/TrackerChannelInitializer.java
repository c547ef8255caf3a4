package dev.p2pchat.tracker.server;

import dev.p2pchat.protocol.netty.TrackerMessageDecoder;
import dev.p2pchat.protocol.netty.TrackerMessageEncoder;
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
                .addLast(TrackerMessageEncoder.NAME, new TrackerMessageEncoder())
                .addLast(StunResponder.NAME, stun)
                .addLast(TrackerMessageDecoder.NAME, new TrackerMessageDecoder((sender, bytes, failure) -> {
                    metrics.countDrop(DropReason.of(failure.reason()));
                    metrics.unvalidated(bytes);
                }))
                .addLast(TrackerHandler.NAME, handler);
    }
}
