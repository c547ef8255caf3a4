package dev.p2pchat.peer.transport;

import dev.p2pchat.protocol.Header;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * The end of the peer's pipeline, where the byte seam starts: a datagram from the tracker's address that carries a
 * tracker message is decoded as one, for the tracker session to authenticate (a relayed frame comes sealed in it);
 * every other datagram is handed on as bytes, a peer frame for the conversations to read. A datagram never raises an exception here, and
 * never closes the socket that every conversation shares.
 */
@Sharable
public final class PeerDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    public static final String NAME = "peer-datagrams";

    /** Where datagrams go. Runs on the channel's event loop; a buffer is only valid during the call. */
    public interface Receiver {
        /** A datagram from {@code from} that is not the tracker's: a peer frame, or something to drop and count. */
        void frame(InetSocketAddress from, ByteBuffer frame);

        /** A message from the tracker's address, not yet authenticated. */
        void tracker(TrackerMessage message);

        /** A datagram from the tracker's address with a tracker type that did not decode. */
        void malformed(ProtocolException failure);

        /** The socket has no more datagrams for now: the end of a burst. */
        default void burstEnded() {}
    }

    private final Receiver receiver;
    private final Supplier<InetSocketAddress> tracker;

    /** @param tracker where the tracker is now, or null when there is none */
    public PeerDatagramHandler(Receiver receiver, Supplier<InetSocketAddress> tracker) {
        this.receiver = receiver;
        this.tracker = tracker;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuffer datagram = packet.content().nioBuffer();
        InetSocketAddress from = packet.sender();
        if (!from.equals(tracker.get()) || !carriesTrackerType(datagram)) {
            receiver.frame(from, datagram);
            return;
        }
        TrackerMessage message;
        try {
            message = TrackerCodec.decode(datagram);
        } catch (ProtocolException e) {
            receiver.malformed(e);
            return;
        }
        receiver.tracker(message);
    }

    private static boolean carriesTrackerType(ByteBuffer datagram) {
        try {
            return !Wire.isPeerFrame(Header.type(datagram));
        } catch (ProtocolException e) {
            return false; // not even a header: the conversations count it
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        receiver.burstEnded();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // One bad datagram must not close the socket that every conversation shares.
    }
}
