package dev.p2pchat.tracker.mailbox;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mail for peers that are not registered: deposits admitted within {@link MailLimits}, stored before they are
 * acknowledged, handed to the recipient piece by piece, deleted once it says it stored them or once they are older
 * than the TTL. Usage is counted in memory (restored from the store at start), and reserved when a deposit is
 * admitted, so deposits on their way to the disk cannot overrun a limit. Every method runs on one thread (the event
 * loop), and so do the callbacks.
 */
public final class Mailbox implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Mailbox.class);

    /** What one key has waiting, as a recipient or as a sender. */
    private static final class Usage {
        int pieces;
        long bytes;

        void add(int morePieces, long moreBytes) {
            pieces += morePieces;
            bytes += moreBytes;
        }
    }

    private record Pair(Octets recipient, Octets sender) {}

    /** Why a deposit was refused; each is counted. */
    public enum Refusal { TO_SELF, RECIPIENT_FULL, PAIR_FULL, SENDER_FULL, STORE_FULL, STORE_FAILED }

    /** The answer to a fetch: a piece (null when none is left) and how many more wait after it. */
    public record Fetched(long id, Octets mail, int remaining) {}

    private final Clock clock;
    private final MailLimits limits;
    private final MailStore store;
    private final Map<Octets, Usage> recipients = new HashMap<>();
    private final Map<Octets, Usage> senders = new HashMap<>();
    private final Map<Pair, Usage> pairs = new HashMap<>();
    private final Usage total = new Usage();
    private final Map<Refusal, LongAdder> refusals = new HashMap<>();
    private final LongAdder deposited = new LongAdder();
    private final LongAdder fetched = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder expired = new LongAdder();

    private Mailbox(Clock clock, MailLimits limits, MailStore store) throws IOException {
        this.clock = clock;
        this.limits = limits;
        this.store = store;
        for (Refusal refusal : Refusal.values()) {
            refusals.put(refusal, new LongAdder());
        }
        for (MailStore.Usage row : store.usage()) {
            count(row.recipient(), row.sender(), row.pieces(), row.bytes());
        }
    }

    /**
     * Opens the mailbox kept in {@code directory} (in memory when null).
     *
     * @param callbacks where answers are given: the tracker's event loop
     */
    public static Mailbox open(Clock clock, MailLimits limits, Path directory, Executor callbacks)
            throws IOException {
        MailStore store = MailStore.open(directory, callbacks);
        try {
            return new Mailbox(clock, limits, store);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Takes {@code mail} from {@code sender} for {@code recipient}; {@code answer} gets null once it is stored, or
     * MAILBOX_FULL when it does not fit or could not be stored.
     */
    public void deposit(Octets sender, Octets recipient, Octets mail, Consumer<ErrorCode> answer) {
        int bytes = mail.length();
        Refusal refusal = admission(sender, recipient, bytes);
        if (refusal != null) {
            refusals.get(refusal).increment();
            answer.accept(ErrorCode.MAILBOX_FULL);
            return;
        }
        count(recipient, sender, 1, bytes); // reserved until the write's outcome is known
        store.insert(recipient, sender, clock.millis(), mail, id -> {
            deposited.increment();
            answer.accept(null);
        }, problem -> {
            count(recipient, sender, -1, -bytes);
            refusals.get(Refusal.STORE_FAILED).increment();
            log.warn("could not store mail: {}", problem);
            answer.accept(ErrorCode.MAILBOX_FULL);
        });
    }

    private Refusal admission(Octets sender, Octets recipient, int bytes) {
        if (sender.equals(recipient)) {
            return Refusal.TO_SELF; // a peer's own mail would only make its fetches disk reads at will
        }
        Usage box = recipients.get(recipient);
        if (box != null && (box.pieces >= limits.recipientPieces() || box.bytes + bytes > limits.recipientBytes())) {
            return Refusal.RECIPIENT_FULL;
        }
        Usage pair = pairs.get(new Pair(recipient, sender));
        if (pair != null && (pair.pieces >= limits.pairPieces() || pair.bytes + bytes > limits.pairBytes())) {
            return Refusal.PAIR_FULL;
        }
        Usage mine = senders.get(sender);
        if (mine != null && (mine.pieces >= limits.senderPieces() || mine.bytes + bytes > limits.senderBytes())) {
            return Refusal.SENDER_FULL;
        }
        if (total.pieces >= limits.totalPieces() || total.bytes + bytes > limits.totalBytes()) {
            return Refusal.STORE_FULL;
        }
        return null;
    }

    /**
     * The oldest of {@code recipient}'s pieces with an id above {@code after}; {@code answer} gets it, or null when
     * there is none. When the store cannot be read, {@code answer} is not called: no answer is better than one that
     * says there is no more mail.
     */
    public void fetch(Octets recipient, long after, Consumer<Fetched> answer) {
        if (!recipients.containsKey(recipient)) {
            answer.accept(null); // nothing waits: no disk read for the common case, a registration with no mail
            return;
        }
        store.first(recipient, after, (piece, more) -> {
            if (piece == null) {
                answer.accept(null);
                return;
            }
            fetched.increment();
            // More after it: at most all of the recipient's waiting pieces but this one (the count is kept here;
            // counting those after it exactly would cost a walk of the index for every piece fetched).
            answer.accept(new Fetched(piece.id(), piece.body(), more ? Math.max(1, waitingFor(recipient) - 1) : 0));
        }, problem -> log.warn("could not read mail: {}", problem));
    }

    /** Deletes those of {@code ids} that are {@code recipient}'s; {@code done} runs once they are gone. */
    public void acknowledge(Octets recipient, List<Long> ids, Runnable done) {
        store.delete(recipient, ids, gone -> {
            gone.forEach(row -> count(row.recipient(), row.sender(), -row.pieces(), -row.bytes()));
            acknowledged.add(gone.size());
            done.run();
        }, problem -> {
            log.warn("could not delete fetched mail: {}", problem);
            done.run(); // what was not deleted is fetched again, and the recipient shows it once
        });
    }

    /** Deletes the mail older than the TTL. */
    public void expire() {
        store.expire(clock.millis() - limits.ttl().toMillis(), gone -> {
            gone.forEach(row -> count(row.recipient(), row.sender(), -row.pieces(), -row.bytes()));
            expired.add(gone.size());
        }, problem -> log.warn("could not delete expired mail: {}", problem));
    }

    private void count(Octets recipient, Octets sender, int pieces, long bytes) {
        change(recipients, recipient, pieces, bytes);
        change(senders, sender, pieces, bytes);
        change(pairs, new Pair(recipient, sender), pieces, bytes);
        total.add(pieces, bytes);
    }

    private static <K> void change(Map<K, Usage> usage, K key, int pieces, long bytes) {
        Usage entry = usage.computeIfAbsent(key, ignored -> new Usage());
        entry.add(pieces, bytes);
        if (entry.pieces <= 0) {
            usage.remove(key);
        }
    }

    // ---- counters ----

    public long pieces() {
        return total.pieces;
    }

    public long bytes() {
        return total.bytes;
    }

    public long deposited() {
        return deposited.sum();
    }

    public long refused(Refusal refusal) {
        return refusals.get(refusal).sum();
    }

    public long fetched() {
        return fetched.sum();
    }

    public long acknowledged() {
        return acknowledged.sum();
    }

    public long expired() {
        return expired.sum();
    }

    /** Waiting pieces for {@code recipient}. */
    public int waitingFor(Octets recipient) {
        Usage box = recipients.get(recipient);
        return box == null ? 0 : box.pieces;
    }

    public MailLimits limits() {
        return limits;
    }

    /** Finishes the writes under way, then closes the store. */
    @Override
    public void close() {
        store.close();
    }
}
