package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.RandomFields;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerFrame.CookieReply;
import dev.p2pchat.protocol.peer.PeerFrame.Finish;
import dev.p2pchat.protocol.peer.PeerFrame.Initiation;
import dev.p2pchat.protocol.peer.PeerFrame.Response;
import dev.p2pchat.protocol.peer.PeerFrame.Transport;
import java.util.Random;

/**
 * Valid random peer frames of every type from seeded {@link RandomFields}, reaching the edges of every field: indices
 * and counters 0, with the high bit set and all ones, initiations with and without a cookie's mac2, and TRANSPORT
 * frames of the smallest ({@value PeerWire#MIN_TRANSPORT_SIZE}) and the largest
 * ({@value Wire#MAX_PEER_DATAGRAM_SIZE}) size. The Noise messages and sealed bytes are random: the clear layer never
 * reads them.
 */
public final class RandomPeerFrames {
    private static final int MIN_SEALED = PeerWire.MIN_TRANSPORT_SIZE - PeerWire.TRANSPORT_HEADER_SIZE;
    private static final int MAX_SEALED = Wire.MAX_PEER_DATAGRAM_SIZE - PeerWire.TRANSPORT_HEADER_SIZE;

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
            case INITIATION_IK -> new Initiation(type, index(), fields.octets(PeerWire.NOISE_IK_1), mac(), mac2());
            case INITIATION_XX -> new Initiation(type, index(), fields.octets(PeerWire.NOISE_XX_1), mac(), mac2());
            case RESPONSE_IK -> new Response(type, index(), index(), fields.octets(PeerWire.NOISE_IK_2));
            case RESPONSE_XX -> new Response(type, index(), index(), fields.octets(PeerWire.NOISE_XX_2));
            case FINISH_XX -> new Finish(index(), fields.octets(PeerWire.NOISE_XX_3));
            case COOKIE_REPLY -> new CookieReply(index(), fields.octets(PeerWire.COOKIE_NONCE_SIZE),
                    fields.octets(PeerWire.COOKIE_SIZE + PeerWire.TAG_SIZE));
            case TRANSPORT -> new Transport(index(), counter(), fields.octets(sealedLength()));
        };
    }

    /** Any u32, often at its edges. */
    private int index() {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1;
            default -> random.nextInt();
        };
    }

    /** Any u64, often at its edges. */
    private long counter() {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> random.nextInt(1000);
            default -> random.nextLong();
        };
    }

    private int sealedLength() {
        return switch (random.nextInt(4)) {
            case 0 -> MIN_SEALED;
            case 1 -> MAX_SEALED;
            default -> MIN_SEALED + random.nextInt(MAX_SEALED - MIN_SEALED + 1);
        };
    }

    private Octets mac() {
        return fields.octets(PeerWire.MAC_SIZE);
    }

    /** A responder's cookie makes mac2; without one it is 16 zeros. */
    private Octets mac2() {
        return random.nextBoolean() ? Octets.zeros(PeerWire.MAC_SIZE) : mac();
    }
}
