package dev.p2pchat.peer.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.PeerInfo;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieChallenge;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.Introduction;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.KeepaliveAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.testsupport.MutableClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tracker conversation scripted message by message, on a clock the test moves. */
@Timeout(10)
class TrackerSessionTest {
    private static final InetSocketAddress HOME = new InetSocketAddress("198.51.100.7", 40000);
    private static final InetSocketAddress CAFE = new InetSocketAddress("203.0.113.9", 51000);
    private static final Octets COOKIE = Octets.fromHex("00112233445566778899aabbccddeeff");
    /** The cookie a mapping check fetches: minted for the address the tracker sees now. */
    private static final Octets FRESH_COOKIE = Octets.fromHex("ffeeddccbbaa99887766554433221100");
    private static final Octets LATER_COOKIE = Octets.fromHex("0f0e0d0c0b0a09080706050403020100");
    private static final Octets BOB = Octets.fromHex("b0".repeat(32));

    private final MutableClock clock = new MutableClock();
    private final Identity identity = Identity.fromPrivateKey(new byte[32]);
    private final List<TrackerMessage> sent = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final TrackerSession session = new TrackerSession(clock, Duration.ofSeconds(1), new Random(3), identity,
            "alice", Octets.zeros(Wire.KEY_SIZE), 0, List.of(), sent::add, new TrackerSession.Listener() {
                @Override
                public void registered(InetSocketAddress observed) {
                    events.add("registered " + observed.getPort());
                }

                @Override
                public void refused(ErrorCode code) {
                    events.add("refused " + code);
                }

                @Override
                public void introduced(PeerInfo peer) {
                    events.add("introduced " + peer.name());
                }

                @Override
                public void trackerSilent() {
                    events.add("silent");
                }
            });

    private <T extends TrackerMessage> T lastSent(Class<T> type) {
        assertThat(sent).isNotEmpty();
        assertThat(sent.get(sent.size() - 1)).isInstanceOf(type);
        return type.cast(sent.get(sent.size() - 1));
    }

    private void advance(long millis) {
        clock.advance(Duration.ofMillis(millis));
        session.tick();
    }

    private Registered register() {
        session.start();
        session.onMessage(new CookieChallenge(lastSent(CookieRequest.class).txid(), COOKIE));
        Register register = lastSent(Register.class);
        assertThat(Identity.verify(identity.publicKey(), register)).isTrue();
        Registered registered = new Registered(register.txid(), 77, 90, 25_000, HOME, COOKIE);
        session.onMessage(registered);
        return registered;
    }

    @Test
    void shouldFetchACookieThenRegisterWithASignedRequest() {
        register();

        assertThat(session.state()).isEqualTo(TrackerSession.State.REGISTERED);
        assertThat(session.observed()).isEqualTo(HOME);
        assertThat(events).containsExactly("registered 40000");
        assertThat(lastSent(Register.class).name()).isEqualTo("alice");
    }

    @Test
    void shouldRetransmitWithBackoffUntilTheTrackerAnswers() {
        session.start();
        advance(999);
        assertThat(sent).hasSize(1);
        advance(1);
        assertThat(sent).hasSize(2);
        advance(1999);
        assertThat(sent).hasSize(2);
        advance(1);
        assertThat(sent).hasSize(3).allMatch(CookieRequest.class::isInstance);
    }

    @Test
    void shouldKeepAliveAtTheIntervalTheTrackerGives() {
        register();
        sent.clear();

        advance(24_999);
        assertThat(sent).isEmpty();
        advance(1);
        Keepalive keepalive = lastSent(Keepalive.class);
        assertThat(keepalive.token()).isEqualTo(77);
        assertThat(keepalive.name()).isEqualTo("alice");

        session.onMessage(new KeepaliveAck(keepalive.txid(), 20_000, HOME, COOKIE));
        advance(19_999);
        assertThat(sent).hasSize(1);
        advance(1);
        assertThat(sent).hasSize(2);
    }

    @Test
    void shouldRegisterAgainWhenTheTrackerHasForgottenIt() {
        register();
        advance(25_000);

        session.onMessage(new ErrorReply(lastSent(Keepalive.class).txid(), ErrorCode.NOT_REGISTERED));

        assertThat(lastSent(Register.class).cookie()).isEqualTo(COOKIE);
        assertThat(session.state()).isEqualTo(TrackerSession.State.REGISTERING);
    }

    @Test
    void shouldStartOverWithANewCookieWhenKeepalivesGoUnanswered() {
        register();
        advance(25_000);
        for (int i = 0; i < 3; i++) {
            advance(TrackerSession.MAX_RETRY_MILLIS);
        }
        assertThat(sent.stream().filter(Keepalive.class::isInstance)).hasSize(TrackerSession.MAX_ATTEMPTS);

        advance(TrackerSession.MAX_RETRY_MILLIS);

        assertThat(events).containsExactly("registered 40000", "silent");
        assertThat(lastSent(CookieRequest.class)).isNotNull();
        assertThat(session.state()).isEqualTo(TrackerSession.State.FETCHING_COOKIE);
    }

    @Test
    void shouldRegisterAgainWhenItsObservedAddressMoves() {
        register();
        advance(25_000);

        session.onMessage(new KeepaliveAck(lastSent(Keepalive.class).txid(), 25_000, CAFE, COOKIE));

        assertThat(lastSent(Register.class)).isNotNull();
    }

    @Test
    void shouldAnswerALookupAndPassIntroductionsOn() throws Exception {
        register();
        PeerInfo bob = new PeerInfo("bob", Octets.zeros(32), Octets.zeros(32), 0, CAFE, List.of());

        CompletableFuture<PeerInfo> found = session.lookup("bob");
        Lookup lookup = lastSent(Lookup.class);
        assertThat(lookup.requester()).isEqualTo("alice");
        assertThat(lookup.token()).isEqualTo(77);
        session.onMessage(new LookupResult(lookup.txid(), bob));
        session.onMessage(new Introduction(bob));

        assertThat(found.get()).isEqualTo(bob);
        assertThat(events).contains("introduced bob");
    }

    @Test
    void shouldFailALookupTheTrackerRefusesOrNeverAnswers() {
        register();

        CompletableFuture<PeerInfo> refused = session.lookup("nobody");
        session.onMessage(new ErrorReply(lastSent(Lookup.class).txid(), ErrorCode.NOT_FOUND));
        CompletableFuture<PeerInfo> unanswered = session.lookup("bob");
        for (int i = 0; i < TrackerSession.MAX_ATTEMPTS; i++) {
            advance(TrackerSession.MAX_RETRY_MILLIS);
        }

        assertThat(failure(refused).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(failure(unanswered).code()).isNull();
        assertThat(failure(unanswered)).hasMessageContaining("did not answer");
    }

    @Test
    void shouldStayRefusedWhenTheNameIsTaken() {
        session.start();
        session.onMessage(new CookieChallenge(lastSent(CookieRequest.class).txid(), COOKIE));
        session.onMessage(new ErrorReply(lastSent(Register.class).txid(), ErrorCode.NAME_TAKEN));
        sent.clear();

        advance(60_000);

        assertThat(session.state()).isEqualTo(TrackerSession.State.REFUSED);
        assertThat(events).containsExactly("refused NAME_TAKEN");
        assertThat(sent).isEmpty();
    }

    @Test
    void shouldRefuseQueriesBeforeRegistration() {
        assertThat(session.lookup("bob")).isCompletedExceptionally();
        assertThat(sent).isEmpty();
    }

    @Test
    void shouldIgnoreRepliesToNothingItAsked() {
        register();
        sent.clear();

        session.onMessage(new LookupResult(12345,
                new PeerInfo("x", Octets.zeros(32), Octets.zeros(32), 0, CAFE, List.of())));
        session.onMessage(new TrackerMessage.Ok(999));

        assertThat(sent).isEmpty();
        assertThat(session.state()).isEqualTo(TrackerSession.State.REGISTERED);
    }

    // ---- checking the mapping ----

    /** A {@link TrackerSession#checkMapping} action that records each run as {@code label}. */
    private Runnable then(String label) {
        return () -> events.add("then " + label);
    }

    @Test
    void shouldCheckAnUnchangedMappingWithAFreshCookieThenAKeepaliveAndRunTheActionOnce() {
        register();
        sent.clear();

        session.checkMapping(then("lookup"));

        CookieRequest request = lastSent(CookieRequest.class);
        assertThat(sent).hasSize(1);
        session.onMessage(new CookieChallenge(request.txid(), FRESH_COOKIE));
        Keepalive keepalive = lastSent(Keepalive.class);
        assertThat(keepalive.cookie()).as("the keepalive carries the fresh cookie").isEqualTo(FRESH_COOKIE);
        assertThat(keepalive.token()).isEqualTo(77);
        assertThat(keepalive.name()).isEqualTo("alice");
        assertThat(events).as("nothing runs before the tracker confirms").containsExactly("registered 40000");

        KeepaliveAck ack = new KeepaliveAck(keepalive.txid(), 20_000, HOME, LATER_COOKIE);
        session.onMessage(ack);
        session.onMessage(ack); // a duplicate answers nothing that is still waiting

        assertThat(events).containsExactly("registered 40000", "then lookup");
        assertThat(sent).hasExactlyElementsOfTypes(CookieRequest.class, Keepalive.class);
        assertThat(session.state()).isEqualTo(TrackerSession.State.REGISTERED);
        assertThat(session.observed()).isEqualTo(HOME);
        // The keepalives carry on at the interval the check's answer gave, with its cookie.
        advance(19_999);
        assertThat(sent).hasSize(2);
        advance(1);
        assertThat(lastSent(Keepalive.class).cookie()).isEqualTo(LATER_COOKIE);
        assertThat(sent).hasSize(3);
    }

    @Test
    void shouldHoldTheRegularKeepaliveWhileACheckIsUnderWay() {
        register();
        advance(20_000);
        sent.clear();

        session.checkMapping(then("lookup"));
        advance(5_000); // when the lease's keepalive was due; the check's own keepalive stands in for it
        assertThat(sent).as("the cookie request, retransmitted once").hasSize(2)
                .allMatch(CookieRequest.class::isInstance);
        assertThat(sent.get(0)).isEqualTo(sent.get(1));

        session.onMessage(new CookieChallenge(lastSent(CookieRequest.class).txid(), FRESH_COOKIE));
        session.onMessage(new KeepaliveAck(lastSent(Keepalive.class).txid(), 25_000, HOME, LATER_COOKIE));

        assertThat(sent.stream().filter(Keepalive.class::isInstance)).hasSize(1);
        assertThat(events).containsExactly("registered 40000", "then lookup");
    }

    @ParameterizedTest(name = "the keepalive is answered with {0}")
    @ValueSource(strings = {"NOT_REGISTERED", "another observed address"})
    void shouldRegisterAgainFromAMappingThatMovedThenRunTheAction(String answer) {
        register();
        sent.clear();
        session.checkMapping(then("lookup"));
        session.onMessage(new CookieChallenge(lastSent(CookieRequest.class).txid(), FRESH_COOKIE));
        Keepalive keepalive = lastSent(Keepalive.class);

        // The tracker sees the keepalive come from CAFE, where the token is not trusted.
        boolean refused = answer.equals("NOT_REGISTERED");
        session.onMessage(refused ? new ErrorReply(keepalive.txid(), ErrorCode.NOT_REGISTERED)
                : new KeepaliveAck(keepalive.txid(), 25_000, CAFE, LATER_COOKIE));

        Register register = lastSent(Register.class);
        assertThat(Identity.verify(identity.publicKey(), register)).as("signed").isTrue();
        assertThat(register.cookie()).as("a cookie minted for the new address")
                .isEqualTo(refused ? FRESH_COOKIE : LATER_COOKIE);
        assertThat(register.name()).isEqualTo("alice");
        assertThat(session.state()).isEqualTo(TrackerSession.State.REGISTERING);
        assertThat(events).as("nothing runs before the registration").containsExactly("registered 40000");

        session.onMessage(new Registered(register.txid(), 78, 90, 25_000, CAFE, COOKIE));

        assertThat(events).containsExactly("registered 40000", "registered 51000", "then lookup");
        assertThat(session.state()).isEqualTo(TrackerSession.State.REGISTERED);
        assertThat(session.observed()).isEqualTo(CAFE);
        assertThat(session.relayed(BOB, new byte[] {1, 2, 3, 4}).token()).as("the new token").isEqualTo(78);
        assertThat(sent).hasExactlyElementsOfTypes(CookieRequest.class, Keepalive.class, Register.class);
    }

    @Test
    void shouldLetTheActionWaitForTheRegistrationWhenNotRegistered() {
        session.checkMapping(then("before start"));
        assertThat(sent).as("nothing to check before registering").isEmpty();

        session.start();
        session.checkMapping(then("while fetching the cookie"));
        session.onMessage(new CookieChallenge(lastSent(CookieRequest.class).txid(), COOKIE));
        session.checkMapping(then("while registering"));
        assertThat(events).isEmpty();
        Register register = lastSent(Register.class);
        session.onMessage(new Registered(register.txid(), 77, 90, 25_000, HOME, COOKIE));

        assertThat(events).containsExactly("registered 40000", "then before start", "then while fetching the cookie",
                "then while registering");
        // The registration itself confirmed the mapping: no check of its own.
        assertThat(sent).hasExactlyElementsOfTypes(CookieRequest.class, Register.class);
    }

    @Test
    void shouldSendOneCookieRequestForChecksAskedForWhileOneIsUnderWay() {
        register();
        sent.clear();

        session.checkMapping(then("first"));
        session.checkMapping(then("second"));
        assertThat(sent).hasSize(1);
        session.onMessage(new CookieChallenge(lastSent(CookieRequest.class).txid(), FRESH_COOKIE));
        session.checkMapping(then("third"));
        session.onMessage(new KeepaliveAck(lastSent(Keepalive.class).txid(), 25_000, HOME, LATER_COOKIE));

        assertThat(sent).hasExactlyElementsOfTypes(CookieRequest.class, Keepalive.class);
        assertThat(events).containsExactly("registered 40000", "then first", "then second", "then third");

        // Once it is over, the next check is a check of its own.
        session.checkMapping(then("fourth"));
        assertThat(lastSent(CookieRequest.class)).isNotEqualTo(sent.get(0));
        assertThat(sent).hasSize(3);
    }

    @Test
    void shouldStartOverAndRunTheActionOnceRegisteredAgainWhenTheCheckGoesUnanswered() {
        register();
        sent.clear();
        session.checkMapping(then("lookup"));
        for (int i = 0; i < TrackerSession.MAX_ATTEMPTS; i++) {
            advance(TrackerSession.MAX_RETRY_MILLIS);
        }
        assertThat(sent).hasSize(TrackerSession.MAX_ATTEMPTS + 1).allMatch(CookieRequest.class::isInstance);
        assertThat(events).containsExactly("registered 40000", "silent");
        assertThat(session.state()).isEqualTo(TrackerSession.State.FETCHING_COOKIE);

        session.onMessage(new CookieChallenge(lastSent(CookieRequest.class).txid(), FRESH_COOKIE));
        session.onMessage(new Registered(lastSent(Register.class).txid(), 79, 90, 25_000, HOME, COOKIE));

        assertThat(events).containsExactly("registered 40000", "silent", "registered 40000", "then lookup");
        // Over: a new check is a check of its own again.
        sent.clear();
        session.checkMapping(then("again"));
        assertThat(sent).hasExactlyElementsOfTypes(CookieRequest.class);
    }

    @Test
    void shouldRefuseToRelayWhenNotRegisteredAndCarryTheTokenWhenRegistered() {
        byte[] frame = {0x50, 0x32, 1, 0x42, 7};
        assertThatThrownBy(() -> session.relayed(BOB, frame)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not registered");
        session.start();
        assertThatThrownBy(() -> session.relayed(BOB, frame)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FETCHING_COOKIE");

        register();
        Relay relay = session.relayed(BOB, frame);

        assertThat(relay.token()).isEqualTo(77);
        assertThat(relay.target()).isEqualTo(BOB);
        assertThat(relay.payload()).isEqualTo(Octets.of(frame));

        session.stop();
        assertThatThrownBy(() -> session.relayed(BOB, frame)).isInstanceOf(IllegalStateException.class);
    }

    private static TrackerSession.QueryFailedException failure(CompletableFuture<?> future) {
        try {
            future.get();
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(TrackerSession.QueryFailedException.class);
            return (TrackerSession.QueryFailedException) e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
