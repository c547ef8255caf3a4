package dev.p2pchat.peer.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.api.MessageId;
import dev.p2pchat.peer.api.PeerEvent.Connected;
import dev.p2pchat.peer.api.PeerEvent.Delivered;
import dev.p2pchat.peer.api.PeerEvent.Disconnected;
import dev.p2pchat.peer.api.PeerEvent.Failed;
import dev.p2pchat.peer.api.PeerEvent.MessageReceived;
import dev.p2pchat.peer.api.PeerEvent.Sent;
import dev.p2pchat.peer.link.LinkTable;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.ChatContent;
import dev.p2pchat.protocol.peer.FrameType;
import dev.p2pchat.protocol.peer.PeerWire;
import dev.p2pchat.testsupport.FaultInjector.Faults;
import dev.p2pchat.testsupport.FaultInjector;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two peers on 127.0.0.1 that talk through a seeded {@link FaultInjector} at the front of each one's receive path,
 * so every fault hits both directions: alice's DATA on the way to bob, bob's ACKs on the way back, and the
 * handshake. The tests check what bob shows (every message exactly once, in alice's order), what alice is told
 * (each message delivered exactly once, none failed), and that the faults they are about really happened.
 *
 * <p>The seeds fix each injector's decisions per datagram position; which datagram lands at which position still
 * depends on timing (retransmissions), so a run is not replayed bit for bit, and the floors on the fault counters
 * are set well below what the rates make likely.
 */
class PeerFaultTest {
    /** Bounds each wait for a batch of deliveries; the test's own timeout is above it. */
    private static final long DELIVERY_WAIT_SECONDS = 25;
    /**
     * Sealed frames show nothing but their size: a sealed DATA of a message that fits one piece, with no
     * acknowledgement entries beside it, is this much more than its payload (PROTOCOL.md)...
     */
    private static final int SEALED_DATA_OVERHEAD = PeerWire.TRANSPORT_HEADER_SIZE + PeerWire.DATA_FIXED_SIZE
            + PeerWire.ACK_BLOCK_FIXED_SIZE + PeerWire.TAG_SIZE;
    /** ...and a sealed ACK of the cursor alone (or a PONG) is this long. */
    private static final int SEALED_ACK_SIZE = PeerWire.TRANSPORT_HEADER_SIZE + 1 + PeerWire.ACK_BLOCK_FIXED_SIZE
            + PeerWire.TAG_SIZE;

    @TempDir
    Path dataRoot;

    private final EventLog aliceEvents = new EventLog();
    private final EventLog bobEvents = new EventLog();
    private TestNetwork network;
    private PeerNode alice;
    private PeerNode bob;
    private FaultInjector aliceFaults;
    private FaultInjector bobFaults;

    /**
     * Starts alice and bob with {@code faults} on both receive paths from their first datagram on, connects alice
     * to bob's address and waits until both sides see the conversation open.
     */
    private void start(long seed, Faults faults) throws Exception {
        network = new TestNetwork(dataRoot);
        alice = network.start("alice", aliceEvents);
        bob = network.start("bob", bobEvents);
        // Different seeds, so the two directions do not lose the same positions in step.
        aliceFaults = new FaultInjector(seed, faults);
        bobFaults = new FaultInjector(seed ^ 0x5DEECE66DL, faults);
        inFront(alice, FaultInjector.NAME, aliceFaults);
        inFront(bob, FaultInjector.NAME, bobFaults);

        alice.connect("127.0.0.1:" + bob.localAddress().getPort()).get(5, TimeUnit.SECONDS);
        aliceEvents.await(Connected.class, event -> event.peer().name().equals("bob"));
        bobEvents.await(Connected.class, event -> event.peer().name().equals("alice"));
    }

    /**
     * Puts {@code handler} at the front of the node's receive path, on its event loop: added from another thread, a
     * handler is skipped by datagrams read before the loop gets round to adding it, which a test that counts on
     * seeing one particular datagram cannot afford.
     */
    private static void inFront(PeerNode node, String name, ChannelHandler handler) throws Exception {
        node.channel().eventLoop().submit(() -> node.channel().pipeline().addFirst(name, handler))
                .get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        // Faults off first, so the goodbyes get through and neither side is left waiting for a dead peer.
        for (FaultInjector injector : new FaultInjector[] {aliceFaults, bobFaults}) {
            if (injector != null) {
                injector.setFaults(Faults.none());
            }
        }
        if (network != null) {
            network.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldDeliverAThousandMessagesExactlyOnceInOrderWithThirtyPercentLossBothWays() throws Exception {
        start(0x10557L, Faults.loss(0.3));
        List<String> texts = texts("loss", 1000);

        List<MessageId> ids = sendAll(texts);

        awaitDelivery(ids, texts);
        assertDeliveredExactlyOnceInOrder(ids, texts);
        assertThat(bobFaults.dropped()).as("DATA lost on the way to bob: " + bobFaults).isGreaterThan(200);
        // Acknowledgements are cumulative and ride on bursts, so far fewer go back than DATA went out.
        assertThat(aliceFaults.dropped()).as("ACKs lost on the way to alice: " + aliceFaults).isGreaterThan(40);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldShowNoMessageTwiceWhenAQuarterOfTheDatagramsArriveTwice() throws Exception {
        start(0xD0B1EL, Faults.duplicate(0.25));
        List<String> texts = texts("dup", 300);

        List<MessageId> ids = sendAll(texts);

        awaitDelivery(ids, texts);
        assertDeliveredExactlyOnceInOrder(ids, texts);
        assertThat(bobFaults.duplicated()).as("DATA copies bob got: " + bobFaults).isGreaterThan(30);
        assertThat(aliceFaults.duplicated()).as("ACK copies alice got: " + aliceFaults).isPositive();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldKeepTheSendersOrderWhenDatagramsOvertakeEachOther() throws Exception {
        start(0x0DE4L, Faults.reorder(0.3));
        List<String> texts = texts("reorder", 300);

        List<MessageId> ids = sendAll(texts);

        awaitDelivery(ids, texts);
        assertDeliveredExactlyOnceInOrder(ids, texts);
        assertThat(bobFaults.reordered()).as("DATA held back on the way to bob: " + bobFaults).isGreaterThan(30);
        assertThat(aliceFaults.reordered()).as("ACKs held back on the way to alice: " + aliceFaults).isPositive();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRetransmitUntilAnAckGetsThroughWhenEveryAckOfOneMessageIsLostThreeTimes() throws Exception {
        start(0xACCL, Faults.none());
        // A first message gives alice a round-trip sample, so retransmissions run on the measured timeout.
        List<MessageId> warmUp = sendAll(List.of("warm-up"));
        awaitDelivery(warmUp, List.of("warm-up"));

        // Sealed, an acknowledgement is known by its size only, and by when it comes: after bob got the DATA.
        String text = "the one whose acknowledgements get lost";
        DataTap tap = new DataTap(contentLength(text));
        inFront(bob, "tap", tap);
        aliceFaults.dropMatching(datagram -> datagram.readableBytes() == SEALED_ACK_SIZE && tap.copies() > 0, 3);
        // Bob's receipt would carry the acknowledgement too: it is held back until alice's link has had one.
        AtomicBoolean acknowledged = new AtomicBoolean();
        Hold receipts = new Hold(datagram -> sealedData(datagram, ChatContent.ID_SIZE) && !acknowledged.get());
        inFront(alice, "hold", receipts);

        List<MessageId> ids = sendAll(List.of(text));
        aliceEvents.await(Sent.class, event -> event.id().equals(ids.get(0)));
        acknowledged.set(true);

        awaitDelivery(ids, List.of("warm-up", text));
        assertThat(receipts.held()).as("receipts held back").isPositive();
        assertDeliveredExactlyOnceInOrder(List.of(warmUp.get(0), ids.get(0)), List.of("warm-up", text));
        assertThat(aliceFaults.targetedDrops()).as("ACKs dropped: " + aliceFaults).isEqualTo(3);
        assertThat(aliceFaults.pendingTargetedDrops()).isZero();
        // Alice's link only learns that bob has the message from an ACK, and the first three were dropped: bob must
        // have been sent it at least four times, and shown it once.
        assertThat(tap.copies()).as("copies of the DATA bob received").isGreaterThanOrEqualTo(4);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldReassembleA64KibMessageIntactWithTenPercentLossBothWays() throws Exception {
        start(0x64C1BL, Faults.loss(0.1));
        String big = variedText(new SplittableRandom(64), ChatContent.MAX_TEXT_SIZE);
        assertThat(contentLength(big)).as("the message's content, with its id and time").isEqualTo(65_536);
        List<String> texts = List.of(big, "after the big one");
        // Bob acknowledges once per burst, so only a dozen datagrams go back and 10% loss may miss them all: the
        // first two datagrams of an acknowledgement's size (sealed, an ACK is known by its size only; a PONG is as
        // long as an ACK without entries) are lost for sure.
        aliceFaults.dropMatching(datagram -> datagram.readableBytes() >= SEALED_ACK_SIZE
                && datagram.readableBytes() <= SEALED_ACK_SIZE + PeerWire.MAX_ACK_ENTRIES * PeerWire.ACK_ENTRY_SIZE
                && (datagram.readableBytes() - SEALED_ACK_SIZE) % PeerWire.ACK_ENTRY_SIZE == 0, 2);

        List<MessageId> ids = sendAll(texts);

        awaitDelivery(ids, texts);
        assertDeliveredExactlyOnceInOrder(ids, texts);
        // 60 pieces there, plus retransmissions: some were lost on the way, and acknowledgements on the way back.
        assertThat(bobFaults.dropped()).as("pieces lost on the way to bob: " + bobFaults).isPositive();
        assertThat(aliceFaults.targetedDrops())
                .as("acknowledgement-sized datagrams lost on the way to alice: " + aliceFaults).isEqualTo(2);
    }

    /**
     * A flipped bit lands anywhere: in the header, the receiver index, the counter, the sealed bytes or the tag.
     * Every peer frame after the handshake is sealed with its clear header as associated data, so wherever the bit
     * lands the datagram is dropped and counted (as malformed, not for peers, for no known keys, or not authentic),
     * and the sender's retransmission repairs the loss: bob shows every message once, in order, with its exact text.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldDeliverEveryMessageOnceInOrderWhenFivePercentOfDatagramsAreCorrupted() throws Exception {
        start(0xC0DEL, Faults.corrupt(0.05));
        long aliceDroppedAtStart = dropped(alice);
        long bobDroppedAtStart = dropped(bob);
        List<String> texts = texts("corrupt", 300);

        List<MessageId> ids = sendAll(texts);

        awaitDelivery(ids, texts);
        assertDeliveredExactlyOnceInOrder(ids, texts);
        assertThat(bobFaults.corrupted()).as("DATA corrupted on the way to bob: " + bobFaults).isGreaterThan(5);
        assertThat(aliceFaults.corrupted()).as("ACKs corrupted on the way to alice: " + aliceFaults).isPositive();
        assertThat(dropped(bob)).as("bob's dropped datagrams").isGreaterThan(bobDroppedAtStart);
        assertThat(dropped(alice)).as("alice's dropped datagrams").isGreaterThan(aliceDroppedAtStart);
        assertThat(bob.droppedDatagrams(LinkTable.Drop.NOT_AUTHENTIC)).as("most fail to open").isPositive();
        // Nothing else sends malformed datagrams here: each corrupted one was dropped and counted, none got through.
        assertThat(dropped(bob)).as("datagrams bob dropped; " + bobFaults).isEqualTo(bobFaults.corrupted());
        assertThat(dropped(alice)).as("datagrams alice dropped; " + aliceFaults).isEqualTo(aliceFaults.corrupted());
        assertThat(alice.channel().isActive() && bob.channel().isActive()).as("both sockets open").isTrue();
    }

    /**
     * A bit flipped on purpose in the sealed DATA of one message: in the receiver index (no keys are named so), the
     * counter (part of the associated data), the sealed bytes or the tag. Wherever it lands, the frame does not
     * open, changes nothing at bob's, and is counted for why; bob acknowledges nothing, so alice sends the message
     * again and it arrives intact, once. Without the seal (a CRC trailer, once) a forger who fixed the checksum got
     * a changed fragment count accepted, and every message after it stuck.
     */
    @ParameterizedTest(name = "bit flipped at byte {0}")
    @ValueSource(ints = {5, 10, 40, -1})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldDropATamperedSealedDataWithoutEffectAndDeliverTheMessageAgain(int offset) throws Exception {
        start(0xF1A9L, Faults.none());
        List<String> texts = List.of("before", "the one that is tampered with", "after");
        int length = contentLength(texts.get(1));
        BitFlip flip = new BitFlip(length, offset);
        DataTap tap = new DataTap(length);
        inFront(bob, "flip", flip);
        // In front of the flip: the tap sees every copy of the DATA as alice sent it.
        inFront(bob, "tap", tap);
        LinkTable.Drop reason = offset == 5 ? LinkTable.Drop.UNKNOWN_INDEX : LinkTable.Drop.NOT_AUTHENTIC;
        long before = bob.droppedDatagrams(reason);
        long droppedBefore = dropped(bob);

        List<MessageId> ids = sendAll(texts);

        awaitDelivery(ids, texts);
        assertThat(flip.flipped()).as("the DATA was tampered with").isTrue();
        assertDeliveredExactlyOnceInOrder(ids, texts);
        assertThat(bob.droppedDatagrams(reason) - before).as("dropped as " + reason).isEqualTo(1);
        assertThat(dropped(bob) - droppedBefore).as("all bob dropped").isEqualTo(1);
        assertThat(tap.copies()).as("copies of the DATA bob received: the tampered one, then a retransmission")
                .isGreaterThanOrEqualTo(2);
    }

    // ---- helpers ----

    private static List<String> texts(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> String.format("%s %04d of %d", prefix, i, count))
                .toList();
    }

    /** Sends each text from alice to bob in order; returns the ids once every send is queued. */
    private List<MessageId> sendAll(List<String> texts) throws Exception {
        List<CompletableFuture<MessageId>> futures = texts.stream().map(text -> alice.send("bob", text)).toList();
        List<MessageId> ids = new ArrayList<>();
        for (CompletableFuture<MessageId> future : futures) {
            ids.add(future.get(5, TimeUnit.SECONDS));
        }
        return ids;
    }

    /** Waits until alice was told of every delivery (or of a failure) and bob showed as many messages. */
    private void awaitDelivery(List<MessageId> ids, List<String> shown) throws InterruptedException {
        Set<MessageId> awaited = Set.copyOf(ids);
        EventLog.until(ids.size() + " deliveries to bob; " + aliceFaults + " " + bobFaults, DELIVERY_WAIT_SECONDS,
                () -> aliceEvents.all(Delivered.class, event -> awaited.contains(event.id())).size() >= ids.size()
                        || aliceEvents.count(Failed.class) > 0);
        EventLog.until(shown.size() + " messages shown by bob", DELIVERY_WAIT_SECONDS,
                () -> received().size() >= shown.size() || aliceEvents.count(Failed.class) > 0);
    }

    /** Every message delivered once and shown once, in order, none failed and nobody disconnected. */
    private void assertDeliveredExactlyOnceInOrder(List<MessageId> ids, List<String> texts) throws Exception {
        assertSettled(ids);
        List<String> expected = endWithFaultsOff(texts);
        assertThat(received()).as("what bob showed").containsExactlyElementsOf(expected);
        assertStillConnected();
    }

    /** Alice was told of each delivery once, and of no failure. */
    private void assertSettled(List<MessageId> ids) {
        assertThat(aliceEvents.all(Failed.class)).as("failed").isEmpty();
        assertThat(aliceEvents.all(Delivered.class).stream().map(Delivered::id).toList())
                .as("delivered").containsAll(ids).doesNotHaveDuplicates();
    }

    /**
     * Turns the faults off and sends one more message, waiting until bob shows it: a copy of an earlier message
     * still on its way would be shown before it, so "exactly once" is checked past the faulty part. Returns the
     * texts bob should have shown.
     */
    private List<String> endWithFaultsOff(List<String> texts) throws Exception {
        aliceFaults.setFaults(Faults.none());
        bobFaults.setFaults(Faults.none());
        String last = "the end, with the faults off";
        MessageId lastId = sendAll(List.of(last)).get(0);
        List<String> expected = new ArrayList<>(texts);
        expected.add(last);
        EventLog.until("the last message", DELIVERY_WAIT_SECONDS, () -> received().contains(last)
                && !aliceEvents.all(Delivered.class, event -> event.id().equals(lastId)).isEmpty());
        return expected;
    }

    private void assertStillConnected() {
        assertThat(aliceEvents.all(Disconnected.class)).as("alice's disconnections").isEmpty();
        assertThat(bobEvents.all(Disconnected.class)).as("bob's disconnections").isEmpty();
    }

    private List<String> received() {
        return bobEvents.all(MessageReceived.class, event -> event.from().name().equals("alice")).stream()
                .map(MessageReceived::text).toList();
    }

    /** Datagrams a peer dropped before any conversation saw them, for whatever reason. */
    private static long dropped(PeerNode node) {
        long dropped = node.malformedDatagrams() - node.droppedDatagrams(LinkTable.Drop.MALFORMED);
        for (LinkTable.Drop reason : LinkTable.Drop.values()) {
            dropped += node.droppedDatagrams(reason);
        }
        return dropped;
    }

    /** Whether {@code datagram} is a sealed DATA of a one-piece message with a payload of {@code length} bytes. */
    private static boolean sealedData(ByteBuf datagram, int length) {
        return datagram.readableBytes() == SEALED_DATA_OVERHEAD + length
                && datagram.getUnsignedByte(datagram.readerIndex() + Wire.TYPE_OFFSET) == FrameType.TRANSPORT.code();
    }

    /** The size of the content that carries {@code text}: its UTF-8 behind the message's id and time. */
    private static int contentLength(String text) {
        return ChatContent.TEXT_HEADER_SIZE + text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Exactly {@code bytes} bytes of UTF-8 mixing one- to four-byte characters and line breaks, so that fragment
     * boundaries fall inside characters too.
     */
    private static String variedText(SplittableRandom random, int bytes) {
        String[] palette = {"a", "Z", "7", " ", ".", "\n", "é", "ß", "€", "中", "😀"};
        StringBuilder text = new StringBuilder();
        int size = 0;
        while (size < bytes) {
            String next = palette[random.nextInt(palette.length)];
            int length = next.getBytes(StandardCharsets.UTF_8).length;
            if (size + length > bytes) {
                next = "x";
                length = 1;
            }
            text.append(next);
            size += length;
        }
        return text.toString();
    }

    /** Watches a receive path for the sealed DATA of one message, known by its size: how often it came. */
    private static final class DataTap extends ChannelInboundHandlerAdapter {
        private final int length;
        private final AtomicInteger copies = new AtomicInteger();

        DataTap(int length) {
            this.length = length;
        }

        int copies() {
            return copies.get();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket packet && sealedData(packet.content(), length)) {
                copies.incrementAndGet();
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Drops, and counts, the datagrams on a receive path that {@code match} picks while it picks them. */
    private static final class Hold extends ChannelInboundHandlerAdapter {
        private final Predicate<ByteBuf> match;
        private final AtomicInteger held = new AtomicInteger();

        Hold(Predicate<ByteBuf> match) {
            this.match = match;
        }

        int held() {
            return held.get();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket packet && match.test(packet.content())) {
                held.incrementAndGet();
                packet.release();
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Flips the lowest bit at {@code offset} (from the end when negative) of the first sealed DATA on a receive path
     * that carries a payload of {@code length} bytes: the one corruption a test is about.
     */
    private static final class BitFlip extends ChannelInboundHandlerAdapter {
        private final int length;
        private final int offset;
        private final AtomicBoolean flipped = new AtomicBoolean();

        BitFlip(int length, int offset) {
            this.length = length;
            this.offset = offset;
        }

        boolean flipped() {
            return flipped.get();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket packet && !flipped.get() && sealedData(packet.content(), length)) {
                ByteBuf copy = packet.content().copy();
                int at = offset >= 0 ? offset : copy.writerIndex() + offset;
                copy.setByte(at, copy.getByte(at) ^ 1);
                flipped.set(true);
                DatagramPacket corrupted = packet.replace(copy);
                packet.release();
                ctx.fireChannelRead(corrupted);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }
}
