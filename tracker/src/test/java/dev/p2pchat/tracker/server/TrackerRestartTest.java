package dev.p2pchat.tracker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.TrackerMessage.KeepaliveAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.protocol.tracker.TrackerMessage.SessionUnknown;
import dev.p2pchat.testsupport.TrackerTestClient;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.identity.TrackerIdentity;
import dev.p2pchat.tracker.metrics.DropReason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A tracker with a data directory keeps its key, and so its cookies and its reset proofs, across a restart. */
@Timeout(30)
class TrackerRestartTest {
    private static final Duration NO_REPLY_WAIT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private static TrackerServer tracker(Path dataDirectory) throws IOException {
        return new TrackerServer(TrackerConfig.builder().loopback().dataDirectory(dataDirectory).build());
    }

    @Test
    void shouldKeepItsKeyAndAcceptACookieMintedBeforeARestartOnTheSameDataDirectory() throws Exception {
        Identity alice = Identity.generate(new SecureRandom());
        Octets key;
        Octets cookie;
        InetSocketAddress aliceAt;
        Sealed stale;
        Registered registered;
        try (TrackerServer before = tracker(dir)) {
            InetSocketAddress address = before.start();
            try (TrackerTestClient client = new TrackerTestClient(address)) {
                cookie = client.fetchCookie();
                key = client.trackerKey();
                assertThat(key).isEqualTo(before.publicKey());
                registered = (Registered) client.register(alice, "alice");
                aliceAt = client.localAddress();
                stale = client.seal(client.keepaliveRequest());
            }
        }

        try (TrackerServer after = tracker(dir);
                // The same peer, at the same address (the port the first client was given), its cookie kept.
                TrackerTestClient client = new TrackerTestClient(aliceAt, after.start())) {
            assertThat(after.publicKey()).isEqualTo(key);
            client.useTrackerKey(key); // pinned: no cookie asked for, so the next REGISTER uses the old cookie
            client.useCookie(cookie);

            // The old session died with the old process: the peer is told so, with the proof its REGISTERED gave
            // (a function of the key alone), and registers again.
            assertThat(stale.session()).isEqualTo(registered.token());
            assertThat(registered.resetProof()).as("the key's reset proof of the token")
                    .isEqualTo(TrackerIdentity.loadOrCreate(dir, new SecureRandom()).resetProof(registered.token()))
                    .isNotEqualTo(TrackerIdentity.loadOrCreate(dir, new SecureRandom())
                            .resetProof(registered.token() + 1));
            client.send(stale);
            assertThat(client.receive(TrackerTestClient.DEFAULT_TIMEOUT))
                    .isEqualTo(new SessionUnknown(stale.session(), registered.resetProof()));
            assertThat(client.register(alice, "alice")).as("sealed under the same key, with the old cookie")
                    .isInstanceOf(Registered.class);
            assertThat(after.metrics().dropped(DropReason.BAD_COOKIE)).isZero();
            assertThat(client.keepalive()).isInstanceOf(KeepaliveAck.class);
            client.fetchCookie();
            assertThat(client.trackerKey()).as("what COOKIE_CHALLENGE announces").isEqualTo(key);
        }
    }

    @Test
    void shouldHaveAnotherKeyAndRefuseTheOtherTrackersCookiesWithAnotherDataDirectory() throws Exception {
        Octets firstKey;
        Octets cookie;
        InetSocketAddress clientAt;
        Registered registered;
        Sealed stale;
        try (TrackerServer first = tracker(dir.resolve("first"));
                TrackerTestClient client = new TrackerTestClient(first.start())) {
            client.fetchCookie();
            registered = (Registered) client.register(Identity.generate(new SecureRandom()), "bob");
            stale = client.seal(client.keepaliveRequest());
            cookie = client.fetchCookie();
            firstKey = client.trackerKey();
            clientAt = client.localAddress();
        }

        try (TrackerServer second = tracker(dir.resolve("second"));
                TrackerTestClient client = new TrackerTestClient(clientAt, second.start())) {
            assertThat(second.publicKey()).isNotEqualTo(firstKey);
            client.useTrackerKey(firstKey);
            client.useCookie(cookie);

            // Another tracker does not know the session either, but it cannot give the first tracker's proof.
            client.send(stale);
            assertThat(client.receive(TrackerTestClient.DEFAULT_TIMEOUT)).isInstanceOfSatisfying(
                    SessionUnknown.class, unknown -> {
                        assertThat(unknown.session()).isEqualTo(registered.token());
                        assertThat(unknown.proof()).isNotEqualTo(registered.resetProof());
                    });
            client.send(client.registerRequest(Identity.generate(new SecureRandom()), "alice", List.of()));

            assertThat(client.receive(NO_REPLY_WAIT)).isNull();
            assertThat(second.metrics().dropped(DropReason.BAD_COOKIE)).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseToStartOnADamagedKeyFileAndLeaveTheFileAsItIs() throws Exception {
        Path file = dir.resolve(TrackerIdentity.FILE_NAME);
        byte[] damaged = "p2pchat tracker x25519 private key v1\nnot a key\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(file, damaged);

        assertThatThrownBy(() -> tracker(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("left as it is");
        assertThat(Files.readAllBytes(file)).isEqualTo(damaged);
    }

    @Test
    void shouldMakeAKeyOfItsOwnForEveryTrackerWithoutADataDirectory() throws Exception {
        try (TrackerServer one = new TrackerServer(TrackerConfig.builder().loopback().build());
                TrackerServer two = new TrackerServer(TrackerConfig.builder().loopback().build())) {
            assertThat(one.publicKey()).as("a key of its own for each process").isNotEqualTo(two.publicKey());
        }
    }
}
