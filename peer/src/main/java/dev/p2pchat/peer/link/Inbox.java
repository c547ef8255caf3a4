package dev.p2pchat.peer.link;

import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.PeerFrame.Data;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerWire;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The receiving half of a reliable conversation: reassembles fragments, hands complete messages on in the
 * sender's order exactly once, and tells the caller which fragments to acknowledge (duplicates included, so a
 * sender whose acknowledgement was lost stops retransmitting).
 *
 * <p>Bounded per conversation: messages more than {@link #MAX_AHEAD} ahead of the next expected one are not
 * accepted (nor acknowledged, so the sender tries again later), partial messages hold at most
 * {@link #MAX_BUFFERED_BYTES}, and a partial message that is not completed within the reassembly timeout is
 * dropped (the sender's retransmissions bring it back).
 */
final class Inbox {
    /** How far ahead of the next expected message a message may arrive and be kept. */
    static final int MAX_AHEAD = 256;
    static final long MAX_BUFFERED_BYTES = 2L * 1024 * 1024;

    /** A complete message, in order. */
    record Received(long messageId, ContentKind kind, byte[] content) {}

    /** What to do with one DATA: whether to acknowledge it, and the messages that became deliverable. */
    record Outcome(boolean acknowledge, List<Received> delivered) {}

    private static final class Partial {
        final ContentKind kind;
        final byte[][] fragments;
        final long firstSeenMillis;
        int missing;
        int bytes;

        Partial(ContentKind kind, int count, long now) {
            this.kind = kind;
            this.fragments = new byte[count][];
            this.missing = count;
            this.firstSeenMillis = now;
        }

        byte[] assemble() {
            byte[] content = new byte[bytes];
            int offset = 0;
            for (byte[] fragment : fragments) {
                System.arraycopy(fragment, 0, content, offset, fragment.length);
                offset += fragment.length;
            }
            return content;
        }
    }

    private final long reassemblyTimeoutMillis;
    private final Map<Long, Partial> partial = new HashMap<>();
    private long nextExpected = 1;
    private long bufferedBytes;
    private long duplicates;

    Inbox(long reassemblyTimeoutMillis) {
        this.reassemblyTimeoutMillis = reassemblyTimeoutMillis;
    }

    Outcome receive(Data data, long now) {
        long id = data.messageId();
        if (id < nextExpected) {
            duplicates++;
            return new Outcome(true, List.of()); // delivered before: the sender missed our ack
        }
        if (id - nextExpected >= MAX_AHEAD) {
            return new Outcome(false, List.of());
        }
        Partial message = partial.get(id);
        if (message == null) {
            message = new Partial(data.kind(), data.fragments(), now);
            partial.put(id, message);
        } else if (message.fragments.length != data.fragments() || message.kind != data.kind()) {
            return new Outcome(false, List.of()); // contradicts what this message's other fragments said
        }
        if (message.fragments[data.fragment()] != null) {
            duplicates++;
            return new Outcome(true, List.of());
        }
        int length = data.payload().length();
        if (bufferedBytes + length > MAX_BUFFERED_BYTES || message.bytes + length > PeerWire.MAX_MESSAGE_SIZE) {
            return new Outcome(false, List.of());
        }
        message.fragments[data.fragment()] = data.payload().toByteArray();
        message.bytes += length;
        message.missing--;
        bufferedBytes += length;
        return new Outcome(true, deliverInOrder());
    }

    /** Drops partial messages older than the reassembly timeout; returns how many. */
    int expire(long now) {
        int dropped = 0;
        for (Iterator<Partial> it = partial.values().iterator(); it.hasNext(); ) {
            Partial message = it.next();
            if (now - message.firstSeenMillis >= reassemblyTimeoutMillis) {
                bufferedBytes -= message.bytes;
                it.remove();
                dropped++;
            }
        }
        return dropped;
    }

    long duplicates() {
        return duplicates;
    }

    long bufferedBytes() {
        return bufferedBytes;
    }

    private List<Received> deliverInOrder() {
        List<Received> delivered = new ArrayList<>();
        Partial next;
        while ((next = partial.get(nextExpected)) != null && next.missing == 0) {
            partial.remove(nextExpected);
            bufferedBytes -= next.bytes;
            delivered.add(new Received(nextExpected, next.kind, next.assemble()));
            nextExpected++;
        }
        return delivered;
    }
}
