package dev.p2pchat.testsupport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * Seeded fault injection on the receive path of a datagram channel: inserted as {@value #NAME} at the front of the
 * pipeline, it loses, duplicates, reorders and corrupts {@link DatagramPacket}s before the decoder sees them, so
 * in-JVM tests exercise retransmission and validation without a lossy network or root for {@code tc netem}. It
 * decorates the real channel rather than replacing it, like Aeron's {@code RandomLossGenerator}, and targeted
 * drops ({@link #dropMatching}) script the one loss a test is about, like Californium's {@code ManInTheMiddle}.
 *
 * <p>Decisions are a function of the seed and the datagram's position in the sequence only: each datagram gets its
 * own random stream and draws every fault's dice whatever the outcome, so a failing run replays with the same seed,
 * and raising one rate never moves the datagrams another rate picks.
 *
 * <p>Faults are applied in this order: a targeted drop or a loss ends the datagram; otherwise it may be corrupted
 * (one bit of a copy flipped), then duplicated (the copy arrives right after it), then held back to arrive after
 * the next datagram. At most one datagram is held; it is delivered at the latest after {@link #DEFAULT_MAX_HOLD}
 * (or the hold given to the constructor), when the channel goes inactive, or when this handler is removed, so a
 * reordering never becomes a loss.
 *
 * <p>Not sharable: it holds a datagram and a random stream per channel. It runs on the channel's event loop; the
 * counters and {@link #setFaults} may be used from any thread.
 */
public final class FaultInjector extends ChannelInboundHandlerAdapter {
    public static final String NAME = "faults";

    /** Long enough that a datagram in the same burst overtakes the held one, short against any protocol timer. */
    public static final Duration DEFAULT_MAX_HOLD = Duration.ofMillis(50);

    /**
     * Per-datagram probabilities, each in [0, 1].
     *
     * @param loss the datagram is released and never arrives
     * @param duplicate it arrives twice
     * @param reorder it is held back and arrives after the next datagram
     * @param corrupt one bit of it is flipped
     */
    public record Faults(double loss, double duplicate, double reorder, double corrupt) {
        private static final Faults NONE = new Faults(0, 0, 0, 0);

        public Faults {
            requireProbability("loss", loss);
            requireProbability("duplicate", duplicate);
            requireProbability("reorder", reorder);
            requireProbability("corrupt", corrupt);
        }

        public static Faults none() {
            return NONE;
        }

        public static Faults loss(double probability) {
            return NONE.withLoss(probability);
        }

        public static Faults duplicate(double probability) {
            return NONE.withDuplicate(probability);
        }

        public static Faults reorder(double probability) {
            return NONE.withReorder(probability);
        }

        public static Faults corrupt(double probability) {
            return NONE.withCorrupt(probability);
        }

        public Faults withLoss(double probability) {
            return new Faults(probability, duplicate, reorder, corrupt);
        }

        public Faults withDuplicate(double probability) {
            return new Faults(loss, probability, reorder, corrupt);
        }

        public Faults withReorder(double probability) {
            return new Faults(loss, duplicate, probability, corrupt);
        }

        public Faults withCorrupt(double probability) {
            return new Faults(loss, duplicate, reorder, probability);
        }

        private static void requireProbability(String name, double value) {
            // Written so that NaN fails too.
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException(name + " probability must be in [0, 1], was " + value);
            }
        }
    }

    /** A test's "drop the next n datagrams like this"; added from the test thread, consumed on the event loop. */
    private static final class Target {
        final Predicate<ByteBuf> match;
        final AtomicInteger remaining;

        Target(Predicate<ByteBuf> match, int times) {
            this.match = match;
            this.remaining = new AtomicInteger(times);
        }
    }

    private final SplittableRandom random;
    private final long maxHoldNanos;
    private final Queue<Target> targets = new ConcurrentLinkedQueue<>();
    private volatile Faults faults;

    private final LongAdder received = new LongAdder();
    private final LongAdder passed = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder targetedDrops = new LongAdder();
    private final LongAdder duplicated = new LongAdder();
    private final LongAdder reordered = new LongAdder();
    private final LongAdder corrupted = new LongAdder();

    // Event loop only.
    private DatagramPacket held;
    private ScheduledFuture<?> holdTimer;

    public FaultInjector(long seed, Faults faults) {
        this(seed, faults, DEFAULT_MAX_HOLD);
    }

    /** {@code maxHold} bounds how long a reordered datagram waits for a successor before it is delivered anyway. */
    public FaultInjector(long seed, Faults faults, Duration maxHold) {
        this.random = new SplittableRandom(seed);
        this.faults = Objects.requireNonNull(faults, "faults");
        if (maxHold.isNegative() || maxHold.isZero()) {
            throw new IllegalArgumentException("maxHold must be positive, was " + maxHold);
        }
        this.maxHoldNanos = maxHold.toNanos();
    }

    /** Changes the rates from now on, for example to none before a clean shutdown. */
    public void setFaults(Faults faults) {
        this.faults = Objects.requireNonNull(faults, "faults");
    }

    public Faults faults() {
        return faults;
    }

    /**
     * Drops the next {@code times} datagrams whose content {@code match} accepts, whatever the random faults say,
     * for example every ACK of one message three times. The predicate sees a read-only view with its own indexes, so
     * it may read freely. When several targets match, the earliest added one is consumed.
     */
    public FaultInjector dropMatching(Predicate<ByteBuf> match, int times) {
        Objects.requireNonNull(match, "match");
        if (times <= 0) {
            throw new IllegalArgumentException("times must be positive, was " + times);
        }
        targets.add(new Target(match, times));
        return this;
    }

    /** Targeted drops not yet used up, so a test can wait until its scripted losses have happened. */
    public int pendingTargetedDrops() {
        int pending = 0;
        for (Target target : targets) {
            pending += Math.max(0, target.remaining.get());
        }
        return pending;
    }

    /** Datagrams that reached this handler. */
    public long received() {
        return received.sum();
    }

    /** Datagrams handed to the next handler, duplicates included. */
    public long passed() {
        return passed.sum();
    }

    /** Datagrams lost at random; targeted drops are counted apart. */
    public long dropped() {
        return dropped.sum();
    }

    public long targetedDrops() {
        return targetedDrops.sum();
    }

    /** Extra copies delivered. */
    public long duplicated() {
        return duplicated.sum();
    }

    /** Datagrams held back to arrive after the next one (or after the hold timeout, when none came). */
    public long reordered() {
        return reordered.sum();
    }

    public long corrupted() {
        return corrupted.sum();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        received.increment();
        Faults faults = this.faults;
        SplittableRandom dice = random.split();
        // All drawn before any is used, so that one fault's outcome never shifts another's draw.
        boolean lose = dice.nextDouble() < faults.loss();
        boolean corrupt = dice.nextDouble() < faults.corrupt();
        boolean duplicate = dice.nextDouble() < faults.duplicate();
        boolean reorder = dice.nextDouble() < faults.reorder();

        if (isTargeted(packet)) {
            packet.release();
            targetedDrops.increment();
            return;
        }
        if (lose) {
            packet.release();
            dropped.increment();
            return;
        }
        DatagramPacket first = corrupt ? corrupt(packet, dice) : packet;
        DatagramPacket second = null;
        if (duplicate) {
            second = first.retainedDuplicate();
            duplicated.increment();
        }

        DatagramPacket previous = takeHeld();
        if (previous != null) {
            // This datagram is the one the held datagram waited for; holding it in turn could chain holds forever.
            deliver(ctx, first);
            if (second != null) {
                deliver(ctx, second);
            }
            deliver(ctx, previous);
        } else if (reorder) {
            // With a duplicate, the copy is the one held back: a late duplicate, as a network path change makes.
            if (second != null) {
                deliver(ctx, first);
                hold(ctx, second);
            } else {
                hold(ctx, first);
            }
        } else {
            deliver(ctx, first);
            if (second != null) {
                deliver(ctx, second);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        flushHeld(ctx);
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Removing the injector mid-test must not lose the datagram it was holding (and must not leak it).
        flushHeld(ctx);
    }

    @Override
    public String toString() {
        return "FaultInjector[" + faults + ", received=" + received() + ", passed=" + passed() + ", dropped="
                + dropped() + ", targetedDrops=" + targetedDrops() + ", duplicated=" + duplicated() + ", reordered="
                + reordered() + ", corrupted=" + corrupted() + "]";
    }

    private boolean isTargeted(DatagramPacket packet) {
        if (targets.isEmpty()) {
            return false;
        }
        for (Target target : targets) {
            boolean matches;
            try {
                matches = target.match.test(packet.content().duplicate().asReadOnly());
            } catch (RuntimeException | Error e) {
                // The pipeline reports the test's bug through exceptionCaught; the datagram must not leak on the way.
                packet.release();
                throw e;
            }
            if (matches) {
                if (target.remaining.decrementAndGet() <= 0) {
                    targets.remove(target);
                }
                return true;
            }
        }
        return false;
    }

    /**
     * A copy with one bit flipped: the original's memory may be shared (a duplicate, the sender's buffer in an
     * in-JVM test), so it is never written to.
     */
    private DatagramPacket corrupt(DatagramPacket packet, SplittableRandom dice) {
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        if (length == 0) {
            return packet;
        }
        ByteBuf copy = content.copy();
        int index = dice.nextInt(length);
        copy.setByte(index, copy.getByte(index) ^ (1 << dice.nextInt(Byte.SIZE)));
        DatagramPacket flipped = packet.replace(copy);
        packet.release();
        corrupted.increment();
        return flipped;
    }

    private void hold(ChannelHandlerContext ctx, DatagramPacket packet) {
        held = packet;
        reordered.increment();
        holdTimer = ctx.executor().schedule(() -> {
            if (held == packet) {
                flushHeld(ctx);
            }
        }, maxHoldNanos, TimeUnit.NANOSECONDS);
    }

    private DatagramPacket takeHeld() {
        DatagramPacket packet = held;
        held = null;
        if (holdTimer != null) {
            holdTimer.cancel(false);
            holdTimer = null;
        }
        return packet;
    }

    /** Delivers the held datagram outside a read, so it is followed by the read-complete the next handlers expect. */
    private void flushHeld(ChannelHandlerContext ctx) {
        DatagramPacket packet = takeHeld();
        if (packet != null) {
            deliver(ctx, packet);
            ctx.fireChannelReadComplete();
        }
    }

    private void deliver(ChannelHandlerContext ctx, DatagramPacket packet) {
        passed.increment();
        ctx.fireChannelRead(packet);
    }
}
