package dev.p2pchat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The baseline: the least a Java UDP server can do per request, one blocking receive and one send on a single
 * thread, with nothing in between. The tracker runs the same two system calls plus its real work.
 */
final class EchoServer implements AutoCloseable {
    static final String THREAD_NAME = "echo-server";

    private final DatagramChannel channel;
    private final Thread thread;
    private final CompletableFuture<OptionalLong> threadId = new CompletableFuture<>();

    private EchoServer(DatagramChannel channel) {
        this.channel = channel;
        this.thread = new Thread(this::serve, THREAD_NAME);
        this.thread.setDaemon(true);
    }

    /** Binds to {@code bind} and serves until closed. */
    static EchoServer start(InetSocketAddress bind) throws IOException {
        DatagramChannel channel = DatagramChannel.open().bind(bind);
        EchoServer server = new EchoServer(channel);
        server.thread.start();
        return server;
    }

    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** The Linux id of the serving thread, for {@link CorePinning}. */
    OptionalLong threadId() {
        return threadId.join();
    }

    private void serve() {
        threadId.complete(CorePinning.currentThreadId());
        ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        try {
            while (true) {
                buffer.clear();
                SocketAddress sender = channel.receive(buffer);
                buffer.flip();
                channel.send(buffer, sender);
            }
        } catch (ClosedChannelException closed) {
            // close() ends the loop.
        } catch (IOException e) {
            throw new IllegalStateException("echo server failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
