package dev.p2pchat.tracker.server;

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
import io.netty.bootstrap.Bootstrap;

/**
 * Native epoll where it loads (Linux x86_64 and aarch64), NIO everywhere else. Epoll reads many datagrams per
 * system call (recvmmsg) and sends for less; NIO is the portable fallback with the same behaviour.
 */
enum Transport {
    EPOLL,
    NIO;

    /** Datagrams read per receive call when batching is available. */
    private static final int DATAGRAMS_PER_READ = 16;

    static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    Class<? extends DatagramChannel> datagramChannel() {
        return this == EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * The receive buffer size to allocate per read: one datagram of {@code maxDatagramBytes} for NIO, a batch of
     * them for epoll, which then splits the buffer into datagrams of at most that size.
     */
    int configureReceive(Bootstrap bootstrap, int maxDatagramBytes) {
        if (this == EPOLL) {
            bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, maxDatagramBytes);
            return maxDatagramBytes * DATAGRAMS_PER_READ;
        }
        return maxDatagramBytes;
    }
}
