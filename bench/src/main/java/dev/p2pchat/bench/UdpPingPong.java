package dev.p2pchat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline for the peers' round trips: plain Java UDP ping-pong over loopback, one datagram outstanding. The
 * calling thread sends a datagram on a blocking {@link DatagramChannel} and blocks until the {@link EchoServer}'s
 * thread sends it back: two system calls and one wake-up on each side, nothing else. Both threads share one core
 * (see {@link CorePinning} for why), as the peers' threads do when their round trips are measured.
 */
final class UdpPingPong {
    /** A round trip that has not come back after this long is taken as lost, and the run fails. */
    private static final long STALL_MILLIS = 1_000;

    private UdpPingPong() {}

    /** What a run measured, and whether both threads were on one core. */
    record Result(LatencyHistogram latency, boolean pinned) {}

    /** Round trips of {@code size}-byte datagrams: {@code warmup} unrecorded, then {@code samples} recorded. */
    static Result measure(int size, int warmup, int samples) throws IOException {
        LatencyHistogram histogram = new LatencyHistogram();
        boolean pinned;
        try (EchoServer server = EchoServer.start(new InetSocketAddress("127.0.0.1", 0));
                DatagramChannel client = DatagramChannel.open()) {
            client.bind(new InetSocketAddress("127.0.0.1", 0)).connect(server.localAddress());
            ByteBuffer out = ByteBuffer.allocateDirect(size);
            ByteBuffer in = ByteBuffer.allocateDirect(2048);
            AtomicLong done = new AtomicLong();
            Thread watchdog = watchdog(client, done);
            try (CorePinning pinning = CorePinning.threads(List.of(CorePinning.currentThreadId(),
                    server.threadId()), List.of(0, 0))) {
                pinned = pinning.active();
                for (int i = 0; i < warmup + samples; i++) {
                    out.clear();
                    in.clear();
                    long start = System.nanoTime();
                    client.write(out);
                    client.read(in);
                    long nanos = System.nanoTime() - start;
                    if (i >= warmup) {
                        histogram.record(nanos);
                    }
                    done.lazySet(i + 1);
                }
            } catch (ClosedChannelException stalled) {
                throw new IOException("a ping got no answer within " + STALL_MILLIS + " ms after " + done.get()
                        + " round trips", stalled);
            } finally {
                watchdog.interrupt();
            }
        }
        return new Result(histogram, pinned);
    }

    /** Closes {@code client} (ending a blocked read) when no round trip completes within {@link #STALL_MILLIS}. */
    private static Thread watchdog(DatagramChannel client, AtomicLong done) {
        Thread thread = new Thread(() -> {
            long seen = -1;
            try {
                while (true) {
                    TimeUnit.MILLISECONDS.sleep(STALL_MILLIS);
                    long now = done.get();
                    if (now == seen) {
                        client.close();
                        return;
                    }
                    seen = now;
                }
            } catch (InterruptedException finished) {
                // The run is over.
            } catch (IOException e) {
                // Closing failed: the run stays blocked, which the caller's own limits will show.
            }
        }, "ping-watchdog");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
