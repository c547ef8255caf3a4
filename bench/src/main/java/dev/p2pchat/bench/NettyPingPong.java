package dev.p2pchat.bench;

import dev.p2pchat.protocol.ContentKind;
import dev.p2pchat.protocol.Message;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.netty.DatagramMessageDecoder;
import dev.p2pchat.protocol.netty.DatagramMessageEncoder;
import dev.p2pchat.protocol.netty.Transport;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the peers' transport alone costs per round trip: two Netty channels set up as a peer sets up its socket
 * ({@link Transport#best()}, the peer's datagram codec, one event loop thread each), one sending a DATA message and
 * the other sending one back, with nothing else: no acknowledgements, no sessions, no events. The sender's handler
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
            Message.Data data = new Message.Data(1, 1, ContentKind.TEXT, 0, 1, Octets.of(new byte[size]));
            Channel answerer = bind(transport, answererLoop, (ctx, in) -> ctx.writeAndFlush(
                    new DefaultAddressedEnvelope<>(in.content(), in.sender()), ctx.voidPromise()));
            InetSocketAddress target = (InetSocketAddress) answerer.localAddress();
            LatencyHistogram histogram = new LatencyHistogram();
            CompletableFuture<Void> done = new CompletableFuture<>();
            long[] state = new long[2]; // round trips completed, start of the current one; on the sender's loop
            AtomicLong progress = new AtomicLong();
            Channel sender = bind(transport, senderLoop, (ctx, in) -> {
                long now = System.nanoTime();
                long i = state[0]++;
                progress.lazySet(i + 1);
                if (i >= warmup) {
                    histogram.record(now - state[1]);
                }
                if (i + 1 < warmup + samples) {
                    state[1] = System.nanoTime();
                    ctx.writeAndFlush(new DefaultAddressedEnvelope<>(data, target), ctx.voidPromise());
                } else {
                    done.complete(null);
                }
            });
            List<OptionalLong> threads = List.of(CorePinning.currentThreadId(), linuxThread(sender),
                    linuxThread(answerer));
            try (CorePinning pinning = CorePinning.threads(threads, List.of(0, 0, 0))) {
                sender.eventLoop().execute(() -> {
                    state[1] = System.nanoTime();
                    sender.writeAndFlush(new DefaultAddressedEnvelope<>(data, target), sender.voidPromise());
                });
                await(done, progress);
                return new UdpPingPong.Result(histogram, pinning.active());
            } finally {
                sender.close().awaitUninterruptibly();
                answerer.close().awaitUninterruptibly();
            }
        } finally {
            senderLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            answererLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }

    /** What a channel does with each message it receives. */
    @FunctionalInterface
    private interface OnMessage {
        void receive(ChannelHandlerContext ctx, AddressedEnvelope<Message, InetSocketAddress> in);
    }

    private static Channel bind(Transport transport, EventLoopGroup group, OnMessage onMessage)
            throws InterruptedException {
        return transport.datagramBootstrap(group)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline()
                                .addLast(DatagramMessageEncoder.NAME, new DatagramMessageEncoder())
                                .addLast(DatagramMessageDecoder.NAME, new DatagramMessageDecoder(
                                        (sender, bytes, failure) -> {}))
                                .addLast(new SimpleChannelInboundHandler<AddressedEnvelope<Message,
                                        InetSocketAddress>>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx,
                                            AddressedEnvelope<Message, InetSocketAddress> in) {
                                        onMessage.receive(ctx, in);
                                    }
                                });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
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
