package dev.p2pchat.bench;

import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.api.PeerConfig;
import dev.p2pchat.peer.api.PeerListener;
import dev.p2pchat.peer.api.PeerNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Two peers on loopback, {@value #SENDER} and {@value #RECEIVER}, connected by address (no tracker), and the
 * workloads the peer benchmark runs between them. Each peer passes its events to the handler the running workload
 * installed; handlers run on the peer's event loop thread.
 */
final class PeerPair implements AutoCloseable {
    static final String SENDER = "bench-a";
    static final String RECEIVER = "bench-b";
    /** A throughput message starts with its sequence number in this many decimal digits. */
    static final int SEQUENCE_DIGITS = 12;
    /** A message or reply that has not arrived after this long fails the run: on loopback it takes microseconds. */
    private static final long STALL_MILLIS = 2_000;
    /** How long the end of a throughput run may take to settle every outstanding message. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(35);
    private static final PeerListener IGNORE = event -> {};

    private PeerNode a;
    private PeerNode b;
    private PeerStartup.Timings senderStartup;
    private volatile PeerListener onA = IGNORE;
    private volatile PeerListener onB = IGNORE;

    private PeerPair() {}

    /**
     * Starts the receiver, then the sender, which connects to it and delivers one message: the first
     * start-to-delivery trial of the run.
     */
    static PeerPair start(Path directory) throws IOException, InterruptedException {
        PeerPair pair = new PeerPair();
        pair.b = PeerNode.start(config(RECEIVER, directory.resolve(RECEIVER), null),
                event -> pair.onB.onEvent(event));
        try {
            PeerStartup.Trial trial = PeerStartup.run(config(SENDER, directory.resolve(SENDER), null),
                    pair.b.localAddress(), RECEIVER, text(PeerBenchmark.SMALL), event -> pair.onA.onEvent(event));
            pair.a = trial.node();
            pair.senderStartup = trial.timings();
            return pair;
        } catch (IOException | InterruptedException | RuntimeException e) {
            pair.b.close();
            throw e;
        }
    }

    /** A loopback peer without a tracker; {@code tick} null for the default timer period. */
    static PeerConfig config(String name, Path directory, Duration tick) {
        PeerConfig.Builder builder = PeerConfig.builder(name, directory).bind("127.0.0.1", 0);
        if (tick != null) {
            builder.timers(tick, Duration.ofSeconds(1));
        }
        return builder.build();
    }

    PeerNode receiver() {
        return b;
    }

    /** How long the sender took from its start to its first delivered message. */
    PeerStartup.Timings senderStartup() {
        return senderStartup;
    }

    /** A text of {@code size} ASCII characters (so as many UTF-8 bytes). */
    static String text(int size) {
        char[] chars = new char[size];
        Arrays.fill(chars, 'x');
        return new String(chars);
    }

    // ---- round trips ----

    /**
     * Round trips with one message outstanding: the sender sends a {@code size}-byte text, the receiver's handler
     * answers each with the same text, and the next message goes once both the acknowledgement and the answer are
     * back.
     *
     * @param reply from the sender's {@code send} call to the answer's {@link PeerEvent.MessageReceived}
     * @param delivered from the same {@code send} call to the message's {@link PeerEvent.Delivered}
     * @param pinned whether all threads ran on one core
     */
    record RoundTrips(LatencyHistogram reply, LatencyHistogram delivered, boolean pinned) {}

    /**
     * The calling thread sends each message and waits for the answer, as an application does: every round trip
     * includes handing the message to the sender's event loop and waking the caller up.
     */
    RoundTrips roundTripsFromCaller(int size, int warmup, int samples) throws IOException, InterruptedException {
        String text = text(size);
        Semaphore replied = new Semaphore(0);
        Semaphore acknowledged = new Semaphore(0);
        AtomicLong repliedAt = new AtomicLong();
        AtomicLong acknowledgedAt = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        LatencyHistogram reply = new LatencyHistogram();
        LatencyHistogram delivered = new LatencyHistogram();
        onB = echo(failure);
        onA = event -> {
            if (event instanceof PeerEvent.MessageReceived) {
                repliedAt.set(System.nanoTime());
                replied.release();
            } else if (event instanceof PeerEvent.Delivered) {
                acknowledgedAt.set(System.nanoTime());
                acknowledged.release();
            } else if (event instanceof PeerEvent.Failed failed) {
                failure.compareAndSet(null, failed.reason());
            }
        };
        try (CorePinning pinning = allOnOneCore()) {
            for (int i = 0; i < warmup + samples; i++) {
                long start = System.nanoTime();
                a.send(RECEIVER, text);
                if (!acknowledged.tryAcquire(STALL_MILLIS, TimeUnit.MILLISECONDS)
                        || !replied.tryAcquire(STALL_MILLIS, TimeUnit.MILLISECONDS)) {
                    throw new IOException("round trip " + i + " did not complete within " + STALL_MILLIS + " ms"
                            + (failure.get() == null ? "" : ": " + failure.get()));
                }
                if (i >= warmup) {
                    reply.record(repliedAt.get() - start);
                    delivered.record(acknowledgedAt.get() - start);
                }
            }
            return new RoundTrips(reply, delivered, pinning.active());
        } finally {
            onA = IGNORE;
            onB = IGNORE;
        }
    }

    /**
     * The sender's handler sends the next message as soon as the answer to the previous one arrives, on the
     * sender's event loop: the round trip without any application thread, which is what the library itself costs.
     */
    RoundTrips roundTripsOnLoop(int size, int warmup, int samples) throws IOException, InterruptedException {
        String text = text(size);
        LatencyHistogram reply = new LatencyHistogram();
        LatencyHistogram delivered = new LatencyHistogram();
        AtomicReference<String> failure = new AtomicReference<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicLong progress = new AtomicLong();
        onB = echo(failure);
        // Touched only on the sender's event loop, after the first send below, which hops onto it.
        long[] state = new long[3]; // round trips completed, start of the current one, its acknowledgement
        onA = event -> {
            if (event instanceof PeerEvent.Delivered) {
                state[2] = System.nanoTime();
            } else if (event instanceof PeerEvent.MessageReceived) {
                long now = System.nanoTime();
                long i = state[0]++;
                if (i >= warmup) {
                    reply.record(now - state[1]);
                    delivered.record(state[2] - state[1]);
                }
                progress.lazySet(i + 1);
                if (i + 1 < warmup + samples) {
                    state[1] = System.nanoTime();
                    a.send(RECEIVER, text);
                } else {
                    done.complete(null);
                }
            } else if (event instanceof PeerEvent.Failed failed) {
                failure.compareAndSet(null, failed.reason());
            }
        };
        try (CorePinning pinning = allOnOneCore()) {
            a.channel().eventLoop().execute(() -> {
                state[1] = System.nanoTime();
                a.send(RECEIVER, text);
            });
            long seen = -1;
            while (!done.isDone()) {
                try {
                    done.get(STALL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    long now = progress.get();
                    if (now == seen) {
                        throw new IOException("round trip " + now + " did not complete within " + STALL_MILLIS
                                + " ms" + (failure.get() == null ? "" : ": " + failure.get()), e);
                    }
                    seen = now;
                } catch (ExecutionException e) {
                    throw new IOException(e.getCause());
                }
            }
            return new RoundTrips(reply, delivered, pinning.active());
        } finally {
            onA = IGNORE;
            onB = IGNORE;
        }
    }

    // ---- throughput ----

    /**
     * What a throughput run measured.
     *
     * @param delivered acknowledged messages in the measurement window
     * @param sent messages the sender queued over the whole run (warm-up and drain included)
     * @param acknowledged {@link PeerEvent.Delivered} events at the sender over the whole run
     * @param received messages the receiver got in sequence, each exactly once
     * @param outOfSequence messages the receiver got out of sequence: a repeat, or after a gap
     * @param failed {@link PeerEvent.Failed} events at the sender
     * @param refused sends the sender refused (queue full)
     * @param sender the sender's event loop thread over the measurement window
     * @param receiver the receiver's event loop thread over the measurement window
     * @param process all threads of this JVM over the measurement window, as a share of one core
     * @param others other processes over the measurement window, as a share of one core (NaN if unknown)
     * @param pinned whether the two event loops ran on cores of their own
     */
    record Throughput(int size, int outstanding, long measuredNanos, long delivered, long sent, long acknowledged,
            long received, long outOfSequence, long failed, long refused, CpuMeter.ThreadUsage sender,
            CpuMeter.ThreadUsage receiver, double process, double others, long gcCount, long gcMillis,
            boolean pinned) {

        double perSecond() {
            return delivered * 1e9 / Math.max(1, measuredNanos);
        }

        /** Every message queued was delivered and received once, in order, and nothing failed. */
        boolean exact() {
            return sent == acknowledged && acknowledged == received && outOfSequence == 0 && failed == 0
                    && refused == 0;
        }
    }

    /**
     * Acknowledged messages per second: the sender keeps {@code outstanding} messages of {@code size} bytes queued
     * (sending the next one from its handler of each {@link PeerEvent.Delivered}), for {@code warmup} and then
     * {@code measure}; then it stops, every outstanding message settles, and the receiver's count is checked
     * against the sender's. Each text starts with its sequence number, which the receiver checks.
     */
    Throughput throughput(int size, int outstanding, Duration warmup, Duration measure)
            throws IOException, InterruptedException {
        Flow flow = new Flow(size);
        onB = event -> {
            if (event instanceof PeerEvent.MessageReceived received) {
                flow.receive(received.text());
            }
        };
        onA = event -> {
            if (event instanceof PeerEvent.Delivered) {
                flow.acknowledged.incrementAndGet();
                if (flow.running) {
                    flow.sendNext();
                }
            } else if (event instanceof PeerEvent.Failed) {
                flow.failed.incrementAndGet();
            }
        };
        long senderThread = javaThread(a);
        long receiverThread = javaThread(b);
        try (CorePinning pinning = CorePinning.threads(List.of(linuxThread(a), linuxThread(b)), List.of(0, 1))) {
            for (int i = 0; i < outstanding; i++) {
                flow.sendNext();
            }
            TimeUnit.NANOSECONDS.sleep(warmup.toNanos());
            CpuMeter.Snapshot start = CpuMeter.snapshot();
            long deliveredAtStart = flow.acknowledged.get();
            TimeUnit.NANOSECONDS.sleep(measure.toNanos());
            long deliveredAtEnd = flow.acknowledged.get();
            CpuMeter.Snapshot end = CpuMeter.snapshot();
            flow.running = false;
            flow.drain();
            return new Throughput(size, outstanding, end.nanoTime() - start.nanoTime(),
                    deliveredAtEnd - deliveredAtStart, flow.sent(), flow.acknowledged.get(), flow.received.get(),
                    flow.outOfSequence.get(), flow.failed.get(), flow.refused.get(),
                    CpuMeter.of(start, end, senderThread), CpuMeter.of(start, end, receiverThread),
                    CpuMeter.process(start, end), CpuMeter.others(start, end), end.gcCount() - start.gcCount(),
                    end.gcMillis() - start.gcMillis(), pinning.active());
        } finally {
            flow.running = false;
            onA = IGNORE;
            onB = IGNORE;
        }
    }

    /** The state of one throughput run, shared by the calling thread and both event loops. */
    private final class Flow {
        private final char[] template;
        private final Object sending = new Object();
        private long nextSequence;
        volatile boolean running = true;
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicLong outOfSequence = new AtomicLong();
        /** The next sequence number the receiver expects; only its event loop touches it. */
        private long expected;

        Flow(int size) {
            if (size < SEQUENCE_DIGITS) {
                throw new IllegalArgumentException("a message needs room for its sequence number");
            }
            template = text(size).toCharArray();
        }

        /** Queues the next message; the lock keeps sequence numbers in the order the sender's loop gets them. */
        void sendNext() {
            synchronized (sending) {
                long sequence = nextSequence++;
                char[] chars = template.clone();
                long rest = sequence;
                for (int i = SEQUENCE_DIGITS - 1; i >= 0; i--) {
                    chars[i] = (char) ('0' + rest % 10);
                    rest /= 10;
                }
                a.send(RECEIVER, new String(chars)).whenComplete((id, problem) -> {
                    if (problem != null) {
                        refused.incrementAndGet();
                    }
                });
            }
        }

        long sent() {
            synchronized (sending) {
                return nextSequence;
            }
        }

        void receive(String text) {
            long sequence = Long.parseLong(text, 0, SEQUENCE_DIGITS, 10);
            if (sequence == expected) {
                expected++;
                received.incrementAndGet();
            } else {
                outOfSequence.incrementAndGet();
            }
        }

        /** Waits until every queued message was acknowledged, failed or refused, and the receiver has them all. */
        void drain() throws IOException, InterruptedException {
            long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
            while (acknowledged.get() + failed.get() + refused.get() < sent()
                    || received.get() + outOfSequence.get() < acknowledged.get()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(String.format("messages still unsettled after %d s: sent %d, "
                            + "acknowledged %d, failed %d, refused %d, received %d", DRAIN_LIMIT.toSeconds(),
                            sent(), acknowledged.get(), failed.get(), refused.get(), received.get()));
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
        }
    }

    /** The receiver answers every message with its text, to whoever sent it. */
    private PeerListener echo(AtomicReference<String> failure) {
        return event -> {
            if (event instanceof PeerEvent.MessageReceived received) {
                b.send(received.from().name(), received.text()).whenComplete((id, problem) -> {
                    if (problem != null) {
                        failure.compareAndSet(null, "the answer was not queued: " + problem.getMessage());
                    }
                });
            }
        };
    }

    private CorePinning allOnOneCore() throws InterruptedException {
        return CorePinning.threads(List.of(CorePinning.currentThreadId(), linuxThread(a), linuxThread(b)),
                List.of(0, 0, 0));
    }

    /** The Linux id of {@code node}'s event loop thread, for {@link CorePinning}. */
    private static OptionalLong linuxThread(PeerNode node) throws InterruptedException {
        return onLoop(node, CorePinning::currentThreadId);
    }

    /** The Java id of {@code node}'s event loop thread, for {@link CpuMeter}. */
    private static long javaThread(PeerNode node) throws InterruptedException {
        return onLoop(node, () -> Thread.currentThread().getId());
    }

    private static <T> T onLoop(PeerNode node, Callable<T> task) throws InterruptedException {
        try {
            return node.channel().eventLoop().submit(task).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the peer's event loop failed a task", e.getCause());
        }
    }

    @Override
    public void close() {
        try {
            if (a != null) {
                a.close();
            }
        } finally {
            b.close();
        }
    }
}
