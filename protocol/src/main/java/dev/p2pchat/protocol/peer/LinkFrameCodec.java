package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.WireReader;
import dev.p2pchat.protocol.WireWriter;
import dev.p2pchat.protocol.peer.LinkFrame.Ack;
import dev.p2pchat.protocol.peer.LinkFrame.AckBlock;
import dev.p2pchat.protocol.peer.LinkFrame.AckEntry;
import dev.p2pchat.protocol.peer.LinkFrame.Data;
import dev.p2pchat.protocol.peer.LinkFrame.Kind;
import dev.p2pchat.protocol.peer.LinkFrame.Ping;
import dev.p2pchat.protocol.peer.LinkFrame.Pong;
import dev.p2pchat.protocol.peer.LinkFrame.Skip;
import dev.p2pchat.protocol.peer.LinkFrame.Skipped;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes link frames, the plaintext a TRANSPORT frame seals, and decodes them back. Everything here was sealed by
 * the peer, yet a peer can be hostile too: every length is checked before it is read, and trailing bytes rejected.
 *
 * <pre>
 * PING     kind 1 | sequence:u32 | flags:u8 | padding: zeros, to the end
 * PONG     kind 2 | sequence:u32 | flags:u8
 * DATA     kind 3 | ack block | message id:u32 | content kind:u8 | total:u32 | offset:u16 | payload, to the end
 * ACK      kind 4 | ack block
 * SKIP     kind 5 | message id:u32
 * SKIPPED  kind 6 | message id:u32 | delivered:u8 (0 or 1)
 * GOODBYE  kind 7
 * ack block = cursor:u32 | count:u8 (0..64) | (message id:u32 | offset:u16 | length:u16) * count
 * </pre>
 */
public final class LinkFrameCodec {
    private LinkFrameCodec() {}

    /** The size of {@code frame}'s encoding. */
    public static int size(LinkFrame frame) {
        return switch (frame.kind()) {
            case PING -> 1 + 4 + 1 + ((Ping) frame).padding();
            case PONG -> 1 + 4 + 1;
            case DATA -> PeerWire.DATA_FIXED_SIZE + ((Data) frame).ack().size() + ((Data) frame).payload().length();
            case ACK -> 1 + ((Ack) frame).ack().size();
            case SKIP -> 1 + 4;
            case SKIPPED -> 1 + 4 + 1;
            case GOODBYE -> 1;
        };
    }

    /** Encodes {@code frame} into a new array of exactly its size. */
    public static byte[] encode(LinkFrame frame) {
        byte[] out = new byte[size(frame)];
        encode(frame, out, 0);
        return out;
    }

    /** Encodes {@code frame} into {@code out} from {@code offset}, which needs {@link #size} bytes; returns them. */
    public static int encode(LinkFrame frame, byte[] destination, int offset) {
        int size = size(frame);
        ByteBuffer out = ByteBuffer.wrap(destination, offset, size).order(ByteOrder.BIG_ENDIAN);
        out.put((byte) frame.kind().code());
        if (frame instanceof Ping ping) {
            out.putInt(ping.sequence()).put((byte) ping.flags());
            // The destination may hold anything (a reused array): the padding is written, as zeros.
            Arrays.fill(destination, out.position(), out.position() + ping.padding(), (byte) 0);
            out.position(out.position() + ping.padding());
        } else if (frame instanceof Pong pong) {
            out.putInt(pong.sequence()).put((byte) pong.flags());
        } else if (frame instanceof Data data) {
            putAck(out, data.ack());
            out.putInt((int) data.messageId()).put((byte) data.content().code()).putInt(data.total())
                    .putShort((short) data.offset());
            WireWriter.octets(out, data.payload());
        } else if (frame instanceof Ack ack) {
            putAck(out, ack.ack());
        } else if (frame instanceof Skip skip) {
            out.putInt((int) skip.messageId());
        } else if (frame instanceof Skipped skipped) {
            out.putInt((int) skipped.messageId()).put((byte) (skipped.delivered() ? 1 : 0));
        }
        return size;
    }

    /**
     * Decodes all of {@code in[offset, offset + length)} as one link frame: at most
     * {@value PeerWire#MAX_LINK_FRAME_SIZE} bytes, what one TRANSPORT frame seals.
     */
    public static LinkFrame decode(byte[] in, int offset, int length) throws ProtocolException {
        if (length > PeerWire.MAX_LINK_FRAME_SIZE) {
            throw new ProtocolException(Reason.TOO_LONG, "a link frame of " + length + " bytes");
        }
        WireReader reader = new WireReader(ByteBuffer.wrap(in, offset, length).order(ByteOrder.BIG_ENDIAN));
        int code = reader.u8("kind");
        Kind kind = Kind.ofCode(code);
        if (kind == null) {
            throw new ProtocolException(Reason.UNKNOWN_TYPE, "link frame kind " + code);
        }
        LinkFrame frame = switch (kind) {
            case PING -> {
                int sequence = reader.u32("sequence");
                int flags = flags(reader);
                int padding = reader.remaining();
                reader.zeros(padding, "padding");
                yield new Ping(sequence, flags, padding);
            }
            case PONG -> new Pong(reader.u32("sequence"), flags(reader));
            case DATA -> data(reader);
            case ACK -> new Ack(ackBlock(reader));
            case SKIP -> new Skip(id(reader, "message id"));
            case SKIPPED -> {
                long id = id(reader, "message id");
                int delivered = reader.u8("delivered");
                if (delivered > 1) {
                    throw new ProtocolException(Reason.BAD_FIELD, "delivered " + delivered);
                }
                yield new Skipped(id, delivered == 1);
            }
            case GOODBYE -> new LinkFrame.Goodbye();
        };
        reader.finish();
        return frame;
    }

    private static Data data(WireReader in) throws ProtocolException {
        AckBlock ack = ackBlock(in);
        long id = id(in, "message id");
        int code = in.u8("content kind");
        ContentKind content = ContentKind.ofCode(code);
        if (content == null) {
            throw new ProtocolException(Reason.BAD_FIELD, "content kind " + code);
        }
        int total = in.u32("total");
        int offset = in.u16("offset");
        int length = in.remaining();
        if (!Data.isPiece(total, offset, length)) {
            throw new ProtocolException(Reason.BAD_FIELD, length + " bytes at " + offset + " of " + total);
        }
        return new Data(ack, id, content, total, offset, in.octets(length, "payload"));
    }

    private static void putAck(ByteBuffer out, AckBlock ack) {
        out.putInt((int) ack.cursor()).put((byte) ack.entries().size());
        for (AckEntry entry : ack.entries()) {
            out.putInt((int) entry.messageId()).putShort((short) entry.offset()).putShort((short) entry.length());
        }
    }

    private static AckBlock ackBlock(WireReader in) throws ProtocolException {
        long cursor = id(in, "cursor");
        int count = in.u8("entry count");
        if (count > PeerWire.MAX_ACK_ENTRIES) {
            throw new ProtocolException(Reason.BAD_FIELD, count + " acknowledgement entries");
        }
        List<AckEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long id = id(in, "acknowledged message id");
            int offset = in.u16("acknowledged offset");
            int length = in.u16("acknowledged length");
            if (length > PeerWire.MAX_PIECE || offset + length > PeerWire.MAX_MESSAGE_SIZE) {
                throw new ProtocolException(Reason.BAD_FIELD, "acknowledged " + length + " bytes at " + offset);
            }
            entries.add(new AckEntry(id, offset, length));
        }
        return new AckBlock(cursor, entries);
    }

    private static long id(WireReader in, String field) throws ProtocolException {
        long id = in.u32(field) & 0xFFFF_FFFFL;
        if (id == 0) {
            throw new ProtocolException(Reason.BAD_FIELD, field + " 0");
        }
        return id;
    }

    private static int flags(WireReader in) throws ProtocolException {
        int flags = in.u8("flags");
        if ((flags & ~LinkFrame.PROBE) != 0) {
            throw new ProtocolException(Reason.BAD_FIELD, "flags " + flags);
        }
        return flags;
    }
}
