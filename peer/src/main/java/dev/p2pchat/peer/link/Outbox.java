package dev.p2pchat.peer.link;

import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.PeerFrame.Data;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerWire;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The sending half of a reliable conversation: messages are numbered from 1, split into fragments, sent within
 * a window of unacknowledged fragments, retransmitted on a timeout from the measured round trip (doubling per
 * retransmission), and reported delivered once every fragment is acknowledged, or failed when that has not
 * happened within the give-up time of its first send. When the conversation moved to another path that answers,
 * everything unacknowledged can go out again at once ({@link #resendNow}). (A peer that stops answering altogether
 * is caught sooner by the conversation's liveness check, which fails everything queued.) Pure logic: told the time,
 * it says what to send.
 *
 * <p>Bounded: at most {@link #MAX_QUEUED_MESSAGES} messages and {@link #MAX_QUEUED_BYTES} bytes wait; beyond
 * that {@link #enqueue} refuses, so a sender learns at once that its message was not taken.
 */
final class Outbox {
    static final int MAX_QUEUED_MESSAGES = 1024;
    static final long MAX_QUEUED_BYTES = 4L * 1024 * 1024;
    /** Fragments sent and not yet acknowledged, across messages. */
    static final int WINDOW = 64;

    /** What became of a message. */
    interface Outcome {
        void delivered(long messageId);

        void failed(long messageId, String reason);
    }

    private static final class Outgoing {
        final long id;
        final ContentKind kind;
        final Octets[] payloads;
        final long[] sentAt;
        final int[] sends;
        final boolean[] acked;
        long firstSentAt = -1;
        int unacked;
        int nextUnsent;
        final int bytes;

        Outgoing(long id, ContentKind kind, byte[] content) {
            this.id = id;
            this.kind = kind;
            int count = Math.max(1, (content.length + PeerWire.MAX_FRAGMENT_PAYLOAD - 1) / PeerWire.MAX_FRAGMENT_PAYLOAD);
            this.payloads = new Octets[count];
            for (int i = 0; i < count; i++) {
                int from = i * PeerWire.MAX_FRAGMENT_PAYLOAD;
                payloads[i] = Octets.of(content, from, Math.min(PeerWire.MAX_FRAGMENT_PAYLOAD, content.length - from));
            }
            this.sentAt = new long[count];
            this.sends = new int[count];
            this.acked = new boolean[count];
            this.unacked = count;
            this.bytes = content.length;
        }
    }

    private final RttEstimator rtt;
    private final long giveUpMillis;
    private final Outcome outcome;
    private final Deque<Outgoing> queue = new ArrayDeque<>();
    private long nextId = 1;
    private long queuedBytes;
    private int inFlight;
    private long retransmissions;
    /**
     * Timeouts in a row with no acknowledgement in between; the timeout doubles with each. Per conversation, as
     * in TCP: while acknowledgements flow the path works and a lost fragment is resent after one timeout, and
     * only a path that stopped answering backs off towards the maximum.
     */
    private int backoff;
    private boolean resendAll;

    Outbox(RttEstimator rtt, long giveUpMillis, Outcome outcome) {
        this.rtt = rtt;
        this.giveUpMillis = giveUpMillis;
        this.outcome = outcome;
    }

    /** Queues a message; returns its id, or -1 when the queue is full or the message too large. */
    long enqueue(ContentKind kind, byte[] content) {
        if (content.length > PeerWire.MAX_MESSAGE_SIZE || queue.size() >= MAX_QUEUED_MESSAGES
                || queuedBytes + content.length > MAX_QUEUED_BYTES) {
            return -1;
        }
        Outgoing message = new Outgoing(nextId++, kind, content);
        queue.add(message);
        queuedBytes += message.bytes;
        return message.id;
    }

    /**
     * The fragments to send now for conversation {@code session}: retransmissions whose timeout passed, then new
     * fragments while the window has room. Fails (and drops) messages past the give-up time first.
     */
    List<Data> poll(long session, long now) {
        expire(now);
        List<Data> out = new ArrayList<>();
        long timeout = rtt.backedOffRtoMillis(backoff);
        boolean resend = resendAll;
        resendAll = false;
        for (Outgoing message : queue) {
            if (message.nextUnsent == 0) {
                break; // messages go out in queue order: nothing after this one has been sent either
            }
            for (int i = 0; i < message.nextUnsent; i++) {
                if (!message.acked[i] && (resend || now - message.sentAt[i] >= timeout)) {
                    out.add(send(session, message, i, now));
                    retransmissions++;
                }
            }
        }
        if (!out.isEmpty() && !resend) {
            backoff++;
        }
        for (Outgoing message : queue) {
            while (message.nextUnsent < message.payloads.length && inFlight < WINDOW) {
                out.add(send(session, message, message.nextUnsent++, now));
                inFlight++;
            }
            if (inFlight >= WINDOW) {
                break;
            }
        }
        return out;
    }

    /** Records an acknowledgement; unknown or repeated ones are ignored. */
    void acknowledge(long messageId, int fragment, long now) {
        for (Outgoing message : queue) {
            if (message.id != messageId) {
                continue;
            }
            if (fragment >= message.nextUnsent || message.acked[fragment]) {
                return;
            }
            message.acked[fragment] = true;
            message.unacked--;
            inFlight--;
            backoff = 0;
            if (message.sends[fragment] == 1) {
                rtt.sample(now - message.sentAt[fragment]);
            }
            if (message.unacked == 0) {
                queue.remove(message);
                queuedBytes -= message.bytes;
                outcome.delivered(message.id);
            }
            return;
        }
    }

    /**
     * The conversation moved to another path that answers: everything unacknowledged goes out again (see
     * {@link #resendNow}), and the timeout starts over from the initial one, since the old path's round trip says
     * nothing about the new one (QUIC resets its estimate on migration too). Otherwise a longer new path would time
     * out every first send, and Karn's rule would never let the estimate learn from the answers.
     */
    void pathChanged() {
        rtt.reset();
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
        for (Outgoing message : List.copyOf(queue)) {
            outcome.failed(message.id, reason);
        }
        queue.clear();
        queuedBytes = 0;
        inFlight = 0;
    }

    int queuedMessages() {
        return queue.size();
    }

    long retransmissions() {
        return retransmissions;
    }

    private Data send(long session, Outgoing message, int fragment, long now) {
        if (message.firstSentAt < 0) {
            message.firstSentAt = now;
        }
        message.sentAt[fragment] = now;
        message.sends[fragment]++;
        return new Data(session, message.id, message.kind, fragment, message.payloads.length,
                message.payloads[fragment]);
    }

    /** Fails messages whose first fragment went out the give-up time ago (messages go out in queue order). */
    private void expire(long now) {
        while (!queue.isEmpty() && queue.peekFirst().firstSentAt >= 0
                && now - queue.peekFirst().firstSentAt >= giveUpMillis) {
            Outgoing message = queue.pollFirst();
            queuedBytes -= message.bytes;
            for (int i = 0; i < message.nextUnsent; i++) {
                if (!message.acked[i]) {
                    inFlight--;
                }
            }
            outcome.failed(message.id, "not acknowledged within " + giveUpMillis / 1000 + " s");
        }
    }
}
