package dev.p2pchat.tracker.mailbox;

import java.time.Duration;

/**
 * What the mailbox holds at most. A sender may fill at most a quarter of one recipient's mailbox, so one sender
 * (however many keys it makes, each also bounded as a sender) cannot shut a recipient's friends out.
 *
 * @param recipientPieces pieces of mail waiting for one recipient
 * @param recipientBytes bytes of mail waiting for one recipient
 * @param senderPieces pieces one sender has waiting, for all its recipients
 * @param senderBytes bytes one sender has waiting, for all its recipients
 * @param totalPieces pieces of mail the tracker stores in all: with the bytes, what bounds the memory its counts
 *     take (one entry per recipient, sender and pair with mail waiting), however small the pieces
 * @param totalBytes bytes of mail the tracker stores in all
 * @param ttl how long a piece waits before it is deleted unfetched (1 hour to 30 days)
 */
public record MailLimits(int recipientPieces, long recipientBytes, int senderPieces, long senderBytes,
        int totalPieces, long totalBytes, Duration ttl) {
    public static final Duration MIN_TTL = Duration.ofHours(1);
    public static final Duration MAX_TTL = Duration.ofDays(30);
    public static final MailLimits DEFAULT = new MailLimits(1_000, 4L << 20, 1_000, 4L << 20, 1_000_000, 1L << 30,
            Duration.ofDays(7));

    public MailLimits {
        if (recipientPieces < 4 || senderPieces < 1) {
            throw new IllegalArgumentException("a mailbox holds at least 4 pieces and a sender may leave at least 1");
        }
        if (totalPieces < recipientPieces) {
            throw new IllegalArgumentException("the mail store holds at least one recipient's pieces");
        }
        if (recipientBytes < 4 * 1200L || senderBytes < 1200 || totalBytes < recipientBytes) {
            throw new IllegalArgumentException("mailbox bytes: at least 4800 per recipient, 1200 per sender, and "
                    + "in all at least one recipient's");
        }
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("mail TTL must be 1 hour to 30 days, not " + ttl.toMinutes()
                    + " minutes");
        }
    }

    /** Pieces one sender may have waiting for one recipient. */
    public int pairPieces() {
        return recipientPieces / 4;
    }

    /** Bytes one sender may have waiting for one recipient. */
    public long pairBytes() {
        return recipientBytes / 4;
    }
}
