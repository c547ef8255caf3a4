package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.RandomFields;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerFrame.Ack;
import dev.p2pchat.protocol.peer.PeerFrame.Data;
import dev.p2pchat.protocol.peer.PeerFrame.Goodbye;
import dev.p2pchat.protocol.peer.PeerFrame.Hello;
import dev.p2pchat.protocol.peer.PeerFrame.HelloAck;
import dev.p2pchat.protocol.peer.PeerFrame.Ping;
import dev.p2pchat.protocol.peer.PeerFrame.Pong;
import java.util.Random;

/**
 * Valid random peer frames of every type from seeded {@link RandomFields}, reaching the edges of every field:
 * integers with the high bit set, DATA fragments with empty and full payloads, every content kind and the first,
 * last and 59th fragment, so that some DATA fills the largest peer frame to the last byte.
 */
public final class RandomPeerFrames {
    private final RandomFields fields;
    private final Random random;

    public RandomPeerFrames(long seed) {
        this(new RandomFields(seed));
    }

    /** Frames drawn from {@code fields}, which another generator may share. */
    public RandomPeerFrames(RandomFields fields) {
        this.fields = fields;
        this.random = fields.random();
    }

    public PeerFrame next() {
        FrameType[] types = FrameType.values();
        return next(types[random.nextInt(types.length)]);
    }

    public PeerFrame next(FrameType type) {
        return switch (type) {
            case HELLO -> new Hello(random.nextLong(), random.nextLong(), fields.name(), fields.octets(Wire.KEY_SIZE),
                    fields.agreementKey(), random.nextInt(), fields.octets(Wire.SIGNATURE_SIZE));
            case HELLO_ACK -> new HelloAck(random.nextLong(), random.nextLong(), fields.name(),
                    fields.octets(Wire.KEY_SIZE), fields.agreementKey(), random.nextInt(),
                    fields.octets(Wire.SIGNATURE_SIZE));
            case PING -> new Ping(random.nextLong(), random.nextInt());
            case PONG -> new Pong(random.nextLong(), random.nextInt());
            case DATA -> data();
            case ACK -> new Ack(random.nextLong(), messageId(), fragment(PeerWire.MAX_FRAGMENTS));
            case GOODBYE -> new Goodbye(random.nextLong());
        };
    }

    private Data data() {
        int fragments = switch (random.nextInt(4)) {
            case 0 -> 1;
            case 1 -> PeerWire.MAX_FRAGMENTS;
            default -> 1 + random.nextInt(PeerWire.MAX_FRAGMENTS);
        };
        int fragment = fragment(fragments);
        // Every fragment but the last is full; the last carries the rest.
        int length = fragment < fragments - 1 ? PeerWire.MAX_FRAGMENT_PAYLOAD : switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> PeerWire.MAX_FRAGMENT_PAYLOAD;
            default -> random.nextInt(PeerWire.MAX_FRAGMENT_PAYLOAD + 1);
        };
        ContentKind[] kinds = ContentKind.values();
        return new Data(random.nextLong(), messageId(), kinds[random.nextInt(kinds.length)], fragment, fragments,
                fields.octets(length));
    }

    /** A fragment number below {@code fragments}, often the first or the last. */
    private int fragment(int fragments) {
        return switch (random.nextInt(3)) {
            case 0 -> 0;
            case 1 -> fragments - 1;
            default -> random.nextInt(fragments);
        };
    }

    /** Message ids count from 1; a random u64 also reaches the high bit. */
    private long messageId() {
        return random.nextBoolean() ? 1 + random.nextInt(1000) : random.nextLong();
    }
}
