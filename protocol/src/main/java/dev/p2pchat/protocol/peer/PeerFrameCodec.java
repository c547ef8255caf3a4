package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.Header;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.WireReader;
import dev.p2pchat.protocol.WireWriter;
import dev.p2pchat.protocol.peer.PeerFrame.CookieReply;
import dev.p2pchat.protocol.peer.PeerFrame.Finish;
import dev.p2pchat.protocol.peer.PeerFrame.Initiation;
import dev.p2pchat.protocol.peer.PeerFrame.Response;
import dev.p2pchat.protocol.peer.PeerFrame.Transport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes the clear layer of peer frames to bytes and decodes it back, on the constants of {@link PeerWire}. Every
 * handshake frame has one fixed size, so decoding checks the size right after the type and then reads fields that
 * cannot run short; a transport frame is its clear header and whatever it seals. Throws nothing but
 * {@link ProtocolException}. What the Noise messages and sealed bytes hold is the link layer's to check.
 *
 * <pre>
 * INITIATION_IK/XX  header | sender index:u32 | noise message 1 | mac1:16 | mac2:16
 * RESPONSE_IK/XX    header | sender index:u32 | receiver index:u32 | noise message 2
 * FINISH_XX         header | receiver index:u32 | noise message 3
 * COOKIE_REPLY      header | receiver index:u32 | nonce:12 | sealed cookie:32
 * TRANSPORT         header | receiver index:u32 | counter:u64 | sealed link frame (1..1088 bytes + tag:16)
 * </pre>
 */
public final class PeerFrameCodec {
    private PeerFrameCodec() {}

    /** Encodes {@code frame} into a new array of exactly its size. */
    public static byte[] encode(PeerFrame frame) {
        ByteBuffer out = ByteBuffer.allocate(size(frame));
        Header.put(out, frame.type().code());
        if (frame instanceof Initiation initiation) {
            out.putInt(initiation.senderIndex());
            WireWriter.octets(out, initiation.noise());
            WireWriter.octets(out, initiation.mac1());
            WireWriter.octets(out, initiation.mac2());
        } else if (frame instanceof Response response) {
            out.putInt(response.senderIndex());
            out.putInt(response.receiverIndex());
            WireWriter.octets(out, response.noise());
        } else if (frame instanceof Finish finish) {
            out.putInt(finish.receiverIndex());
            WireWriter.octets(out, finish.noise());
        } else if (frame instanceof CookieReply reply) {
            out.putInt(reply.receiverIndex());
            WireWriter.octets(out, reply.nonce());
            WireWriter.octets(out, reply.sealedCookie());
        } else {
            Transport transport = (Transport) frame;
            out.putInt(transport.receiverIndex());
            out.putLong(transport.counter());
            WireWriter.octets(out, transport.sealed());
        }
        return out.array();
    }

    /** The size of {@code frame}'s encoding. */
    public static int size(PeerFrame frame) {
        return frame instanceof Transport transport
                ? PeerWire.TRANSPORT_HEADER_SIZE + transport.sealed().length() : fixedSize(frame.type());
    }

    /**
     * The clear header of a transport frame, its associated data: what the sealing binds the receiver index, the
     * counter and the type to, so that none of them can be changed on the way.
     */
    public static byte[] transportHeader(int receiverIndex, long counter) {
        byte[] out = new byte[PeerWire.TRANSPORT_HEADER_SIZE];
        putTransportHeader(out, receiverIndex, counter);
        return out;
    }

    /** Writes the clear header of a transport frame into {@code out[0, 16)}. */
    public static void putTransportHeader(byte[] out, int receiverIndex, long counter) {
        ByteBuffer header = ByteBuffer.wrap(out, 0, PeerWire.TRANSPORT_HEADER_SIZE);
        Header.put(header, FrameType.TRANSPORT.code());
        header.putInt(receiverIndex);
        header.putLong(counter);
    }

    /**
     * The receiver index of the transport frame {@code frame} (its header checked by {@link Header#type} to be
     * TRANSPORT), or throws when the frame is not a transport frame's size: what the receiving side reads of a frame
     * before it opens it in place, without a record or a copy.
     */
    public static int transportReceiver(byte[] frame) throws ProtocolException {
        checkTransportSize(frame.length);
        return ByteBuffer.wrap(frame).getInt(Wire.HEADER_SIZE);
    }

    /** The counter of the transport frame {@code frame}, once {@link #transportReceiver} accepted it. */
    public static long transportCounter(byte[] frame) {
        return ByteBuffer.wrap(frame).getLong(Wire.HEADER_SIZE + PeerWire.INDEX_SIZE);
    }

    /** Where an initiation's mac1 starts: it covers every byte before it. */
    public static int mac1Offset(FrameType initiation) {
        return initiationSize(initiation) - 2 * PeerWire.MAC_SIZE;
    }

    /** Where an initiation's mac2 starts: it covers every byte before it, mac1 included. */
    public static int mac2Offset(FrameType initiation) {
        return initiationSize(initiation) - PeerWire.MAC_SIZE;
    }

    private static int initiationSize(FrameType type) {
        if (type != FrameType.INITIATION_IK && type != FrameType.INITIATION_XX) {
            throw new IllegalArgumentException(type + " carries no macs");
        }
        return fixedSize(type);
    }

    /**
     * Decodes the remaining bytes of {@code in} as exactly one peer frame; sets {@code in} to network byte order. A
     * tracker message is {@code UNKNOWN_TYPE} here; a handshake frame of any but its one size {@code TRUNCATED} when
     * shorter and {@code TRAILING_BYTES} when longer.
     */
    public static PeerFrame decode(ByteBuffer in) throws ProtocolException {
        in.order(ByteOrder.BIG_ENDIAN);
        int start = in.position();
        int length = in.remaining();
        int code = Header.type(in);
        FrameType type = FrameType.ofCode(code);
        if (type == null) {
            throw new ProtocolException(Reason.UNKNOWN_TYPE, "0x" + Integer.toHexString(code));
        }
        if (type == FrameType.TRANSPORT) {
            checkTransportSize(length);
        } else if (length != fixedSize(type)) {
            throw new ProtocolException(length < fixedSize(type) ? Reason.TRUNCATED : Reason.TRAILING_BYTES,
                    type + " has " + fixedSize(type) + " bytes, not " + length);
        }
        in.position(start + Wire.HEADER_SIZE);
        WireReader reader = new WireReader(in);
        PeerFrame frame = switch (type) {
            case INITIATION_IK, INITIATION_XX -> new Initiation(type, reader.u32("sender index"),
                    reader.octets(noiseSize(type), "noise"), reader.octets(PeerWire.MAC_SIZE, "mac1"),
                    reader.octets(PeerWire.MAC_SIZE, "mac2"));
            case RESPONSE_IK, RESPONSE_XX -> new Response(type, reader.u32("sender index"),
                    reader.u32("receiver index"), reader.octets(noiseSize(type), "noise"));
            case FINISH_XX -> new Finish(reader.u32("receiver index"), reader.octets(PeerWire.NOISE_XX_3, "noise"));
            case COOKIE_REPLY -> new CookieReply(reader.u32("receiver index"),
                    reader.octets(PeerWire.COOKIE_NONCE_SIZE, "nonce"),
                    reader.octets(PeerWire.COOKIE_SIZE + PeerWire.TAG_SIZE, "sealed cookie"));
            case TRANSPORT -> new Transport(reader.u32("receiver index"), reader.u64("counter"), reader.rest());
        };
        reader.finish();
        return frame;
    }

    /** Decodes all of {@code frame}. */
    public static PeerFrame decode(byte[] frame) throws ProtocolException {
        return decode(ByteBuffer.wrap(frame));
    }

    private static void checkTransportSize(int length) throws ProtocolException {
        if (length < PeerWire.MIN_TRANSPORT_SIZE) {
            throw new ProtocolException(Reason.TRUNCATED, "a transport frame of " + length + " bytes");
        }
        if (length > Wire.MAX_PEER_DATAGRAM_SIZE) {
            throw new ProtocolException(Reason.TOO_LONG, "a transport frame of " + length + " bytes");
        }
    }

    private static int fixedSize(FrameType type) {
        return switch (type) {
            case INITIATION_IK -> PeerWire.INITIATION_IK_SIZE;
            case INITIATION_XX -> PeerWire.INITIATION_XX_SIZE;
            case RESPONSE_IK -> PeerWire.RESPONSE_IK_SIZE;
            case RESPONSE_XX -> PeerWire.RESPONSE_XX_SIZE;
            case FINISH_XX -> PeerWire.FINISH_XX_SIZE;
            case COOKIE_REPLY -> PeerWire.COOKIE_REPLY_SIZE;
            case TRANSPORT -> throw new IllegalArgumentException("a transport frame has no fixed size");
        };
    }

    private static int noiseSize(FrameType type) {
        return switch (type) {
            case INITIATION_IK -> PeerWire.NOISE_IK_1;
            case INITIATION_XX -> PeerWire.NOISE_XX_1;
            case RESPONSE_IK -> PeerWire.NOISE_IK_2;
            case RESPONSE_XX -> PeerWire.NOISE_XX_2;
            default -> throw new IllegalArgumentException(type + " carries no noise message of its own size");
        };
    }
}
