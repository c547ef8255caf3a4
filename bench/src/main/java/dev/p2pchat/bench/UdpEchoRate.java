package dev.p2pchat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;

/**
 * The baseline for the peers' throughput: plain Java UDP over loopback, {@code window} datagrams outstanding, the
 * {@link EchoServer} sending each one back, and a datagram counted when its echo arrives. What the kernel and the
 * JVM's channels give two threads on two cores with nothing of p2pchat's in the way: the peers' figures are read
 * against it, so that they travel between machines.
 */
final class UdpEchoRate {
    private UdpEchoRate() {}

    /** Echoed datagrams per second, and whether the two threads were on cores apart. */
    record Result(double perSecond, boolean pinned) {}

    /** Echoed datagrams per second over {@code measure}, after {@code warmup}; the two threads on cores apart. */
    static Result measure(int size, int window, Duration warmup, Duration measure) throws IOException {
        try (EchoServer server = EchoServer.start(new InetSocketAddress("127.0.0.1", 0));
                DatagramChannel client = DatagramChannel.open();
                CorePinning pinning = CorePinning.apart(server.threadId())) {
            client.bind(new InetSocketAddress("127.0.0.1", 0)).connect(server.localAddress());
            client.configureBlocking(false);
            ByteBuffer out = ByteBuffer.allocateDirect(size);
            ByteBuffer in = ByteBuffer.allocateDirect(2048);
            run(client, out, in, window, warmup);
            long start = System.nanoTime();
            long echoed = run(client, out, in, window, measure);
            return new Result(echoed / ((System.nanoTime() - start) / 1e9), pinning.active());
        }
    }

    private static long run(DatagramChannel client, ByteBuffer out, ByteBuffer in, int window, Duration length)
            throws IOException {
        long end = System.nanoTime() + length.toNanos();
        long echoed = 0;
        int outstanding = 0;
        long lastProgress = System.nanoTime();
        while (System.nanoTime() < end) {
            while (outstanding < window) {
                out.clear();
                if (client.write(out) == 0) {
                    break;
                }
                outstanding++;
            }
            in.clear();
            while (client.read(in) > 0) {
                in.clear();
                outstanding--;
                echoed++;
                lastProgress = System.nanoTime();
            }
            // Loopback drops datagrams at full blast: take what did not come back within 50 ms as lost.
            if (System.nanoTime() - lastProgress > 50_000_000L) {
                outstanding = 0;
                lastProgress = System.nanoTime();
            }
        }
        return echoed;
    }
}
