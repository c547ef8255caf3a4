package dev.p2pchat.tracker.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.testsupport.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mailbox on a fake clock with a real SQLite file: callbacks come through a queue this test drains, as the
 * event loop would run them.
 */
class MailboxTest {
    private static final MailLimits LIMITS = new MailLimits(40, 40 * 1200L, 60, 60 * 1200L, 100_000, 1L << 20,
            Duration.ofDays(7));
    private static final Octets ALICE = key(1);
    private static final Octets BOB = key(2);
    private static final Octets ROBIN = key(3);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock();
    private final LinkedBlockingQueue<Runnable> loop = new LinkedBlockingQueue<>();
    private Mailbox mailbox;

    @AfterEach
    void close() {
        if (mailbox != null) {
            mailbox.close();
        }
    }

    private Mailbox open(MailLimits limits) throws Exception {
        mailbox = Mailbox.open(clock, limits, dir, loop::add);
        return mailbox;
    }

    private static Octets key(int seed) {
        byte[] key = new byte[32];
        key[0] = (byte) seed;
        key[31] = (byte) (seed >> 8);
        return Octets.of(key);
    }

    private static Octets mail(int size, int mark) {
        byte[] bytes = new byte[size];
        bytes[0] = (byte) mark;
        return Octets.of(bytes);
    }

    /** Runs the loop's tasks until {@code result} completes. */
    private <T> T await(CompletableFuture<T> result) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!result.isDone()) {
            Runnable task = loop.poll(10, TimeUnit.MILLISECONDS);
            if (task != null) {
                task.run();
            }
            assertThat(System.nanoTime()).as("answered within 10 s").isLessThan(deadline);
        }
        return result.get();
    }

    private ErrorCode deposit(Octets sender, Octets recipient, Octets mail) throws Exception {
        CompletableFuture<ErrorCode> answer = new CompletableFuture<>();
        mailbox.deposit(sender, recipient, mail, answer::complete);
        return await(answer);
    }

    private Mailbox.Fetched fetch(Octets recipient, long after) throws Exception {
        CompletableFuture<Mailbox.Fetched> answer = new CompletableFuture<>();
        mailbox.fetch(recipient, after, answer::complete);
        return await(answer);
    }

    private void acknowledge(Octets recipient, List<Long> ids) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        mailbox.acknowledge(recipient, ids, () -> done.complete(null));
        await(done);
    }

    private List<Mailbox.Fetched> fetchAll(Octets recipient) throws Exception {
        List<Mailbox.Fetched> all = new ArrayList<>();
        for (Mailbox.Fetched piece = fetch(recipient, 0); piece != null; piece = fetch(recipient, piece.id())) {
            all.add(piece);
        }
        return all;
    }

    @Test
    void shouldHandMailOverOldestFirstPageByPageAndDeleteOnlyWhatWasAcknowledged() throws Exception {
        open(LIMITS);
        for (int i = 1; i <= 3; i++) {
            assertThat(deposit(ALICE, BOB, mail(100, i))).isNull();
        }

        Mailbox.Fetched first = fetch(BOB, 0);
        assertThat(first.mail()).isEqualTo(mail(100, 1));
        assertThat(first.remaining()).isEqualTo(2);
        Mailbox.Fetched second = fetch(BOB, first.id());
        assertThat(second.mail()).isEqualTo(mail(100, 2));
        assertThat(second.remaining()).as("more follow: at least one, at most all waiting").isBetween(1, 2);
        assertThat(fetch(ALICE, 0)).as("alice's own mailbox").isNull();
        assertThat(deposit(ALICE, ALICE, mail(100, 9))).as("mail to oneself").isEqualTo(ErrorCode.MAILBOX_FULL);
        assertThat(mailbox.refused(Mailbox.Refusal.TO_SELF)).isEqualTo(1);

        // Acknowledging another's pieces (a peer naming ids it was not given) deletes nothing.
        acknowledge(ALICE, List.of(first.id(), second.id()));
        assertThat(mailbox.pieces()).isEqualTo(3);

        acknowledge(BOB, List.of(first.id(), second.id()));
        assertThat(mailbox.pieces()).isEqualTo(1);
        List<Mailbox.Fetched> rest = fetchAll(BOB);
        assertThat(rest).extracting(Mailbox.Fetched::mail).containsExactly(mail(100, 3));
        assertThat(rest.get(0).remaining()).isZero();
        assertThat(mailbox.deposited()).isEqualTo(3);
        assertThat(mailbox.acknowledged()).isEqualTo(2);
    }

    @Test
    void shouldKeepTheMailAndItsLimitsAcrossARestart() throws Exception {
        open(LIMITS);
        for (int i = 0; i < LIMITS.pairPieces(); i++) {
            assertThat(deposit(ALICE, BOB, mail(10, i))).isNull();
        }
        mailbox.close();

        open(LIMITS);
        assertThat(mailbox.pieces()).isEqualTo(LIMITS.pairPieces());
        assertThat(deposit(ALICE, BOB, mail(10, 99))).as("the pair's share is still used up")
                .isEqualTo(ErrorCode.MAILBOX_FULL);
        assertThat(fetchAll(BOB)).hasSize(LIMITS.pairPieces());
    }

    @Test
    void shouldBoundEachRecipientEachPairAndEachSender() throws Exception {
        open(LIMITS);
        // One sender fills a quarter of bob's mailbox, no more.
        for (int i = 0; i < LIMITS.pairPieces(); i++) {
            assertThat(deposit(ALICE, BOB, mail(10, i))).isNull();
        }
        assertThat(deposit(ALICE, BOB, mail(10, 0))).isEqualTo(ErrorCode.MAILBOX_FULL);
        assertThat(mailbox.refused(Mailbox.Refusal.PAIR_FULL)).isEqualTo(1);
        // Others fill the rest; then bob's mailbox is full for everyone.
        for (int sender = 10; mailbox.waitingFor(BOB) < LIMITS.recipientPieces(); sender++) {
            assertThat(deposit(key(sender), BOB, mail(10, sender))).isNull();
        }
        assertThat(deposit(ROBIN, BOB, mail(10, 0))).isEqualTo(ErrorCode.MAILBOX_FULL);
        assertThat(mailbox.refused(Mailbox.Refusal.RECIPIENT_FULL)).isEqualTo(1);
        // Bytes count as well as pieces: robin's share of carol's mailbox is a quarter of its bytes.
        Octets carol = key(4);
        long bytes = 0;
        while (bytes + TrackerWire.MAX_MAIL_SIZE <= LIMITS.pairBytes()) {
            assertThat(deposit(ROBIN, carol, mail(TrackerWire.MAX_MAIL_SIZE, 1))).isNull();
            bytes += TrackerWire.MAX_MAIL_SIZE;
        }
        assertThat(deposit(ROBIN, carol, mail(TrackerWire.MAX_MAIL_SIZE, 1))).isEqualTo(ErrorCode.MAILBOX_FULL);
    }

    @Test
    void shouldContainAFloodOfDepositsFromOneSender() throws Exception {
        open(LIMITS);
        Octets flooder = key(7);
        int accepted = 0;
        for (int i = 0; i < 2_000; i++) {
            if (deposit(flooder, key(1_000 + i), mail(500, i)) == null) {
                accepted++;
            }
        }

        assertThat(accepted).isEqualTo(LIMITS.senderPieces());
        assertThat(mailbox.pieces()).isEqualTo(LIMITS.senderPieces());
        assertThat(mailbox.refused(Mailbox.Refusal.SENDER_FULL)).isEqualTo(2_000 - LIMITS.senderPieces());
        // Everybody else is unaffected.
        assertThat(deposit(ALICE, BOB, mail(500, 1))).isNull();
    }

    @Test
    void shouldStopAtTheStoreLimitInAll() throws Exception {
        MailLimits small = new MailLimits(1_000, 1L << 20, 1_000, 1L << 20, 100_000, 1L << 20, Duration.ofDays(7));
        open(small);
        int accepted = 0;
        for (int sender = 0; sender < 40; sender++) {
            for (int recipient = 0; recipient < 40; recipient++) {
                if (deposit(key(100 + sender), key(10_000 + recipient), mail(1_000, 0)) == null) {
                    accepted++;
                }
            }
        }
        assertThat(mailbox.bytes()).isLessThanOrEqualTo(small.totalBytes());
        assertThat(accepted).isEqualTo((int) (small.totalBytes() / 1_000));
        assertThat(mailbox.refused(Mailbox.Refusal.STORE_FULL)).isEqualTo(1_600 - accepted);
    }

    /** Tiny pieces from many senders to many recipients: the count in all bounds what the tracker's counts hold. */
    @Test
    void shouldStopAtThePiecesInAllHoweverSmallThePieces() throws Exception {
        MailLimits few = new MailLimits(1_000, 1L << 20, 1_000, 1L << 20, 1_000, 1L << 30, Duration.ofDays(7));
        open(few);
        int accepted = 0;
        for (int sender = 0; sender < 50; sender++) {
            for (int recipient = 0; recipient < 50; recipient++) {
                if (deposit(key(100 + sender), key(10_000 + recipient), mail(1, 0)) == null) {
                    accepted++;
                }
            }
        }
        assertThat(accepted).isEqualTo(few.totalPieces());
        assertThat(mailbox.pieces()).isEqualTo(few.totalPieces());
        assertThat(mailbox.refused(Mailbox.Refusal.STORE_FULL)).isEqualTo(2_500 - few.totalPieces());
    }

    @Test
    void shouldDeleteMailUnfetchedForLongerThanTheTtl() throws Exception {
        open(LIMITS);
        assertThat(deposit(ALICE, BOB, mail(10, 1))).isNull();
        clock.advance(Duration.ofDays(6));
        assertThat(deposit(ALICE, BOB, mail(10, 2))).isNull();

        clock.advance(Duration.ofDays(1).plusMillis(1));
        mailbox.expire();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (mailbox.expired() == 0 && System.nanoTime() < deadline) {
            Runnable task = loop.poll(10, TimeUnit.MILLISECONDS);
            if (task != null) {
                task.run();
            }
        }

        assertThat(mailbox.expired()).isEqualTo(1);
        assertThat(fetchAll(BOB)).extracting(Mailbox.Fetched::mail).containsExactly(mail(10, 2));
        assertThat(mailbox.pieces()).isEqualTo(1);
    }
}
