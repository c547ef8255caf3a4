package dev.p2pchat.peer.link;

import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.LinkFrame.AckBlock;
import dev.p2pchat.protocol.peer.LinkFrame.AckEntry;
import dev.p2pchat.protocol.peer.LinkFrame.Data;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The receiving half of a reliable conversation: reassembles pieces (by offset, so the sender may cut a message
 * anew, smaller, when large datagrams stop getting through), hands complete messages on in the sender's order
 * exactly once, and says what to acknowledge. Its cursor, the next id to hand on, is the cumulative
 * acknowledgement: a message counts as delivered only once the cursor passed it, that is once it was handed to the
 * application. Pieces of later messages are acknowledged one by one as they are kept, which only stops their
 * retransmission. A message the sender gave up on is skipped at its request ({@link #skip}), so it never blocks the
 * ones behind it.
 *
 * <p>Bounded per conversation: messages more than {@link #MAX_AHEAD} ahead of the cursor are not kept (nor
 * acknowledged, so the sender tries again later), and partial messages hold at most {@link #MAX_BUFFERED_BYTES},
 * except the one at the cursor, which is kept whenever the {@link Budget} shared by every conversation allows: it is
 * what every other message waits for. Nothing kept is ever dropped by time, since its pieces were acknowledged and
 * will not come again.
 */
final class Inbox {
    /** The memory shared by every conversation's partial messages. */
    interface Budget {
        /** Takes {@code bytes}; false (nothing taken) when they do not fit. */
        boolean reserve(long bytes);

        void release(long bytes);
    }

    /** How far ahead of the cursor a message may arrive and be kept. */
    static final int MAX_AHEAD = 256;
    static final long MAX_BUFFERED_BYTES = 2L * 1024 * 1024;
    /** Skipped ids remembered, to answer a SKIP sent again (its answer lost) the same way. */
    static final int SKIPPED_MEMORY = 1024;
    /** Acknowledgement entries waiting to be sent; beyond that the oldest go, and their pieces come again. */
    static final int MAX_PENDING_ACKS = 256;

    /** A complete message, in order. */
    record Received(long messageId, ContentKind kind, byte[] content) {}

    /** What a SKIP did: whether the message had been handed on before, and what became deliverable. */
    record Skip(boolean delivered, List<Received> nowDeliverable) {}

    private static final class Partial {
        final ContentKind kind;
        final byte[] content;
        final BitSet received;

        Partial(ContentKind kind, int total) {
            this.kind = kind;
            this.content = new byte[total];
            this.received = new BitSet(total);
        }

        boolean complete() {
            return received.cardinality() == content.length;
        }
    }

    private final Map<Long, Partial> partial = new HashMap<>();
    private final LinkedHashSet<Long> skipped = new LinkedHashSet<>();
    /** The highest skipped id forgotten to keep {@link #SKIPPED_MEMORY}: at or below it, a SKIP cannot be answered. */
    private long skipsForgottenUpTo;
    private final ArrayDeque<AckEntry> pendingAcks = new ArrayDeque<>();
    private final Budget budget;
    /** Whether the conversation ended and gave its memory back: nothing is kept any more. */
    private boolean closed;
    private long cursor = 1;
    private long bufferedBytes;
    private long duplicates;
    private boolean ackDue;

    Inbox(Budget budget) {
        this.budget = budget;
    }

    /** One piece; returns the messages that became deliverable, in order. */
    List<Received> receive(Data data) {
        long id = data.messageId();
        ackDue = true; // even a duplicate: the sender missed the acknowledgement
        if (id < cursor || skipped.contains(id)) {
            duplicates++;
            return List.of();
        }
        if (id - cursor >= MAX_AHEAD) {
            return List.of();
        }
        Partial message = partial.get(id);
        if (message == null) {
            if (closed || id != cursor && bufferedBytes + data.total() > MAX_BUFFERED_BYTES
                    || !budget.reserve(held(data.total()))) {
                return List.of();
            }
            message = new Partial(data.content(), data.total());
            partial.put(id, message);
            bufferedBytes += data.total();
        } else if (message.kind != data.content() || message.content.length != data.total()) {
            return List.of(); // contradicts what this message's other pieces said
        }
        int from = data.offset();
        int to = from + data.payload().length();
        if (message.received.nextClearBit(from) >= to && to > from) {
            duplicates++;
        } else {
            data.payload().copyTo(message.content, from);
            message.received.set(from, to);
        }
        if (pendingAcks.size() == MAX_PENDING_ACKS) {
            pendingAcks.removeFirst();
        }
        pendingAcks.addLast(new AckEntry(id, from, to - from));
        return deliverInOrder();
    }

    /**
     * The sender gave up on message {@code id}; null when it is too far ahead for the sender to have sent it, or so
     * far behind that whether it was skipped is forgotten (no answer is better than a guess: "delivered" would be
     * a lie for a message that was skipped).
     */
    Skip skip(long id) {
        ackDue = true;
        if (id < cursor) {
            if (skipped.contains(id)) {
                return new Skip(false, List.of());
            }
            return id <= skipsForgottenUpTo ? null : new Skip(true, List.of());
        }
        if (id - cursor >= MAX_AHEAD) {
            return null;
        }
        Partial dropped = partial.remove(id);
        if (dropped != null) {
            bufferedBytes -= dropped.content.length;
            budget.release(held(dropped.content.length));
        }
        if (skipped.size() == SKIPPED_MEMORY) {
            Iterator<Long> oldest = skipped.iterator();
            skipsForgottenUpTo = Math.max(skipsForgottenUpTo, oldest.next());
            oldest.remove();
        }
        skipped.add(id);
        return new Skip(false, deliverInOrder());
    }

    /**
     * The acknowledgement to send now: the cursor and up to {@code maxEntries} of the pieces kept since the last one
     * (those of messages the cursor has passed meanwhile need no entry).
     */
    AckBlock ackBlock(int maxEntries) {
        List<AckEntry> entries = new ArrayList<>();
        while (!pendingAcks.isEmpty() && entries.size() < maxEntries) {
            AckEntry entry = pendingAcks.removeFirst();
            if (entry.messageId() >= cursor && !skipped.contains(entry.messageId())) {
                entries.add(entry);
            }
        }
        ackDue = !pendingAcks.isEmpty();
        return new AckBlock(cursor, entries);
    }

    /** Whether something arrived that the sender has not been told about yet. */
    boolean ackDue() {
        return ackDue;
    }

    long cursor() {
        return cursor;
    }

    long duplicates() {
        return duplicates;
    }

    long bufferedBytes() {
        return bufferedBytes;
    }

    /** Gives every partial message's memory back: the conversation ended. */
    void releaseAll() {
        closed = true;
        for (Partial message : partial.values()) {
            budget.release(held(message.content.length));
        }
        partial.clear();
        bufferedBytes = 0;
    }

    /** What a partial message of {@code total} bytes holds: its content and the bit per byte of what arrived. */
    private static long held(int total) {
        return total + total / Byte.SIZE;
    }

    private List<Received> deliverInOrder() {
        List<Received> delivered = new ArrayList<>();
        while (true) {
            if (skipped.contains(cursor)) {
                cursor++;
                continue;
            }
            Partial next = partial.get(cursor);
            if (next == null || !next.complete()) {
                return delivered;
            }
            partial.remove(cursor);
            bufferedBytes -= next.content.length;
            budget.release(held(next.content.length));
            delivered.add(new Received(cursor, next.kind, next.content));
            cursor++;
        }
    }
}
