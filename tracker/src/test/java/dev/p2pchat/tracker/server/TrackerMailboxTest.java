package dev.p2pchat.tracker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage.Deposit;
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.Fetch;
import dev.p2pchat.protocol.tracker.TrackerMessage.Mail;
import dev.p2pchat.protocol.tracker.TrackerMessage.MailAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Transaction;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.testsupport.TrackerTestClient;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.mailbox.MailLimits;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mailbox over the wire, against the real server: only registered peers deposit, each fetches only its own
 * mail, mail survives a restart, a full mailbox says so in an answer no larger than the deposit.
 */
@Timeout(30)
class TrackerMailboxTest {
    private static final MailLimits LIMITS = new MailLimits(8, 8 * 1200L, 8, 8 * 1200L, 1_000, 1L << 20,
            Duration.ofDays(7));

    @TempDir
    Path data;

    private final Random seeded = new Random(5);
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private TrackerServer server;
    private InetSocketAddress tracker;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : closeLater) {
            closeable.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(int port) throws Exception {
        server = new TrackerServer(TrackerConfig.builder().bindAddress("127.0.0.1").port(port).dataDirectory(data)
                .mail(LIMITS).build());
        tracker = server.start();
    }

    private Identity identity() {
        byte[] seed = new byte[Identity.PRIVATE_KEY_SIZE];
        seeded.nextBytes(seed);
        return Identity.fromPrivateKey(seed);
    }

    private TrackerTestClient registered(Identity identity, String name) {
        TrackerTestClient client = new TrackerTestClient(tracker);
        closeLater.add(client);
        client.fetchCookie();
        assertThat(client.register(identity, name)).isInstanceOf(Registered.class);
        return client;
    }

    private static Transaction deposit(TrackerTestClient from, Octets recipient, Octets mail) {
        return from.request(new Deposit(from.nextTxid(), from.cookie(), from.token(), recipient, mail));
    }

    private static Mail fetch(TrackerTestClient client, long after) {
        Transaction reply = client.request(new Fetch(client.nextTxid(), client.cookie(), client.token(), after));
        assertThat(reply).isInstanceOf(Mail.class);
        return (Mail) reply;
    }

    @Test
    void shouldKeepMailAcrossARestartAndHandItOnlyToItsRecipient() throws Exception {
        start(0);
        Identity bob = identity();
        TrackerTestClient alice = registered(identity(), "alice");
        Octets sealed = Octets.of("sealed for bob, opaque to the tracker".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(deposit(alice, bob.publicKey(), sealed)).isInstanceOf(Ok.class);

        // Bare, from someone with no session: dropped, unanswered, nothing stored.
        TrackerTestClient stranger = new TrackerTestClient(tracker);
        closeLater.add(stranger);
        stranger.fetchCookie();
        stranger.send(new Deposit(stranger.nextTxid(), stranger.cookie(), 0, bob.publicKey(), sealed));
        assertThat(stranger.receive(Duration.ofMillis(300))).isNull();
        // Another registered peer fetches its own mail only.
        assertThat(fetch(registered(identity(), "carol"), 0).id()).isZero();

        int port = tracker.getPort();
        server.close();
        start(port);

        TrackerTestClient bobClient = registered(bob, "bob");
        Mail mail = fetch(bobClient, 0);
        assertThat(mail.mail()).isEqualTo(sealed);
        assertThat(mail.remaining()).isZero();
        assertThat(fetch(bobClient, mail.id()).id()).as("nothing after it").isZero();
        assertThat(bobClient.request(new MailAck(bobClient.nextTxid(), bobClient.cookie(), bobClient.token(),
                List.of(mail.id())))).isInstanceOf(Ok.class);
        assertThat(fetch(bobClient, 0).id()).as("deleted once acknowledged").isZero();
    }

    @Test
    void shouldRefuseWhatDoesNotFitWithAnAnswerNoLargerThanTheDeposit() throws Exception {
        start(0);
        Octets bob = identity().publicKey();
        TrackerTestClient alice = registered(identity(), "alice");
        Octets piece = Octets.zeros(TrackerWire.MAX_MAIL_SIZE);
        for (int i = 0; i < LIMITS.pairPieces(); i++) {
            assertThat(deposit(alice, bob, piece)).isInstanceOf(Ok.class);
        }
        Deposit tooMany = new Deposit(alice.nextTxid(), alice.cookie(), alice.token(), bob, Octets.zeros(1));
        long before = alice.bytesReceived();
        Transaction refused = alice.request(tooMany);
        assertThat(refused).isInstanceOf(ErrorReply.class);
        assertThat(((ErrorReply) refused).code()).isEqualTo(ErrorCode.MAILBOX_FULL);
        assertThat(alice.bytesReceived() - before).as("the answer's datagram")
                .isLessThanOrEqualTo(TrackerCodec.encode(alice.seal(tooMany)).length);
        assertThat(server.metrics().statsLine()).contains("mail_refused.pair_full=1");
    }
}
