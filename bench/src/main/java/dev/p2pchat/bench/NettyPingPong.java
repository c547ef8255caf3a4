package dev.p2pchat.bench;

import dev.p2pchat.peer.transport.PeerChannelInitializer;
import dev.p2pchat.peer.transport.PeerDatagramHandler;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.netty.Transport;
import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.protocol.peer.PeerWire;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the peers' transport alone costs per round trip: two Netty channels set up as a peer sets up its socket
 * ({@link Transport#best()}, the peer's own pipeline, one event loop thread each), one sending a frame the size of a
 * sealed DATA and the other sending it back, with nothing else: no sealing, no acknowledgements, no sessions, no
 * events. The sender's handler
 * sends the next DATA as soon as the answer arrives, as in the peers' round trips sent from the event loop, and all
 * threads share one core.
 */
final class NettyPingPong {
    /** The whole run fails when it stops making progress for this long. */
    private static final long STALL_MILLIS = 2_000;

    private NettyPingPong() {}

    /**
     * Round trips of DATA messages with {@code size}-byte payloads: {@code warmup} unrecorded, then {@code samples}
     * recorded.
     */
    static UdpPingPong.Result measure(int size, int warmup, int samples) throws IOException, InterruptedException {
        Transport transport = Transport.best();
        EventLoopGroup senderLoop = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        EventLoopGroup answererLoop = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        try {
            // As large as the sealed DATA of a one-piece message of this size, but nothing is sealed or opened.
            byte[] data = PeerFrameCodec.encode(new PeerFrame.Transport(1, 1, Octets.zeros(PeerWire.DATA_FIXED_SIZE
                    + PeerWire.ACK_BLOCK_FIXED_SIZE + size + PeerWire.TAG_SIZE)));
            Channel[] answerer = new Channel[1];
            answerer[0] = bind(transport, answererLoop, (from, frame) -> send(answerer[0], from, copy(frame)));
            InetSocketAddress target = (InetSocketAddress) answerer[0].localAddress();
            LatencyHistogram histogram = new LatencyHistogram();
            CompletableFuture<Void> done = new CompletableFuture<>();
            long[] state = new long[2]; // round trips completed, start of the current one; on the sender's loop
            AtomicLong progress = new AtomicLong();
            Channel[] sender = new Channel[1];
            sender[0] = bind(transport, senderLoop, (from, frame) -> {
                long now = System.nanoTime();
                long i = state[0]++;
                progress.lazySet(i + 1);
                if (i >= warmup) {
                    histogram.record(now - state[1]);
                }
                if (i + 1 < warmup + samples) {
                    state[1] = System.nanoTime();
                    send(sender[0], target, data);
                } else {
                    done.complete(null);
                }
            });
            List<OptionalLong> threads = List.of(CorePinning.currentThreadId(), linuxThread(sender[0]),
                    linuxThread(answerer[0]));
            try (CorePinning pinning = CorePinning.threads(threads, List.of(0, 0, 0))) {
                sender[0].eventLoop().execute(() -> {
                    state[1] = System.nanoTime();
                    send(sender[0], target, data);
                });
                await(done, progress);
                return new UdpPingPong.Result(histogram, pinning.active());
            } finally {
                sender[0].close().awaitUninterruptibly();
                answerer[0].close().awaitUninterruptibly();
            }
        } finally {
            senderLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            answererLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    /** What a channel does with each frame it receives. */
    @FunctionalInterface
    private interface OnFrame {
        void receive(InetSocketAddress from, ByteBuffer frame);
    }

    private static Channel bind(Transport transport, EventLoopGroup group, OnFrame onFrame)
            throws InterruptedException {
        PeerDatagramHandler handler = new PeerDatagramHandler(new PeerDatagramHandler.Receiver() {
            @Override
            public void frame(InetSocketAddress from, ByteBuffer frame) {
                onFrame.receive(from, frame);
            }

            @Override
            public void tracker(TrackerMessage message) {
                throw new IllegalStateException("no tracker here");
            }

            @Override
            public void malformed(ProtocolException failure) {
                throw new IllegalStateException("no tracker here");
            }
        }, () -> null);
        return transport.datagramBootstrap(group)
                .handler(new PeerChannelInitializer(handler))
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    private static byte[] copy(ByteBuffer frame) {
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    /** As a peer sends a frame: the bytes its conversation made, in one datagram. */
    private static void send(Channel channel, InetSocketAddress to, byte[] frame) {
        channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(frame), to), channel.voidPromise());
    }

    private static void await(CompletableFuture<Void> done, AtomicLong progress)
            throws IOException, InterruptedException {
        long seen = -1;
        while (true) {
            try {
                done.get(STALL_MILLIS, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                long now = progress.get();
                if (now == seen) {
                    throw new IOException("Netty round trip " + now + " did not complete within " + STALL_MILLIS
                            + " ms", e);
                }
                seen = now;
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
    }

    private static OptionalLong linuxThread(Channel channel) throws InterruptedException {
        try {
            return channel.eventLoop().submit(CorePinning::currentThreadId).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the event loop failed a task", e.getCause());
        }
    }
}
