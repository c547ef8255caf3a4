package dev.p2pchat.protocol.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The Netty transport for trackers and peers: native epoll where it loads (Linux x86_64 and aarch64), NIO
 * everywhere else. Epoll reads many datagrams per system call (recvmmsg) and sends for less; NIO is the portable
 * fallback with the same behaviour.
 */
public enum Transport {
    EPOLL,
    NIO;

    /** Datagrams read per receive call when batching is available. */
    private static final int DATAGRAMS_PER_READ = 16;
    /** Room for one received datagram: well over {@code Wire.MAX_DATAGRAM_SIZE}. */
    private static final int RECEIVE_BYTES_PER_DATAGRAM = 2048;
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    public IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return this == EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    public Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * A bootstrap for one datagram channel on {@code group}, set up the same way for trackers and peers: receive
     * buffers larger than any datagram we accept (so an oversized one is seen and dropped, not passed on cut
     * short; Netty's default would silently truncate), batched receives on epoll, and socket buffers that absorb
     * bursts.
     */
    public Bootstrap datagramBootstrap(EventLoopGroup group) {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(datagramChannel());
        int receiveBytes = RECEIVE_BYTES_PER_DATAGRAM;
        if (this == EPOLL) {
            // Epoll splits each buffer into datagrams of at most this size and fills it with one recvmmsg.
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, RECEIVE_BYTES_PER_DATAGRAM);
            receiveBytes *= DATAGRAMS_PER_READ;
        }
        return bootstrap
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(receiveBytes))
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES);
    }
}
