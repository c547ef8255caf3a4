package dev.p2pchat.peer.link;

import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.LinkFrame.AckBlock;
import dev.p2pchat.protocol.peer.LinkFrame.AckEntry;
import dev.p2pchat.protocol.peer.PeerWire;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * The sending half of a reliable conversation: messages are numbered from 1, cut into pieces when first sent, sent
 * within a window of unacknowledged pieces, retransmitted on a timeout from the measured round trip (doubling while
 * nothing is acknowledged), and reported delivered once the peer's cursor passed them, that is once the peer handed
 * them to its application. Pure logic: told the time and the acknowledgements, it says what to send.
 *
 * <p>Giving up follows evidence, never a clock alone. A message one of whose pieces went out {@link #MAX_TRIES}
 * times unacknowledged is abandoned: its pieces stop, and a SKIP asks the peer to pass over it. Only the peer's
 * answer settles it: delivered if the peer had handed it on after all (only the acknowledgements were lost), failed
 * if the peer skipped it. So an abandoned message never blocks the ones behind it, and no receipt says what did not
 * happen. A peer that stops answering altogether is caught by the conversation's liveness check, which fails what
 * is queued.
 *
 * <p>Path MTU black holes: when a large piece went out {@link #BLACK_HOLE_TRIES} times unacknowledged while the peer
 * kept answering, and no large piece has been acknowledged on this path, pieces are cut to {@link #SMALL_PIECE}
 * bytes from then on, unacknowledged ones included, until {@link #largeDatagramsPass} says otherwise.
 *
 * <p>Bounded: at most {@link #MAX_QUEUED_MESSAGES} messages and {@link #MAX_QUEUED_BYTES} bytes wait; beyond that
 * {@link #enqueue} refuses, so a sender learns at once that its message was not taken.
 */
final class Outbox {
    static final int MAX_QUEUED_MESSAGES = 1024;
    static final long MAX_QUEUED_BYTES = 4L * 1024 * 1024;
    /** Pieces sent and not yet acknowledged, across messages. */
    static final int WINDOW = 64;
    /** Sends of one piece, unacknowledged, after which its message is abandoned. */
    static final int MAX_TRIES = 20;
    /** Sends of one large piece, unacknowledged while the peer answers, after which pieces are cut small. */
    static final int BLACK_HOLE_TRIES = 3;
    /**
     * Pieces that fit a 576-byte path: an IPv4 datagram of at most 576 bytes (RFC 791's minimum) holds a peer frame
     * of 548, which still fits the same path inside the tracker's sealed relay when it is at most 468.
     */
    static final int SMALL_PIECE = 576 - 28 - Wire.RELAY_OVERHEAD - PeerWire.TRANSPORT_HEADER_SIZE - PeerWire.TAG_SIZE
            - PeerWire.DATA_FIXED_SIZE - PeerWire.ACK_BLOCK_FIXED_SIZE;

    /** What became of a message. */
    interface Outcome {
        void delivered(long messageId);

        void failed(long messageId, String reason);
    }

    /** A piece to send now. */
    record Send(long messageId, ContentKind kind, int total, int offset, byte[] content, int length) {}

    private static final class Piece {
        final int offset;
        final int length;
        long sentAt;
        int sends;
        boolean acked;

        Piece(int offset, int length) {
            this.offset = offset;
            this.length = length;
        }
    }

    private static final class Outgoing {
        final long id;
        final ContentKind kind;
        final byte[] content;
        /** Cut when the message first goes out, at the piece size of that moment. */
        List<Piece> pieces;
        int nextUnsent;
        long firstSentAt;
        boolean abandoned;
        long skipSentAt;

        Outgoing(long id, ContentKind kind, byte[] content) {
            this.id = id;
            this.kind = kind;
            this.content = content;
        }

    }

    private final RttEstimator rtt;
    private final Outcome outcome;
    /** Messages cut into pieces, at least one sent, in id order; at most the window's worth are unacknowledged. */
    private final Deque<Outgoing> sending = new ArrayDeque<>();
    /** Messages not yet cut, in id order, behind every one in {@link #sending}. */
    private final Deque<Outgoing> waiting = new ArrayDeque<>();
    private long nextId = 1;
    private long queuedBytes;
    private int inFlight;
    private long retransmissions;
    /**
     * Timeouts in a row with no acknowledgement in between; the timeout doubles with each. Per conversation, as in
     * TCP: while acknowledgements flow the path works and a lost piece is resent after one timeout, and only a path
     * that stopped answering backs off towards the maximum.
     */
    private int backoff;
    private boolean resendAll;
    private int pieceSize = PeerWire.MAX_PIECE;
    private boolean largeAcked;
    /** When the peer was last heard from, over any frame: proof that small datagrams pass. */
    private long lastHeardAt = Long.MIN_VALUE;

    Outbox(RttEstimator rtt, Outcome outcome) {
        this.rtt = rtt;
        this.outcome = outcome;
    }

    /** Queues a message; returns its id, or -1 when the queue is full or the message too large. */
    long enqueue(ContentKind kind, byte[] content) {
        if (content.length > PeerWire.MAX_MESSAGE_SIZE || queuedMessages() >= MAX_QUEUED_MESSAGES
                || queuedBytes + content.length > MAX_QUEUED_BYTES || nextId > 0xFFFF_FFFFL) {
            return -1;
        }
        Outgoing message = new Outgoing(nextId++, kind, content);
        waiting.add(message);
        queuedBytes += content.length;
        return message.id;
    }

    /**
     * What to send now: retransmissions whose timeout passed (abandoning the messages that ran out of tries), the
     * SKIPs of abandoned messages that are due, then new pieces while the window has room.
     */
    List<Send> poll(long now, List<Long> skips) {
        List<Send> out = new ArrayList<>();
        long timeout = rtt.backedOffRtoMillis(backoff);
        boolean resend = resendAll;
        resendAll = false;
        boolean timedOut = false;
        for (Outgoing message : sending) {
            if (message.abandoned) {
                if (resend || now - message.skipSentAt >= timeout) {
                    message.skipSentAt = now;
                    skips.add(message.id);
                    timedOut |= !resend;
                }
                continue;
            }
            for (int i = 0; i < message.nextUnsent; i++) {
                Piece piece = message.pieces.get(i);
                if (piece.acked || !(resend || now - piece.sentAt >= timeout)) {
                    continue;
                }
                if (piece.sends >= MAX_TRIES) {
                    abandon(message, now);
                    skips.add(message.id);
                    break;
                }
                if (blackHole(message, piece)) {
                    cutSmall();
                    return poll(now, skips); // the unacknowledged pieces are new now: send them as such
                }
                out.add(send(message, piece, now));
                retransmissions++;
                timedOut |= !resend;
            }
        }
        if (timedOut) {
            backoff++;
        }
        // Messages go out in id order: only the newest of those cut may have pieces not yet sent.
        Outgoing last = sending.peekLast();
        while (inFlight < WINDOW) {
            if (last == null || last.abandoned || last.nextUnsent == last.pieces.size()) {
                last = waiting.poll();
                if (last == null) {
                    break;
                }
                last.pieces = cut(last.content.length, 0, pieceSize);
                last.firstSentAt = now;
                sending.add(last);
            }
            out.add(send(last, last.pieces.get(last.nextUnsent++), now));
            inFlight++;
        }
        return out;
    }

    /**
     * The peer's acknowledgements: every message below the cursor was handed on (an abandoned one excepted, whose
     * fate the answer to its SKIP tells), and each entry's piece arrived.
     */
    void acknowledge(AckBlock ack, long now) {
        // Karn, and head-of-line blocking: only the newest piece this acknowledgement covers says how long a round
        // trip takes (older ones waited at the peer for a gap to fill), and only if it was sent once.
        Piece newest = null;
        for (Iterator<Outgoing> it = sending.iterator(); it.hasNext(); ) {
            Outgoing message = it.next();
            if (message.id >= ack.cursor()) {
                break;
            }
            if (message.abandoned) {
                continue; // passed by the cursor delivered or skipped: the answer to its SKIP says which
            }
            it.remove();
            for (Piece piece : message.pieces.subList(0, message.nextUnsent)) {
                if (!piece.acked) {
                    inFlight--;
                    newest = newer(newest, piece);
                }
                largeAcked |= piece.length > SMALL_PIECE;
            }
            settle(message);
            outcome.delivered(message.id);
        }
        for (AckEntry entry : ack.entries()) {
            newest = acknowledge(entry, newest);
        }
        if (newest != null) {
            backoff = 0;
            if (newest.sends == 1) {
                rtt.sample(now - newest.sentAt);
            }
        }
    }

    /** Marks the pieces {@code entry} covers acknowledged; returns the newest of those and {@code newest}. */
    private Piece acknowledge(AckEntry entry, Piece newest) {
        for (Outgoing message : sending) {
            if (message.id != entry.messageId()) {
                continue;
            }
            if (message.abandoned) {
                return newest;
            }
            int end = entry.offset() + entry.length();
            for (Piece piece : message.pieces.subList(0, message.nextUnsent)) {
                if (!piece.acked && piece.offset >= entry.offset() && piece.offset + piece.length <= end) {
                    piece.acked = true;
                    inFlight--;
                    largeAcked |= piece.length > SMALL_PIECE;
                    newest = newer(newest, piece);
                }
            }
            return newest;
        }
        return newest;
    }

    private static Piece newer(Piece a, Piece b) {
        return a == null || b.sentAt > a.sentAt ? b : a;
    }

    /** The peer's answer to the SKIP of {@code messageId}: it settles an abandoned message. */
    void skipped(long messageId, boolean delivered) {
        for (Outgoing message : sending) {
            if (message.id == messageId && message.abandoned) {
                sending.remove(message);
                settle(message);
                if (delivered) {
                    outcome.delivered(messageId);
                } else {
                    outcome.failed(messageId, "not delivered: " + MAX_TRIES + " sends of a piece went unanswered");
                }
                return;
            }
        }
    }

    /** An authenticated frame of the peer's arrived at {@code now}. */
    void heard(long now) {
        lastHeardAt = now;
    }

    /**
     * A datagram as large as a full piece's reached the peer on this path (a path MTU probe was answered): large
     * pieces from now on.
     */
    void largeDatagramsPass() {
        largeAcked = true;
        pieceSize = PeerWire.MAX_PIECE;
    }

    /** Whether pieces are cut small, because large datagrams seem not to pass. */
    boolean smallPieces() {
        return pieceSize < PeerWire.MAX_PIECE;
    }

    /**
     * The conversation moved to another path that answers: everything unacknowledged goes out again (see
     * {@link #resendNow}), the timeout starts over from the initial one, since the old path's round trip says
     * nothing about the new one (QUIC resets its estimate on migration too), and so does what the old path said
     * about large datagrams.
     */
    void pathChanged() {
        rtt.reset();
        largeAcked = false;
        pieceSize = PeerWire.MAX_PIECE;
        resendNow();
    }

    /**
     * What is unacknowledged goes out again on the next poll, instead of after a timeout that kept doubling while
     * the path swallowed it; the caller knows that path works again, or that another one took over.
     */
    void resendNow() {
        backoff = 0;
        resendAll = true;
    }

    /** Fails every queued message with {@code reason} (the conversation ended) and empties the queue. */
    void failAll(String reason) {
        List<Outgoing> all = new ArrayList<>(sending);
        all.addAll(waiting);
        for (Outgoing message : all) {
            outcome.failed(message.id, reason);
        }
        sending.clear();
        waiting.clear();
        queuedBytes = 0;
        inFlight = 0;
    }

    int queuedMessages() {
        return sending.size() + waiting.size();
    }

    boolean idle() {
        return sending.isEmpty() && waiting.isEmpty();
    }

    long retransmissions() {
        return retransmissions;
    }

    private Send send(Outgoing message, Piece piece, long now) {
        piece.sentAt = now;
        piece.sends++;
        return new Send(message.id, message.kind, message.content.length, piece.offset, message.content,
                piece.length);
    }

    private void abandon(Outgoing message, long now) {
        message.abandoned = true;
        message.skipSentAt = now;
        for (Piece piece : message.pieces.subList(0, message.nextUnsent)) {
            if (!piece.acked) {
                inFlight--;
            }
        }
    }

    private void settle(Outgoing message) {
        queuedBytes -= message.content.length;
    }

    /** Whether {@code piece} looks lost to a path that drops large datagrams and passes small ones. */
    private boolean blackHole(Outgoing message, Piece piece) {
        return !largeAcked && pieceSize > SMALL_PIECE && piece.length > SMALL_PIECE
                && piece.sends >= BLACK_HOLE_TRIES && lastHeardAt > message.firstSentAt;
    }

    /** Small pieces from now on: every unacknowledged large piece is cut anew, and waits to be sent as new. */
    private void cutSmall() {
        pieceSize = SMALL_PIECE;
        for (Outgoing message : sending) {
            if (message.abandoned) {
                continue;
            }
            List<Piece> recut = new ArrayList<>();
            List<Piece> unsent = new ArrayList<>();
            for (int i = 0; i < message.pieces.size(); i++) {
                Piece piece = message.pieces.get(i);
                boolean sent = i < message.nextUnsent;
                if (piece.acked) {
                    recut.add(piece);
                } else {
                    if (sent) {
                        inFlight--;
                    }
                    unsent.addAll(cut(piece.length, piece.offset, SMALL_PIECE));
                }
            }
            message.nextUnsent = recut.size();
            recut.addAll(unsent);
            message.pieces = recut;
        }
    }

    /** Pieces of at most {@code size} bytes covering {@code length} bytes from {@code offset} (one if empty). */
    private static List<Piece> cut(int length, int offset, int size) {
        List<Piece> pieces = new ArrayList<>();
        int from = 0;
        do {
            int piece = Math.min(size, length - from);
            pieces.add(new Piece(offset + from, piece));
            from += piece;
        } while (from < length);
        return pieces;
    }
}
