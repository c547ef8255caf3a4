package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.ChaChaPoly;
import dev.p2pchat.protocol.crypto.Macs;

/**
 * Field sizes and limits of the frames between peers (the shared ones are in {@link Wire}). {@code PROTOCOL.md}
 * draws every layout; the sizes below add up to it.
 */
public final class PeerWire {
    /** A receiver or sender index: the number a side chose for one handshake and the keys it made. */
    public static final int INDEX_SIZE = 4;
    /** The per-key counter in front of every sealed frame, its nonce. */
    public static final int COUNTER_SIZE = 8;
    /** mac1 and mac2 of an initiation: truncated HMAC-SHA256. */
    public static final int MAC_SIZE = Macs.MAC_SIZE;
    /** ChaCha20-Poly1305's tag. */
    public static final int TAG_SIZE = ChaChaPoly.TAG_SIZE;
    public static final int COOKIE_SIZE = 16;
    public static final int COOKIE_NONCE_SIZE = ChaChaPoly.NONCE_SIZE;

    /** A handshake payload: identity key, binding signature, name (length and 32 bytes, zero padded), ids. */
    public static final int NAME_FIELD_SIZE = 1 + Wire.MAX_NAME_LENGTH;
    public static final int HANDSHAKE_PAYLOAD_SIZE = Wire.KEY_SIZE + Wire.SIGNATURE_SIZE + NAME_FIELD_SIZE + 8 + 8;
    private static final int SEALED_PAYLOAD = HANDSHAKE_PAYLOAD_SIZE + TAG_SIZE;
    private static final int SEALED_KEY = Wire.KEY_SIZE + TAG_SIZE;

    /** Noise IK message 1 (e, es, s, ss, payload) and 2 (e, ee, se, payload). */
    public static final int NOISE_IK_1 = Wire.KEY_SIZE + SEALED_KEY + SEALED_PAYLOAD;
    public static final int NOISE_IK_2 = Wire.KEY_SIZE + SEALED_PAYLOAD;
    /** Noise XX message 2 (e, ee, s, es, payload) and 3 (s, se, payload). */
    public static final int NOISE_XX_2 = Wire.KEY_SIZE + SEALED_KEY + SEALED_PAYLOAD;
    public static final int NOISE_XX_3 = SEALED_KEY + SEALED_PAYLOAD;
    public static final int RESPONSE_IK_SIZE = Wire.HEADER_SIZE + 2 * INDEX_SIZE + NOISE_IK_2;
    public static final int RESPONSE_XX_SIZE = Wire.HEADER_SIZE + 2 * INDEX_SIZE + NOISE_XX_2;

    private static final int INITIATION_FIXED = Wire.HEADER_SIZE + INDEX_SIZE + 2 * MAC_SIZE;
    /**
     * Noise XX message 1 is the ephemeral key and a payload of zeros in the clear, so long that the initiation is as
     * long as the response it asks for: an initiation from a forged address is never answered with more bytes.
     */
    public static final int XX_PADDING = RESPONSE_XX_SIZE - INITIATION_FIXED - Wire.KEY_SIZE;
    public static final int NOISE_XX_1 = Wire.KEY_SIZE + XX_PADDING;
    public static final int INITIATION_IK_SIZE = INITIATION_FIXED + NOISE_IK_1;
    public static final int INITIATION_XX_SIZE = INITIATION_FIXED + NOISE_XX_1;
    public static final int FINISH_XX_SIZE = Wire.HEADER_SIZE + INDEX_SIZE + NOISE_XX_3;
    public static final int COOKIE_REPLY_SIZE = Wire.HEADER_SIZE + INDEX_SIZE + COOKIE_NONCE_SIZE + COOKIE_SIZE
            + TAG_SIZE;

    /** The clear part of a TRANSPORT frame, its associated data: header, receiver index, counter. */
    public static final int TRANSPORT_HEADER_SIZE = Wire.HEADER_SIZE + INDEX_SIZE + COUNTER_SIZE;
    /** The largest link frame one TRANSPORT frame seals: a full peer datagram less header and tag. */
    public static final int MAX_LINK_FRAME_SIZE = Wire.MAX_PEER_DATAGRAM_SIZE - TRANSPORT_HEADER_SIZE - TAG_SIZE;
    /** The smallest: a link frame is at least its kind byte. */
    public static final int MIN_TRANSPORT_SIZE = TRANSPORT_HEADER_SIZE + 1 + TAG_SIZE;

    /** Largest chat message, before it is cut into pieces. */
    public static final int MAX_MESSAGE_SIZE = 64 * 1024;
    /** Entries one acknowledgement block may list. */
    public static final int MAX_ACK_ENTRIES = 64;
    public static final int ACK_ENTRY_SIZE = 4 + 2 + 2;
    /** An acknowledgement block without entries: the cursor and the entry count. */
    public static final int ACK_BLOCK_FIXED_SIZE = 4 + 1;
    /** A DATA link frame's fields around its ack block and payload: kind, id, content kind, total, offset. */
    public static final int DATA_FIXED_SIZE = 1 + 4 + 1 + 4 + 2;
    /** The most bytes of a message one DATA frame carries (with no acknowledgement entries beside them). */
    public static final int MAX_PIECE = MAX_LINK_FRAME_SIZE - DATA_FIXED_SIZE - ACK_BLOCK_FIXED_SIZE;

    private PeerWire() {}
}
