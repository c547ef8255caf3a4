package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.Header;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.WireReader;
import dev.p2pchat.protocol.WireWriter;
import dev.p2pchat.protocol.peer.PeerFrame.Ack;
import dev.p2pchat.protocol.peer.PeerFrame.Data;
import dev.p2pchat.protocol.peer.PeerFrame.Goodbye;
import dev.p2pchat.protocol.peer.PeerFrame.Hello;
import dev.p2pchat.protocol.peer.PeerFrame.HelloAck;
import dev.p2pchat.protocol.peer.PeerFrame.Ping;
import dev.p2pchat.protocol.peer.PeerFrame.Pong;
import dev.p2pchat.protocol.peer.PeerFrame.Signed;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Encodes the frames between peers to bytes and decodes them back; each type's encoder sits beside its decoder, on
 * the constants of {@link PeerWire} and {@link Wire}. Decoding treats every length as hostile and throws nothing but
 * {@link ProtocolException}.
 *
 * <p>Every peer frame ends with a CRC-32C trailer: encoding appends it, and decoding checks it right after the type
 * byte, before it reads any field of the body, so a corrupted frame is rejected as {@link Reason#BAD_CHECKSUM}
 * whatever the flipped bit would have turned its fields into.
 */
public final class PeerFrameCodec {
    private PeerFrameCodec() {}

    /**
     * Encodes {@code frame} at the position of {@code out}, which needs {@link Wire#MAX_PEER_DATAGRAM_SIZE} bytes;
     * sets {@code out} to network byte order.
     */
    public static void encode(PeerFrame frame, ByteBuffer out) {
        int start = out.position();
        encodeFields(frame, out);
        out.putInt(checksum(out, start, out.position()));
    }

    /** Encodes {@code frame} into a new array of exactly its encoded length. */
    public static byte[] encode(PeerFrame frame) {
        ByteBuffer out = ByteBuffer.allocate(Wire.MAX_PEER_DATAGRAM_SIZE);
        encode(frame, out);
        return Arrays.copyOf(out.array(), out.position());
    }

    /** The header and body of {@code frame}: its whole encoding but the checksum trailer. */
    private static void encodeFields(PeerFrame frame, ByteBuffer out) {
        Header.put(out, frame.type().code());
        switch (frame.type()) {
            case HELLO -> encodeHello((Hello) frame, out);
            case HELLO_ACK -> encodeHelloAck((HelloAck) frame, out);
            case PING -> encodePing(((Ping) frame).session(), ((Ping) frame).sequence(), out);
            case PONG -> encodePing(((Pong) frame).session(), ((Pong) frame).sequence(), out);
            case DATA -> encodeData((Data) frame, out);
            case ACK -> encodeAck((Ack) frame, out);
            case GOODBYE -> out.putLong(((Goodbye) frame).session());
        }
    }

    /**
     * The bytes a {@link Signed} greeting's signature covers: every byte of its encoding before the signature,
     * header included; the checksum trailer after it is not covered.
     */
    public static byte[] signedBytes(Signed frame) {
        ByteBuffer out = ByteBuffer.allocate(Wire.MAX_PEER_DATAGRAM_SIZE);
        encodeFields(frame, out);
        return Arrays.copyOf(out.array(), out.position() - Wire.SIGNATURE_SIZE);
    }

    /** The CRC-32C of the bytes of {@code buffer} from {@code from} to {@code to}, as the u32 the wire carries. */
    private static int checksum(ByteBuffer buffer, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().limit(to).position(from));
        return (int) crc.getValue();
    }

    /**
     * Decodes the remaining bytes of {@code in} as exactly one peer frame; sets {@code in} to network byte order. A
     * tracker message is {@code UNKNOWN_TYPE} here.
     */
    public static PeerFrame decode(ByteBuffer in) throws ProtocolException {
        in.order(ByteOrder.BIG_ENDIAN);
        int start = in.position();
        int end = in.limit();
        int code = Header.type(in);
        FrameType type = FrameType.ofCode(code);
        if (type == null) {
            throw new ProtocolException(Reason.UNKNOWN_TYPE, "0x" + Integer.toHexString(code));
        }
        in.position(start + Wire.HEADER_SIZE);
        int bodyEnd = verifyChecksum(in, start, end);
        // The body's fields end where the trailer starts: a field that runs into it is truncated.
        WireReader reader = new WireReader(in.duplicate().limit(bodyEnd).order(ByteOrder.BIG_ENDIAN));
        PeerFrame frame = switch (type) {
            case HELLO -> decodeHello(reader);
            case HELLO_ACK -> decodeHelloAck(reader);
            case PING -> new Ping(reader.u64("session"), reader.u32("sequence"));
            case PONG -> new Pong(reader.u64("session"), reader.u32("sequence"));
            case DATA -> decodeData(reader);
            case ACK -> decodeAck(reader);
            case GOODBYE -> new Goodbye(reader.u64("session"));
        };
        reader.finish();
        in.position(end);
        return frame;
    }

    /** Decodes all of {@code frame}. */
    public static PeerFrame decode(byte[] frame) throws ProtocolException {
        return decode(ByteBuffer.wrap(frame));
    }

    /**
     * Checks the trailer of the peer-to-peer datagram between {@code start} and {@code end} of {@code in}, whose
     * header has been read; returns where the body ends and the trailer starts. Fewer bytes after the header than
     * the trailer needs is {@link Reason#TRUNCATED}; otherwise the last {@value PeerWire#CHECKSUM_SIZE} bytes are the
     * trailer, so a datagram cut short or lengthened almost surely fails as {@link Reason#BAD_CHECKSUM}.
     */
    private static int verifyChecksum(ByteBuffer in, int start, int end) throws ProtocolException {
        if (end - in.position() < PeerWire.CHECKSUM_SIZE) {
            throw new ProtocolException(Reason.TRUNCATED, "checksum needs " + PeerWire.CHECKSUM_SIZE + " bytes, "
                    + (end - in.position()) + " left");
        }
        int bodyEnd = end - PeerWire.CHECKSUM_SIZE;
        int carried = in.getInt(bodyEnd);
        int computed = checksum(in, start, bodyEnd);
        if (carried != computed) {
            throw new ProtocolException(Reason.BAD_CHECKSUM, "carried " + Integer.toHexString(carried)
                    + ", computed " + Integer.toHexString(computed));
        }
        return bodyEnd;
    }

    // Peer-to-peer bodies. Each is followed by checksum:u32, which encode appends and decode checks and cuts off.

    // HELLO and HELLO_ACK: session:8 | nonce:8 | name | identity-key:32 | agreement-key:32 | capabilities:u32
    //                     | signature:64      (HELLO_ACK's nonce is the one from the HELLO it answers)

    private static void encodeHello(Hello m, ByteBuffer out) {
        putHello(out, m.session(), m.nonce(), m.name(), m.identityKey(), m.agreementKey(), m.capabilities(),
                m.signature());
    }

    private static void encodeHelloAck(HelloAck m, ByteBuffer out) {
        putHello(out, m.session(), m.nonce(), m.name(), m.identityKey(), m.agreementKey(), m.capabilities(),
                m.signature());
    }

    private static void putHello(ByteBuffer out, long session, long nonce, String name, Octets identityKey,
            Octets agreementKey, int capabilities, Octets signature) {
        out.putLong(session);
        out.putLong(nonce);
        WireWriter.name(out, name);
        WireWriter.octets(out, identityKey);
        WireWriter.octets(out, agreementKey);
        out.putInt(capabilities);
        WireWriter.octets(out, signature);
    }

    private static Hello decodeHello(WireReader in) throws ProtocolException {
        return new Hello(in.u64("session"), in.u64("nonce"), in.name(false, "name"),
                in.octets(Wire.KEY_SIZE, "identity key"), in.octets(Wire.KEY_SIZE, "agreement key"),
                in.u32("capabilities"), in.octets(Wire.SIGNATURE_SIZE, "signature"));
    }

    private static HelloAck decodeHelloAck(WireReader in) throws ProtocolException {
        Hello fields = decodeHello(in);
        return new HelloAck(fields.session(), fields.nonce(), fields.name(), fields.identityKey(),
                fields.agreementKey(), fields.capabilities(), fields.signature());
    }

    // PING and PONG: session:8 | sequence:u32          GOODBYE: session:8

    private static void encodePing(long session, int sequence, ByteBuffer out) {
        out.putLong(session);
        out.putInt(sequence);
    }

    // DATA: session:8 | message id:u64 | kind:u8 | fragment:u16 | fragments:u16 | length:u16 | payload
    //       (every fragment but the last carries exactly MAX_FRAGMENT_PAYLOAD bytes)

    private static void encodeData(Data m, ByteBuffer out) {
        out.putLong(m.session());
        out.putLong(m.messageId());
        out.put((byte) m.kind().code());
        out.putShort((short) m.fragment());
        out.putShort((short) m.fragments());
        out.putShort((short) m.payload().length());
        WireWriter.octets(out, m.payload());
    }

    private static Data decodeData(WireReader in) throws ProtocolException {
        long session = in.u64("session");
        long messageId = in.u64("message id");
        int code = in.u8("kind");
        ContentKind kind = ContentKind.ofCode(code);
        if (kind == null) {
            throw new ProtocolException(Reason.BAD_FIELD, "content kind " + code);
        }
        int fragment = in.u16("fragment");
        int fragments = in.u16("fragments");
        if (fragments < 1 || fragments > PeerWire.MAX_FRAGMENTS || fragment >= fragments) {
            throw new ProtocolException(Reason.BAD_FIELD, "fragment " + fragment + " of " + fragments);
        }
        int length = in.u16("payload length");
        if (length > PeerWire.MAX_FRAGMENT_PAYLOAD) {
            throw new ProtocolException(Reason.BAD_FIELD, "payload length " + length);
        }
        // The sender cuts a message into full fragments and the rest, so only the last may be shorter. A fragment
        // count that grew in transit would otherwise make the receiver wait for fragments that never come.
        if (fragment < fragments - 1 && length != PeerWire.MAX_FRAGMENT_PAYLOAD) {
            throw new ProtocolException(Reason.BAD_FIELD, "fragment " + fragment + " of " + fragments + " carries "
                    + length + " bytes, not " + PeerWire.MAX_FRAGMENT_PAYLOAD);
        }
        return new Data(session, messageId, kind, fragment, fragments, in.octets(length, "payload"));
    }

    // ACK: session:8 | message id:u64 | fragment:u16

    private static void encodeAck(Ack m, ByteBuffer out) {
        out.putLong(m.session());
        out.putLong(m.messageId());
        out.putShort((short) m.fragment());
    }

    private static Ack decodeAck(WireReader in) throws ProtocolException {
        long session = in.u64("session");
        long messageId = in.u64("message id");
        int fragment = in.u16("fragment");
        if (fragment >= PeerWire.MAX_FRAGMENTS) {
            throw new ProtocolException(Reason.BAD_FIELD, "fragment " + fragment);
        }
        return new Ack(session, messageId, fragment);
    }

}
