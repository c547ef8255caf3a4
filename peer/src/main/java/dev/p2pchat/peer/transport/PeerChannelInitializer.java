package dev.p2pchat.peer.transport;

import dev.p2pchat.protocol.netty.TrackerMessageEncoder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramChannel;

/**
 * The peer's pipeline, every handler added by name: outbound, tracker messages are encoded ({@link
 * TrackerMessageEncoder}) while peer frames go out as the bytes their conversation made; inbound, the
 * {@link PeerDatagramHandler} sorts tracker messages from peer frames. A test may insert a fault injector in front
 * of it by name.
 */
public final class PeerChannelInitializer extends ChannelInitializer<DatagramChannel> {
    private final PeerDatagramHandler handler;

    public PeerChannelInitializer(PeerDatagramHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void initChannel(DatagramChannel channel) {
        channel.pipeline()
                .addLast(TrackerMessageEncoder.NAME, new TrackerMessageEncoder())
                .addLast(PeerDatagramHandler.NAME, handler);
    }
}
