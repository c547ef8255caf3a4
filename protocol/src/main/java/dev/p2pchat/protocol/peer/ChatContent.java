package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a chat message and a receipt hold, inside the sealed link frames: the identity a message keeps end to end,
 * whichever path, conversation or resend carries it.
 *
 * <pre>
 * TEXT, BROADCAST   message id (16) | sent at (u64, ms since 1970 UTC, the sender's clock) | UTF-8 text to the end
 * RECEIPT           message id (16) x 1..64
 * </pre>
 *
 * <p>The message id is 128 random bits chosen by the sender, so a receiver that keeps the ids it stored shows a
 * message once however often it arrives. A RECEIPT names messages the receiver has stored: only then are they
 * delivered.
 */
public final class ChatContent {
    public static final int ID_SIZE = 16;
    public static final int SENT_AT_SIZE = 8;
    /** The fields in front of a chat message's text. */
    public static final int TEXT_HEADER_SIZE = ID_SIZE + SENT_AT_SIZE;
    /** The longest text, in UTF-8 bytes: what a message holds less its header. */
    public static final int MAX_TEXT_SIZE = PeerWire.MAX_MESSAGE_SIZE - TEXT_HEADER_SIZE;
    /** Ids one RECEIPT names: 1024 bytes, so a receipt always fits one piece. */
    public static final int MAX_RECEIPT_IDS = 64;

    /** A chat message as it travels: its id, when the sender wrote it, and the text's UTF-8 bytes. */
    public record Text(Octets id, long sentAt, byte[] utf8) {}

    private ChatContent() {}

    public static byte[] encodeText(Octets id, long sentAt, byte[] utf8) {
        Octets.requireLength(id, ID_SIZE, "message id");
        if (utf8.length > MAX_TEXT_SIZE) {
            throw new IllegalArgumentException("a text is at most " + MAX_TEXT_SIZE + " bytes, not " + utf8.length);
        }
        ByteBuffer out = ByteBuffer.allocate(TEXT_HEADER_SIZE + utf8.length);
        id.copyTo(out.array(), 0);
        out.position(ID_SIZE);
        out.putLong(sentAt).put(utf8);
        return out.array();
    }

    /** The message in a TEXT or BROADCAST's content; the text's bytes are not checked for UTF-8 here. */
    public static Text decodeText(byte[] content) throws ProtocolException {
        if (content.length < TEXT_HEADER_SIZE) {
            throw new ProtocolException(Reason.TRUNCATED,
                    "a chat message is at least " + TEXT_HEADER_SIZE + " bytes, not " + content.length);
        }
        Octets id = Octets.of(content, 0, ID_SIZE);
        if (id.isAllZeros()) {
            throw new ProtocolException(Reason.BAD_FIELD, "message id 0");
        }
        long sentAt = ByteBuffer.wrap(content, ID_SIZE, SENT_AT_SIZE).getLong();
        byte[] utf8 = new byte[content.length - TEXT_HEADER_SIZE];
        System.arraycopy(content, TEXT_HEADER_SIZE, utf8, 0, utf8.length);
        return new Text(id, sentAt, utf8);
    }

    public static byte[] encodeReceipt(List<Octets> ids) {
        if (ids.isEmpty() || ids.size() > MAX_RECEIPT_IDS) {
            throw new IllegalArgumentException("a receipt names 1 to " + MAX_RECEIPT_IDS + " ids, not " + ids.size());
        }
        byte[] out = new byte[ids.size() * ID_SIZE];
        for (int i = 0; i < ids.size(); i++) {
            Octets.requireLength(ids.get(i), ID_SIZE, "message id").copyTo(out, i * ID_SIZE);
        }
        return out;
    }

    public static List<Octets> decodeReceipt(byte[] content) throws ProtocolException {
        if (content.length == 0 || content.length % ID_SIZE != 0 || content.length > MAX_RECEIPT_IDS * ID_SIZE) {
            throw new ProtocolException(Reason.BAD_FIELD, "a receipt is 1 to " + MAX_RECEIPT_IDS + " ids of "
                    + ID_SIZE + " bytes, not " + content.length + " bytes");
        }
        List<Octets> ids = new ArrayList<>(content.length / ID_SIZE);
        for (int offset = 0; offset < content.length; offset += ID_SIZE) {
            ids.add(Octets.of(content, offset, ID_SIZE));
        }
        return ids;
    }
}
