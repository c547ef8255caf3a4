package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.Octets;
import java.util.List;

/**
 * What a TRANSPORT frame seals: one frame of the reliable link between two peers, one record per kind
 * ({@link LinkFrameCodec} draws the layouts). Message ids count from 1 per conversation and direction; they are u32
 * on the wire and {@code long} here.
 */
public sealed interface LinkFrame {

    /** Kind codes, the first byte of every link frame. */
    enum Kind {
        PING(1), PONG(2), DATA(3), ACK(4), SKIP(5), SKIPPED(6), GOODBYE(7);

        private static final Kind[] BY_CODE = new Kind[256];

        static {
            for (Kind kind : values()) {
                BY_CODE[kind.code] = kind;
            }
        }

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** The kind for a code byte, or {@code null} when this version defines none. */
        public static Kind ofCode(int code) {
            return BY_CODE[code & 0xFF];
        }
    }

    Kind kind();

    /** PING and PONG flag: a probe of an address that is not the route, answered there, moving no route. */
    int PROBE = 1;

    /**
     * Acknowledgements. {@code cursor}: every message with a lower id was handed to the receiving application (or
     * skipped at the sender's request), so it is delivered. {@code entries}: pieces of later messages that arrived
     * and are kept, so the sender stops sending them; they are not delivered until the cursor passes them.
     */
    record AckBlock(long cursor, List<AckEntry> entries) {
        public static final AckBlock NONE = new AckBlock(1, List.of());

        public AckBlock {
            LinkFrame.requireId(cursor, "cursor");
            entries = List.copyOf(entries);
            if (entries.size() > PeerWire.MAX_ACK_ENTRIES) {
                throw new IllegalArgumentException(entries.size() + " acknowledgement entries");
            }
        }

        public int size() {
            return PeerWire.ACK_BLOCK_FIXED_SIZE + entries.size() * PeerWire.ACK_ENTRY_SIZE;
        }
    }

    /** One piece that arrived: {@code length} bytes from {@code offset} of message {@code messageId}. */
    record AckEntry(long messageId, int offset, int length) {
        public AckEntry {
            LinkFrame.requireId(messageId, "messageId");
            if (offset < 0 || length < 0 || length > PeerWire.MAX_PIECE
                    || offset + length > PeerWire.MAX_MESSAGE_SIZE) {
                throw new IllegalArgumentException("piece of " + length + " bytes at " + offset);
            }
        }
    }

    /**
     * Asks for a PONG with the same {@code sequence}: liveness and a round-trip sample. {@code padding} zeros make
     * it as large as a path must carry (a path MTU probe).
     */
    record Ping(int sequence, int flags, int padding) implements LinkFrame {
        public Ping {
            LinkFrame.requireFlags(flags);
            if (padding < 0 || padding > PeerWire.MAX_LINK_FRAME_SIZE - 6) {
                throw new IllegalArgumentException("padding of " + padding + " bytes");
            }
        }

        @Override
        public Kind kind() {
            return Kind.PING;
        }
    }

    record Pong(int sequence, int flags) implements LinkFrame {
        public Pong {
            LinkFrame.requireFlags(flags);
        }

        @Override
        public Kind kind() {
            return Kind.PONG;
        }
    }

    /**
     * One piece of a message: {@code payload} is the message's bytes from {@code offset}; {@code total} the whole
     * message's size (0 to {@value PeerWire#MAX_MESSAGE_SIZE}). The acknowledgements of what this side received
     * ride along.
     */
    record Data(AckBlock ack, long messageId, ContentKind content, int total, int offset, Octets payload)
            implements LinkFrame {
        public Data {
            if (ack == null || content == null || payload == null) {
                throw new NullPointerException("ack, content and payload");
            }
            LinkFrame.requireId(messageId, "messageId");
            if (!isPiece(total, offset, payload.length())) {
                throw new IllegalArgumentException(payload.length() + " bytes at " + offset + " of " + total);
            }
            int size = PeerWire.DATA_FIXED_SIZE + ack.size() + payload.length();
            if (size > PeerWire.MAX_LINK_FRAME_SIZE) {
                throw new IllegalArgumentException("a DATA of " + size + " bytes does not fit one TRANSPORT frame");
            }
        }

        @Override
        public Kind kind() {
            return Kind.DATA;
        }

        /**
         * Whether {@code length} bytes from {@code offset} can be a piece of a message of {@code total} bytes: within
         * it, at most {@value PeerWire#MAX_PIECE}, and empty only as the whole of an empty message.
         */
        static boolean isPiece(int total, int offset, int length) {
            return total >= 0 && total <= PeerWire.MAX_MESSAGE_SIZE && offset >= 0 && length <= PeerWire.MAX_PIECE
                    && (long) offset + length <= total && (length > 0 || (total == 0 && offset == 0))
                    && (total == 0 || offset < total);
        }
    }

    record Ack(AckBlock ack) implements LinkFrame {
        public Ack {
            if (ack == null) {
                throw new NullPointerException("ack");
            }
        }

        @Override
        public Kind kind() {
            return Kind.ACK;
        }
    }

    /** The sender gave up on message {@code messageId}: skip it if it has not been handed on. */
    record Skip(long messageId) implements LinkFrame {
        public Skip {
            LinkFrame.requireId(messageId, "messageId");
        }

        @Override
        public Kind kind() {
            return Kind.SKIP;
        }
    }

    /** The answer to a SKIP: whether the message had been handed on before it came ({@code delivered}). */
    record Skipped(long messageId, boolean delivered) implements LinkFrame {
        public Skipped {
            LinkFrame.requireId(messageId, "messageId");
        }

        @Override
        public Kind kind() {
            return Kind.SKIPPED;
        }
    }

    /** The sender closes the conversation (a clean exit or a disconnect). */
    record Goodbye() implements LinkFrame {
        @Override
        public Kind kind() {
            return Kind.GOODBYE;
        }
    }

    private static void requireId(long id, String field) {
        if (id < 1 || id > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(field + " " + id + " is not 1 to 2^32 - 1");
        }
    }

    private static void requireFlags(int flags) {
        if ((flags & ~PROBE) != 0) {
            throw new IllegalArgumentException("flags " + flags);
        }
    }
}
