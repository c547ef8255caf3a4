package dev.p2pchat.testsupport;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.testsupport.FaultInjector.Faults;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FaultInjectorTest {
    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress RECIPIENT = new InetSocketAddress("127.0.0.1", 7000);
    private static final int PAYLOAD_SIZE = 16;
    private static final int MANY = 10_000;
    private static final long SEED = 20261121L;

    /** Every buffer a test put in or took out, checked for release after the test. */
    private final List<ByteBuf> buffers = new ArrayList<>();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeAll
    static void detectEveryLeak() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterEach
    void everyBufferReleased() {
        for (EmbeddedChannel open : channels) {
            assertThat(open.finishAndReleaseAll()).as("nothing left in the channel").isFalse();
        }
        assertThat(buffers).allSatisfy(buffer -> assertThat(buffer.refCnt()).isZero());
    }

    @Test
    void shouldLoseAboutTheLossRateAndAccountForEveryDatagram() {
        FaultInjector injector = open(new FaultInjector(SEED, Faults.loss(0.1)));

        List<byte[]> arrived = sendAndDrain(MANY);

        assertThat(injector.dropped()).isBetween(900L, 1100L);
        assertThat(injector.received()).isEqualTo(MANY);
        assertThat(injector.passed() + injector.dropped()).isEqualTo(MANY);
        assertThat(arrived).hasSize((int) injector.passed());
        assertThat(ids(arrived)).isSorted().doesNotHaveDuplicates();
        assertNoOtherFaults(injector, "dropped");
    }

    @Test
    void shouldDuplicateAboutTheDuplicateRate() {
        FaultInjector injector = open(new FaultInjector(SEED, Faults.duplicate(0.1)));

        List<byte[]> arrived = sendAndDrain(MANY);

        assertThat(injector.duplicated()).isBetween(900L, 1100L);
        assertThat(injector.passed()).isEqualTo(MANY + injector.duplicated());
        assertThat(arrived).hasSize((int) injector.passed());
        assertThat(ids(arrived)).isSorted().containsAll(IntStream.range(0, MANY).boxed().toList());
        assertNoOtherFaults(injector, "duplicated");
    }

    @Test
    void shouldCorruptAboutTheCorruptRateOneBitEach() {
        FaultInjector injector = open(new FaultInjector(SEED, Faults.corrupt(0.1)));

        List<byte[]> arrived = sendAndDrain(MANY);

        assertThat(injector.corrupted()).isBetween(900L, 1100L);
        assertThat(arrived).hasSize(MANY);
        long changed = 0;
        for (int id = 0; id < MANY; id++) {
            int bits = differingBits(payload(id), arrived.get(id));
            assertThat(bits).as("bits flipped in datagram %d", id).isLessThanOrEqualTo(1);
            changed += bits;
        }
        assertThat(changed).isEqualTo(injector.corrupted());
        assertNoOtherFaults(injector, "corrupted");
    }

    @Test
    void shouldReorderAboutTheReorderRateWithoutLosingAny() {
        double rate = 0.1;
        FaultInjector injector = open(new FaultInjector(SEED, Faults.reorder(rate)));

        List<Integer> ids = ids(sendAndDrain(MANY));

        // A datagram arriving while another is held is delivered, not held, so holds happen at rate / (1 + rate).
        double expected = MANY * rate / (1 + rate);
        assertThat((double) injector.reordered()).isBetween(expected * 0.9, expected * 1.1);
        assertThat(ids).hasSize(MANY).doesNotHaveDuplicates();
        long descents = IntStream.range(1, ids.size()).filter(i -> ids.get(i - 1) > ids.get(i)).count();
        // Each hold swaps a pair, except a last hold that ends by timeout with nothing to swap with.
        assertThat(descents).isBetween(injector.reordered() - 1, injector.reordered());
        assertThat(injector.passed()).isEqualTo(MANY);
        assertNoOtherFaults(injector, "reordered");
    }

    @Test
    void shouldAccountForEveryDatagramWhenAllFaultsCombine() {
        FaultInjector injector = open(new FaultInjector(SEED, new Faults(0.1, 0.1, 0.1, 0.1)));
        injector.dropMatching(content -> content.readInt() % 100 == 0, 50);

        List<byte[]> arrived = sendAndDrain(MANY);

        assertThat(injector.targetedDrops()).isEqualTo(50);
        assertThat(injector.dropped()).isBetween(850L, 1150L);
        assertThat(injector.duplicated()).isBetween(750L, 1050L);
        assertThat(injector.corrupted()).isBetween(750L, 1050L);
        assertThat(injector.reordered()).isBetween(650L, 950L);
        assertThat(arrived).hasSize((int) injector.passed());
        assertThat(injector.received())
                .isEqualTo(MANY)
                .isEqualTo(injector.passed() - injector.duplicated() + injector.dropped() + injector.targetedDrops());
    }

    @Test
    void shouldMakeTheSameDecisionsForTheSameSeed() {
        Faults faults = new Faults(0.2, 0.2, 0.2, 0.2);

        List<String> first = hex(run(SEED, faults));
        List<String> second = hex(run(SEED, faults));
        List<String> otherSeed = hex(run(SEED + 1, faults));

        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void shouldLoseTheSameDatagramsWhenOtherRatesChange() {
        Set<Integer> lostAlone = lost(run(SEED, Faults.loss(0.2)));
        Set<Integer> lostAmongOthers = lost(run(SEED, Faults.loss(0.2).withDuplicate(0.3).withReorder(0.3)));

        assertThat(lostAlone).isNotEmpty();
        assertThat(lostAmongOthers).isEqualTo(lostAlone);
    }

    @Test
    void shouldDeliverADuplicateRightAfterTheOriginal() {
        FaultInjector injector = open(new FaultInjector(SEED, Faults.duplicate(1)));

        channel.writeInbound(datagram(1));

        DatagramPacket original = channel.readInbound();
        DatagramPacket duplicate = channel.readInbound();
        try {
            assertThat(duplicate).isNotNull();
            assertThat(ByteBufUtil.getBytes(duplicate.content())).isEqualTo(payload(1));
            assertThat(ByteBufUtil.getBytes(original.content())).isEqualTo(payload(1));
            assertThat(duplicate.sender()).isEqualTo(SENDER);
            assertThat(duplicate.recipient()).isEqualTo(RECIPIENT);
        } finally {
            original.release();
            duplicate.release();
        }
        assertThat(channel.<Object>readInbound()).isNull();
        assertThat(injector.passed()).isEqualTo(2);
        assertThat(injector.duplicated()).isEqualTo(1);
    }

    @Test
    void shouldDeliverAHeldDatagramAfterTheNextOne() {
        FaultInjector injector = open(new FaultInjector(SEED, Faults.reorder(1)));

        channel.writeInbound(datagram(1));
        assertThat(channel.<Object>readInbound()).as("held back").isNull();
        channel.writeInbound(datagram(2));
        channel.writeInbound(datagram(3));
        channel.writeInbound(datagram(4));

        assertThat(ids(drain())).containsExactly(2, 1, 4, 3);
        assertThat(injector.reordered()).isEqualTo(2);
    }

    @Test
    void shouldDeliverAHeldDatagramWhenTheHoldTimesOut() {
        FaultInjector injector = open(new FaultInjector(SEED, Faults.reorder(1), Duration.ofMillis(50)));

        channel.writeInbound(datagram(1));
        channel.advanceTimeBy(49, MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.<Object>readInbound()).as("still held").isNull();

        channel.advanceTimeBy(1, MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(ids(drain())).containsExactly(1);
        assertThat(injector.passed()).isEqualTo(1);
    }

    @Test
    void shouldNotDeliverTwiceWhenTheTimerOfADeliveredHoldFires() {
        open(new FaultInjector(SEED, Faults.reorder(1)));

        channel.writeInbound(datagram(1));
        channel.writeInbound(datagram(2));
        channel.advanceTimeBy(1, SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(ids(drain())).containsExactly(2, 1);
    }

    @Test
    void shouldDeliverAHeldDatagramWhenTheChannelGoesInactive() {
        open(new FaultInjector(SEED, Faults.reorder(1)));

        channel.writeInbound(datagram(1));
        channel.close();

        assertThat(ids(drain())).containsExactly(1);
    }

    @Test
    void shouldDeliverAHeldDatagramWhenTheInjectorIsRemoved() {
        open(new FaultInjector(SEED, Faults.reorder(1)));

        channel.writeInbound(datagram(1));
        channel.pipeline().remove(FaultInjector.NAME);
        channel.advanceTimeBy(1, SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(ids(drain())).containsExactly(1);
    }

    @Test
    void shouldCorruptACopyAndReleaseTheOriginal() {
        FaultInjector injector = open(new FaultInjector(SEED, Faults.corrupt(1)));
        DatagramPacket sent = datagram(1);

        channel.writeInbound(sent);

        DatagramPacket corrupted = channel.readInbound();
        try {
            assertThat(corrupted.content()).isNotSameAs(sent.content());
            assertThat(differingBits(payload(1), ByteBufUtil.getBytes(corrupted.content()))).isEqualTo(1);
            assertThat(corrupted.sender()).isEqualTo(SENDER);
            assertThat(sent.refCnt()).as("the original, released").isZero();
        } finally {
            buffers.add(corrupted.content());
            corrupted.release();
        }
        assertThat(injector.corrupted()).isEqualTo(1);
    }

    @Test
    void shouldPassAnEmptyDatagramWithNothingToCorrupt() {
        FaultInjector injector = open(new FaultInjector(SEED, Faults.corrupt(1)));
        ByteBuf empty = track(Unpooled.buffer(0));

        channel.writeInbound(new DatagramPacket(empty, RECIPIENT, SENDER));

        assertThat(drain()).singleElement().satisfies(bytes -> assertThat(bytes).isEmpty());
        assertThat(injector.corrupted()).isZero();
    }

    @Test
    void shouldDropExactlyTheNextMatchingDatagrams() {
        FaultInjector injector = open(new FaultInjector(SEED, Faults.none()));
        // Reads from its view, which must leave the datagrams that pass intact.
        injector.dropMatching(content -> content.readInt() == 7, 3);
        assertThat(injector.pendingTargetedDrops()).isEqualTo(3);

        for (int i = 0; i < 5; i++) {
            channel.writeInbound(datagram(7));
            channel.writeInbound(datagram(1));
        }

        List<byte[]> arrived = drain();
        assertThat(ids(arrived)).containsExactly(1, 1, 1, 7, 1, 7, 1);
        assertThat(arrived).allSatisfy(bytes -> assertThat(bytes).hasSize(PAYLOAD_SIZE));
        assertThat(injector.targetedDrops()).isEqualTo(3);
        assertThat(injector.dropped()).isZero();
        assertThat(injector.pendingTargetedDrops()).isZero();
    }

    @Test
    void shouldReleaseTheDatagramWhenAMatcherThrows() {
        FaultInjector injector = open(new FaultInjector(SEED, Faults.none()));
        injector.dropMatching(content -> {
            throw new IllegalStateException("a broken matcher");
        }, 1);

        assertThatThrownBy(() -> channel.writeInbound(datagram(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a broken matcher");
        assertThat(drain()).isEmpty();
    }

    @Test
    void shouldPassOtherMessagesUntouched() {
        FaultInjector injector = open(new FaultInjector(SEED, Faults.loss(1)));
        ByteBuf raw = track(Unpooled.copiedBuffer(payload(1)));

        channel.writeInbound("not a datagram", raw);

        assertThat(channel.<Object>readInbound()).isEqualTo("not a datagram");
        ByteBuf passed = channel.readInbound();
        assertThat(passed).isSameAs(raw);
        passed.release();
        assertThat(injector.received()).isZero();
        assertThat(injector.dropped()).isZero();
    }

    @Test
    void shouldApplyNewFaultsFromTheNextDatagram() {
        FaultInjector injector = open(new FaultInjector(SEED, Faults.loss(1)));

        channel.writeInbound(datagram(1));
        injector.setFaults(Faults.none());
        channel.writeInbound(datagram(2));

        assertThat(ids(drain())).containsExactly(2);
        assertThat(injector.dropped()).isEqualTo(1);
        assertThat(injector.faults()).isEqualTo(Faults.none());
    }

    @Test
    void shouldRejectProbabilitiesOutsideZeroToOne() {
        assertThatThrownBy(() -> new Faults(1.5, 0, 0, 0)).hasMessageContaining("loss");
        assertThatThrownBy(() -> Faults.duplicate(-0.1)).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> Faults.reorder(Double.NaN)).hasMessageContaining("reorder");
        assertThatThrownBy(() -> Faults.none().withCorrupt(2)).hasMessageContaining("corrupt");
    }

    @Test
    void shouldRejectNonsenseSettings() {
        FaultInjector injector = new FaultInjector(SEED, Faults.none());

        assertThatThrownBy(() -> injector.dropMatching(content -> true, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FaultInjector(SEED, Faults.none(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldBuildFaultsFromFactoriesAndWithers() {
        assertThat(Faults.loss(0.3).withDuplicate(0.1).withReorder(0.2).withCorrupt(0.4))
                .isEqualTo(new Faults(0.3, 0.1, 0.2, 0.4));
        assertThat(Faults.corrupt(0.5)).isEqualTo(new Faults(0, 0, 0, 0.5));
    }

    private FaultInjector open(FaultInjector injector) {
        channel = new EmbeddedChannel();
        // Hold timeouts move only when a test advances time, never because the machine is slow.
        channel.freezeTime();
        channel.pipeline().addFirst(FaultInjector.NAME, injector);
        channels.add(channel);
        return injector;
    }

    /** Sends datagrams 0 to n - 1 through a fresh injector and returns what arrived, in order. */
    private List<byte[]> run(long seed, Faults faults) {
        open(new FaultInjector(seed, faults));
        return sendAndDrain(1_000);
    }

    private List<byte[]> sendAndDrain(int count) {
        for (int id = 0; id < count; id++) {
            channel.writeInbound(datagram(id));
        }
        // The last datagram may be held back waiting for a successor that never comes.
        channel.advanceTimeBy(FaultInjector.DEFAULT_MAX_HOLD.toMillis(), MILLISECONDS);
        channel.runScheduledPendingTasks();
        return drain();
    }

    /** Reads out and releases everything that arrived. */
    private List<byte[]> drain() {
        List<byte[]> arrived = new ArrayList<>();
        for (DatagramPacket packet; (packet = channel.readInbound()) != null; ) {
            buffers.add(packet.content());
            arrived.add(ByteBufUtil.getBytes(packet.content()));
            packet.release();
        }
        return arrived;
    }

    private DatagramPacket datagram(int id) {
        return new DatagramPacket(track(Unpooled.copiedBuffer(payload(id))), RECIPIENT, SENDER);
    }

    private ByteBuf track(ByteBuf buffer) {
        buffers.add(buffer);
        return buffer;
    }

    /** The id, then bytes derived from it, so a flipped bit anywhere shows. */
    private static byte[] payload(int id) {
        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_SIZE).putInt(id);
        while (payload.hasRemaining()) {
            payload.put((byte) (id * 31 + payload.position()));
        }
        return payload.array();
    }

    private static List<Integer> ids(List<byte[]> payloads) {
        return payloads.stream().map(bytes -> ByteBuffer.wrap(bytes).getInt()).toList();
    }

    private static Set<Integer> lost(List<byte[]> arrived) {
        Set<Integer> lost = IntStream.range(0, 1_000).boxed().collect(Collectors.toCollection(HashSet::new));
        ids(arrived).forEach(lost::remove);
        return lost;
    }

    private static List<String> hex(List<byte[]> payloads) {
        return payloads.stream().map(HexFormat.of()::formatHex).toList();
    }

    private static int differingBits(byte[] expected, byte[] actual) {
        assertThat(actual).hasSameSizeAs(expected);
        int bits = 0;
        for (int i = 0; i < expected.length; i++) {
            bits += Integer.bitCount((expected[i] ^ actual[i]) & 0xff);
        }
        return bits;
    }

    private static void assertNoOtherFaults(FaultInjector injector, String fault) {
        List<String> others = new ArrayList<>();
        if (injector.dropped() != 0 && !fault.equals("dropped")) {
            others.add("dropped");
        }
        if (injector.duplicated() != 0 && !fault.equals("duplicated")) {
            others.add("duplicated");
        }
        if (injector.reordered() != 0 && !fault.equals("reordered")) {
            others.add("reordered");
        }
        if (injector.corrupted() != 0 && !fault.equals("corrupted")) {
            others.add("corrupted");
        }
        if (injector.targetedDrops() != 0) {
            others.add("targetedDrops");
        }
        assertThat(others).as("faults other than %s in %s", fault, injector).isEmpty();
    }
}
