package dev.p2pchat.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * An echo server on Netty, set up like the tracker's channel (one event loop thread, a fixed receive buffer,
 * replies flushed once per read batch) but doing no work: what the transport alone costs per request.
 *
 * <p>The tracker runs on epoll where it loads and on NIO elsewhere, as these echoes do. {@link Transport#EPOLL}
 * reads with {@code recvmmsg} and writes a flushed batch with {@code sendmmsg}, several datagrams per system
 * call; {@link Transport#NIO} makes one system call per datagram.
 */
final class NettyEchoServer implements AutoCloseable {
    /** Largest datagram accepted, as in the tracker: a larger one would be seen, not truncated. */
    private static final int RECEIVE_BYTES = 2048;
    /** Datagrams one {@code recvmmsg} may return; the receive buffer is cut into slices of RECEIVE_BYTES. */
    private static final int EPOLL_BATCH = 16;

    /** The Netty transport under test. */
    enum Transport {
        NIO,
        EPOLL;

        boolean isAvailable() {
            return this == NIO || Epoll.isAvailable();
        }
    }

    private final EventLoopGroup group;
    private final Channel channel;

    private NettyEchoServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    static NettyEchoServer start(Transport transport, InetSocketAddress bind) throws InterruptedException {
        IoHandlerFactory io = transport == Transport.EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
        Bootstrap bootstrap = new Bootstrap().group(group).handler(new Echo());
        if (transport == Transport.EPOLL) {
            bootstrap.channel(EpollDatagramChannel.class)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, RECEIVE_BYTES)
                    .option(ChannelOption.RECVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(RECEIVE_BYTES * EPOLL_BATCH));
        } else {
            bootstrap.channel(NioDatagramChannel.class)
                    .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_BYTES));
        }
        try {
            return new NettyEchoServer(group, bootstrap.bind(bind).sync().channel());
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The Linux id of the event loop thread, for {@link CorePinning}. */
    OptionalLong threadId() throws InterruptedException, ExecutionException {
        return channel.eventLoop().submit(CorePinning::currentThreadId).get();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Sends every datagram back to its sender, reusing the received buffer. */
    private static final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
        Echo() {
            super(false); // the reply takes over the received buffer
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ctx.write(new DatagramPacket(packet.content(), packet.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
