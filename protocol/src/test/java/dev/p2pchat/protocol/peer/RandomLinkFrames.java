package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.RandomFields;
import dev.p2pchat.protocol.peer.LinkFrame.Ack;
import dev.p2pchat.protocol.peer.LinkFrame.AckBlock;
import dev.p2pchat.protocol.peer.LinkFrame.AckEntry;
import dev.p2pchat.protocol.peer.LinkFrame.Data;
import dev.p2pchat.protocol.peer.LinkFrame.Goodbye;
import dev.p2pchat.protocol.peer.LinkFrame.Kind;
import dev.p2pchat.protocol.peer.LinkFrame.Ping;
import dev.p2pchat.protocol.peer.LinkFrame.Pong;
import dev.p2pchat.protocol.peer.LinkFrame.Skip;
import dev.p2pchat.protocol.peer.LinkFrame.Skipped;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Valid random link frames of every kind from seeded {@link RandomFields}, each small enough for one TRANSPORT frame
 * ({@value PeerWire#MAX_LINK_FRAME_SIZE} bytes), reaching the edges of every field: message ids and cursors 1 and
 * 2^32 - 1, ack blocks of 0 and {@value PeerWire#MAX_ACK_ENTRIES} entries, empty messages, messages of
 * {@value PeerWire#MAX_MESSAGE_SIZE} bytes, their first and last byte, full pieces, and PINGs padded to the largest
 * link frame.
 */
public final class RandomLinkFrames {
    /** PING and PONG without padding: kind, sequence and flags. */
    private static final int PING_SIZE = 1 + 4 + 1;

    private final RandomFields fields;
    private final Random random;

    public RandomLinkFrames(long seed) {
        this(new RandomFields(seed));
    }

    /** Frames drawn from {@code fields}, which another generator may share. */
    public RandomLinkFrames(RandomFields fields) {
        this.fields = fields;
        this.random = fields.random();
    }

    public LinkFrame next() {
        Kind[] kinds = Kind.values();
        return next(kinds[random.nextInt(kinds.length)]);
    }

    public LinkFrame next(Kind kind) {
        return switch (kind) {
            case PING -> new Ping(random.nextInt(), flags(), between(0, PeerWire.MAX_LINK_FRAME_SIZE - PING_SIZE));
            case PONG -> new Pong(random.nextInt(), flags());
            case DATA -> data();
            case ACK -> new Ack(ackBlock());
            case SKIP -> new Skip(id());
            case SKIPPED -> new Skipped(id(), random.nextBoolean());
            case GOODBYE -> new Goodbye();
        };
    }

    private Data data() {
        AckBlock ack = ackBlock();
        ContentKind[] kinds = ContentKind.values();
        ContentKind content = kinds[random.nextInt(kinds.length)];
        int total = switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> PeerWire.MAX_MESSAGE_SIZE;
            default -> 1 + random.nextInt(PeerWire.MAX_MESSAGE_SIZE);
        };
        if (total == 0) {
            return new Data(ack, id(), content, 0, 0, Octets.zeros(0));
        }
        int offset = between(0, total - 1);
        // As much as the message has left, a piece may hold and the frame has room for beside the ack block.
        int room = PeerWire.MAX_LINK_FRAME_SIZE - PeerWire.DATA_FIXED_SIZE - ack.size();
        int longest = Math.min(Math.min(total - offset, PeerWire.MAX_PIECE), room);
        return new Data(ack, id(), content, total, offset, fields.octets(between(1, longest)));
    }

    private AckBlock ackBlock() {
        int count = between(0, PeerWire.MAX_ACK_ENTRIES);
        List<AckEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int offset = random.nextInt(PeerWire.MAX_MESSAGE_SIZE);
            int length = between(0, Math.min(PeerWire.MAX_PIECE, PeerWire.MAX_MESSAGE_SIZE - offset));
            entries.add(new AckEntry(id(), offset, length));
        }
        return new AckBlock(id(), entries);
    }

    /** A message id or cursor: 1 to 2^32 - 1, often at its edges. */
    private long id() {
        return switch (random.nextInt(5)) {
            case 0 -> 1;
            case 1 -> 0xFFFF_FFFFL;
            case 2 -> 1 + random.nextInt(1000);
            default -> 1 + (random.nextLong() & 0xFFFF_FFFFL) % 0xFFFF_FFFFL;
        };
    }

    private int flags() {
        return random.nextBoolean() ? LinkFrame.PROBE : 0;
    }

    /** A number from {@code least} to {@code most}, a quarter of the time each edge. */
    private int between(int least, int most) {
        return switch (random.nextInt(4)) {
            case 0 -> least;
            case 1 -> most;
            default -> least + random.nextInt(most - least + 1);
        };
    }
}
