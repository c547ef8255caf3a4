package dev.p2pchat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A closed-loop UDP load generator on the calling thread: every client socket keeps a bounded window of requests
 * outstanding and sends the next one as soon as a reply (or a timeout) frees a slot. The window, not a send rate,
 * bounds the load, so the generator never overruns socket buffers, yet keeps the server saturated when the
 * window is large enough; with a window of one it measures unloaded round trips.
 *
 * <p>UDP may lose any datagram, even on loopback: a request without a reply after the timeout is counted as lost
 * and its slot reused; a reply that comes later is counted as late.
 */
final class LoadGenerator {
    private static final long EXPIRY_CHECK_NANOS = 5_000_000;
    private static final int SELECT_TIMEOUT_MILLIS = 1;

    private final List<DatagramChannel> channels;
    private final int window;
    private final long timeoutNanos;

    /** {@code channels} must be connected to the server; they are switched to non-blocking mode. */
    LoadGenerator(List<DatagramChannel> channels, int window, Duration timeout) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be positive");
        }
        this.channels = List.copyOf(channels);
        this.window = window;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Opens {@code count} sockets on the target's interface, each connected to {@code target}. */
    static List<DatagramChannel> connect(InetSocketAddress target, int count) throws IOException {
        List<DatagramChannel> channels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            channels.add(DatagramChannel.open().bind(new InetSocketAddress(target.getAddress(), 0)).connect(target));
        }
        return channels;
    }

    /**
     * Runs {@code workload}: unmeasured for {@code warmup}, then measured until {@code measure} has passed or every
     * client has run out of requests and has its replies; then waits for outstanding replies for at most the
     * timeout, so that the next phase starts from quiet sockets.
     */
    PhaseResult run(String name, Workload workload, Duration warmup, Duration measure) throws IOException {
        try (Selector selector = Selector.open()) {
            Run run = new Run(name, workload, selector);
            return run.execute(warmup.toNanos(), measure.toNanos());
        } finally {
            // Closing the selector deregistered the channels; blocking mode lets the next phase fetch cookies.
            for (DatagramChannel channel : channels) {
                channel.configureBlocking(true);
            }
        }
    }

    /** The state of one phase. */
    private final class Run {
        private final String name;
        private final Workload workload;
        private final Selector selector;
        private final List<Client> clients = new ArrayList<>();
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        private final int kinds;
        private final long[] answered;
        private final long[] refused;
        private final LatencyHistogram[] latencies;
        private long lost;
        private long late;
        private long unsolicited;
        private final Consumer<SelectionKey> onReadable = key -> receive((Client) key.attachment());
        private int exhaustedClients;
        private long measureStart = Long.MAX_VALUE;
        private long measureEnd = Long.MAX_VALUE;
        private boolean sending = true;

        Run(String name, Workload workload, Selector selector) throws IOException {
            this.name = name;
            this.workload = workload;
            this.selector = selector;
            this.kinds = workload.kinds().size();
            this.answered = new long[kinds];
            this.refused = new long[kinds];
            this.latencies = new LatencyHistogram[kinds];
            for (int k = 0; k < kinds; k++) {
                latencies[k] = new LatencyHistogram();
            }
            for (int i = 0; i < channels.size(); i++) {
                DatagramChannel channel = channels.get(i);
                channel.configureBlocking(false);
                Client client = new Client(i, channel);
                channel.register(selector, SelectionKey.OP_READ, client);
                clients.add(client);
            }
        }

        PhaseResult execute(long warmupNanos, long measureNanos) throws IOException {
            long start = System.nanoTime();
            long warmupEnd = start + warmupNanos;
            long deadline = warmupEnd + measureNanos;
            CpuMeter.Snapshot cpuStart = null;
            CpuMeter.Snapshot cpuEnd = null;
            long drainDeadline = Long.MAX_VALUE;
            long nextExpiry = start + EXPIRY_CHECK_NANOS;
            clients.forEach(this::topUp);
            while (true) {
                long now = System.nanoTime();
                if (cpuStart == null && now >= warmupEnd) {
                    cpuStart = CpuMeter.snapshot();
                    measureStart = cpuStart.nanoTime();
                }
                boolean finished = exhaustedClients == clients.size() && inFlight() == 0;
                if (sending && (now >= deadline || finished)) {
                    // A finite workload ends with its last reply; a timed one when its time is up.
                    sending = false;
                    cpuEnd = CpuMeter.snapshot();
                    measureEnd = cpuEnd.nanoTime();
                    drainDeadline = measureEnd + timeoutNanos;
                }
                if (!sending && (inFlight() == 0 || now >= drainDeadline)) {
                    break;
                }
                selector.select(onReadable, SELECT_TIMEOUT_MILLIS);
                if (now >= nextExpiry) {
                    clients.forEach(this::expire);
                    nextExpiry = now + EXPIRY_CHECK_NANOS;
                }
            }
            if (cpuStart == null) {
                // Ran out of requests during the warm-up: nothing was measured.
                cpuStart = cpuEnd;
                measureStart = measureEnd;
            }
            return new PhaseResult(name, window, clients.size(), workload.kinds(), measureEnd - measureStart,
                    answered, refused, latencies, lost, late, unsolicited,
                    CpuMeter.between(cpuStart, cpuEnd, Thread.currentThread().getId()));
        }

        private int inFlight() {
            int sum = 0;
            for (Client client : clients) {
                sum += client.inFlight;
            }
            return sum;
        }

        private void topUp(Client client) {
            while (sending && !client.exhausted && client.inFlight < window) {
                int slot = client.freeSlot();
                int txid = client.nextTxid;
                buffer.clear();
                int kind = workload.request(client.index, txid, buffer);
                if (kind == Workload.NO_MORE) {
                    client.exhausted = true;
                    exhaustedClients++;
                    return;
                }
                client.nextTxid++;
                buffer.flip();
                client.txids[slot] = txid;
                client.kinds[slot] = kind;
                client.sentAt[slot] = System.nanoTime();
                client.inFlight++;
                try {
                    // Zero bytes written means a full send buffer: the request is as good as lost, and the
                    // timeout will say so.
                    client.channel.write(buffer);
                } catch (IOException e) {
                    throw new IllegalStateException("send failed on client " + client.index, e);
                }
            }
        }

        private void receive(Client client) {
            try {
                while (true) {
                    buffer.clear();
                    if (client.channel.read(buffer) <= 0) {
                        break;
                    }
                    buffer.flip();
                    onDatagram(client, System.nanoTime());
                }
            } catch (PortUnreachableException e) {
                // An ICMP error from a previous phase's server; the datagram it answers is already written off.
            } catch (IOException e) {
                throw new IllegalStateException("receive failed on client " + client.index, e);
            }
            topUp(client);
        }

        private void onDatagram(Client client, long now) {
            int txid = workload.txidOf(client.index, buffer, client.txids);
            if (txid == Workload.NOT_A_REPLY) {
                unsolicited++;
                return;
            }
            int slot = client.slotOf(txid);
            if (slot < 0) {
                late++;
                return;
            }
            int kind = client.kinds[slot];
            boolean accepted = workload.accept(client.index, txid, kind, buffer.position(0));
            if (now >= measureStart && now < measureEnd) {
                latencies[kind].record(now - client.sentAt[slot]);
                if (accepted) {
                    answered[kind]++;
                } else {
                    refused[kind]++;
                }
            }
            client.release(slot);
        }

        private void expire(Client client) {
            long now = System.nanoTime();
            for (int slot = 0; slot < window; slot++) {
                if (client.txids[slot] != 0 && now - client.sentAt[slot] >= timeoutNanos) {
                    if (client.sentAt[slot] >= measureStart) {
                        lost++;
                    }
                    client.release(slot);
                }
            }
            topUp(client);
        }
    }

    /** One client socket and its outstanding requests, a slot each; txid 0 marks a free slot. */
    private final class Client {
        final int index;
        final DatagramChannel channel;
        final int[] txids = new int[window];
        final int[] kinds = new int[window];
        final long[] sentAt = new long[window];
        int inFlight;
        int nextTxid = 1;
        boolean exhausted;

        Client(int index, DatagramChannel channel) {
            this.index = index;
            this.channel = channel;
        }

        int freeSlot() {
            for (int slot = 0; slot < window; slot++) {
                if (txids[slot] == 0) {
                    return slot;
                }
            }
            throw new IllegalStateException("no free slot with " + inFlight + " in flight");
        }

        /** The slot of outstanding request {@code txid}, or -1. A window is small, so a scan beats a map. */
        int slotOf(int txid) {
            for (int slot = 0; slot < window; slot++) {
                if (txids[slot] == txid) {
                    return slot;
                }
            }
            return -1;
        }

        void release(int slot) {
            txids[slot] = 0;
            inFlight--;
        }
    }
}
