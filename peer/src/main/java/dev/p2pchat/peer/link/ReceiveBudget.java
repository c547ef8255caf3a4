package dev.p2pchat.peer.link;

import java.util.function.BooleanSupplier;

/**
 * The memory every conversation's reassembly may hold together, so that partial messages from many peers cannot
 * exhaust the heap (59 strangers with 64 KiB messages each cut short did, at 2 MiB per conversation). Peers that are
 * not friends and opened the conversation themselves share a part of it; friends and the conversations this side
 * opened have the rest first. A piece refused for it is not kept nor acknowledged, so its sender sends it again
 * later, when memory is free. Owned by the table's thread.
 */
final class ReceiveBudget {
    /** Bytes all partial messages may hold. */
    static final long TOTAL = 32L * 1024 * 1024;
    /** Of which partial messages from strangers may hold at most. */
    static final long STRANGERS = 8L * 1024 * 1024;

    private long used;
    private long usedByStrangers;
    private long refused;

    /** One conversation's view of the budget; {@code stranger} tells, when asked, whose conversation it is. */
    Inbox.Budget share(BooleanSupplier stranger) {
        return new Inbox.Budget() {
            @Override
            public boolean reserve(long bytes) {
                return ReceiveBudget.this.reserve(bytes, stranger.getAsBoolean());
            }

            @Override
            public void release(long bytes) {
                ReceiveBudget.this.release(bytes, stranger.getAsBoolean());
            }
        };
    }

    /** Takes {@code bytes} for a conversation, a stranger's or not; false (nothing taken) when they do not fit. */
    boolean reserve(long bytes, boolean stranger) {
        if (used + bytes > TOTAL || stranger && usedByStrangers + bytes > STRANGERS) {
            refused++;
            return false;
        }
        used += bytes;
        if (stranger) {
            usedByStrangers += bytes;
        }
        return true;
    }

    /** Gives back {@code bytes} taken for the same kind of conversation. */
    void release(long bytes, boolean stranger) {
        used -= bytes;
        if (stranger) {
            usedByStrangers -= bytes;
        }
    }

    long used() {
        return used;
    }

    /** Pieces not kept because memory was short. */
    long refused() {
        return refused;
    }
}
