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
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.protocol.tracker.TrackerMessage.SessionUnknown;
import dev.p2pchat.protocol.tracker.SessionCipher;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.X25519;
import java.security.SecureRandom;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.testsupport.MutableClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private static final Octets PROOF = Octets.fromHex("5e".repeat(16));
    private static final long REFUSAL_SESSION = 0x7a7a_7a7a_7a7a_7a7aL;

    private final MutableClock clock = new MutableClock();
    private final Identity identity = Identity.fromPrivateKey(new byte[32]);
    private final List<TrackerMessage> sent = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final X25519.KeyPair tracker = X25519.generate(new SecureRandom());
    private final Octets trackerKey = Octets.of(tracker.publicKey());
    /** The tracker's side of the session the last REGISTER opened. */
    private SessionCipher.Secret trackerSecret;
    private SessionCipher trackerSide;
    private long trackerToken;
    private final List<Octets> pinned = new ArrayList<>();
    private final TrackerSession session = new TrackerSession(clock, Duration.ofSeconds(1), new SecureRandom(), null,
            identity, "alice", Octets.zeros(Wire.KEY_SIZE), 0, List.of(), this::record, new TrackerSession.Listener() {
                @Override
                public void registered(InetSocketAddress observed) {
                    events.add("registered " + observed.getPort());
                }

                @Override
                public void refused(ErrorCode code) {
                    events.add("refused " + code);
                }

                @Override
                public void deferred(ErrorCode code, long retryMillis) {
                    events.add("deferred " + code);
                }

                @Override
                public void introduced(PeerInfo peer) {
                    events.add("introduced " + peer.name());
                }

                @Override
                public void relayed(Octets sender, Octets frame) {
                    events.add("relayed " + frame.length());
                }

                @Override
                public void trackerKeyLearned(Octets key) {
                    pinned.add(key);
                }

                @Override
                public void trackerKeyMismatch(Octets expected, Octets presented) {
                    events.add("mismatch");
                }

                @Override
                public void trackerSilent() {
                    events.add("silent");
                }
            });

    /**
     * What the session sends, as the tracker reads it: a REGISTER opens the tracker's side of its session, and a
     * SEALED is kept opened, so the tests read the requests inside.
     */
    private void record(TrackerMessage message) {
        if (message instanceof Register register) {
            try {
                trackerSecret = SessionCipher.Secret.forTracker(tracker, register.sessionKey());
            } catch (CryptoException e) {
                throw new AssertionError(e);
            }
        }
        if (message instanceof Sealed sealed) {
            assertThat(sealed.session()).as("sealed in the session the tracker gave").isEqualTo(trackerToken);
            try {
                message = trackerSide.open(sealed);
            } catch (CryptoException | ProtocolException e) {
                throw new AssertionError("the session sent what the tracker cannot open", e);
            }
        }
        sent.add(message);
    }

    /**
     * Hands the session {@code message} as the tracker sends it: sealed, when it belongs in the session; a REGISTERED
     * opens the session of its token, and a refusal of a REGISTER comes in a session of its own.
     */
    private void deliver(TrackerMessage message) {
        if (message instanceof Registered registered) {
            trackerToken = registered.token();
            trackerSide = trackerSecret.cipher(trackerToken);
        }
        if (message instanceof ErrorReply && session.state() == TrackerSession.State.REGISTERING) {
            session.onMessage(trackerSecret.cipher(REFUSAL_SESSION).seal(message));
            return;
        }
        session.onMessage(SessionCipher.TRACKER_SENDS.contains(message.type()) ? trackerSide.seal(message) : message);
    }

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
        deliver(new CookieChallenge(lastSent(CookieRequest.class).txid(), COOKIE, trackerKey));
        Register register = lastSent(Register.class);
        assertThat(Identity.verify(identity.publicKey(), register)).isTrue();
        Registered registered = new Registered(register.txid(), 77, 90, 25_000, HOME, COOKIE, PROOF);
        deliver(registered);
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
    void shouldLookForTheTrackerAtLeastEverySecondUntilItAnswers() {
        session.start();
        advance(999);
        assertThat(sent).hasSize(1);
        advance(1);
        assertThat(sent).hasSize(2);
        // No backing off past a second (less a little jitter): a tracker that comes back is found within one.
        advance(1000);
        assertThat(sent).hasSize(3);
        for (int step = 0; step < 600; step++) {
            advance(100);
        }
        assertThat(sent).as("tries in a minute").hasSizeBetween(3 + 60, 3 + 80)
                .allMatch(CookieRequest.class::isInstance);
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

        deliver(new KeepaliveAck(keepalive.txid(), 20_000, HOME, COOKIE));
        advance(19_999);
        assertThat(sent).hasSize(1);
        advance(1);
        assertThat(sent).hasSize(2);
    }

    @Test
    void shouldRegisterAgainWhenTheTrackerHasForgottenIt() {
        register();
        advance(25_000);

        deliver(new ErrorReply(lastSent(Keepalive.class).txid(), ErrorCode.NOT_REGISTERED));

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

        deliver(new KeepaliveAck(lastSent(Keepalive.class).txid(), 25_000, CAFE, COOKIE));

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
        deliver(new LookupResult(lookup.txid(), bob));
        deliver(new Introduction(bob));

        assertThat(found.get()).isEqualTo(bob);
        assertThat(events).contains("introduced bob");
    }

    @Test
    void shouldFailALookupTheTrackerRefusesOrNeverAnswers() {
        register();

        CompletableFuture<PeerInfo> refused = session.lookup("nobody");
        deliver(new ErrorReply(lastSent(Lookup.class).txid(), ErrorCode.NOT_FOUND));
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
        deliver(new CookieChallenge(lastSent(CookieRequest.class).txid(), COOKIE, trackerKey));
        deliver(new ErrorReply(lastSent(Register.class).txid(), ErrorCode.NAME_TAKEN));
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

        deliver(new LookupResult(12345,
                new PeerInfo("x", Octets.zeros(32), Octets.zeros(32), 0, CAFE, List.of())));
        deliver(new TrackerMessage.Ok(999));

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
        deliver(new CookieChallenge(request.txid(), FRESH_COOKIE, trackerKey));
        Keepalive keepalive = lastSent(Keepalive.class);
        assertThat(keepalive.cookie()).as("the keepalive carries the fresh cookie").isEqualTo(FRESH_COOKIE);
        assertThat(keepalive.token()).isEqualTo(77);
        assertThat(keepalive.name()).isEqualTo("alice");
        assertThat(events).as("nothing runs before the tracker confirms").containsExactly("registered 40000");

        KeepaliveAck ack = new KeepaliveAck(keepalive.txid(), 20_000, HOME, LATER_COOKIE);
        deliver(ack);
        deliver(ack); // a duplicate answers nothing that is still waiting

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

        deliver(new CookieChallenge(lastSent(CookieRequest.class).txid(), FRESH_COOKIE, trackerKey));
        deliver(new KeepaliveAck(lastSent(Keepalive.class).txid(), 25_000, HOME, LATER_COOKIE));

        assertThat(sent.stream().filter(Keepalive.class::isInstance)).hasSize(1);
        assertThat(events).containsExactly("registered 40000", "then lookup");
    }

    @ParameterizedTest(name = "the keepalive is answered with {0}")
    @ValueSource(strings = {"NOT_REGISTERED", "another observed address"})
    void shouldRegisterAgainFromAMappingThatMovedThenRunTheAction(String answer) {
        register();
        sent.clear();
        session.checkMapping(then("lookup"));
        deliver(new CookieChallenge(lastSent(CookieRequest.class).txid(), FRESH_COOKIE, trackerKey));
        Keepalive keepalive = lastSent(Keepalive.class);

        // The tracker sees the keepalive come from CAFE, where the token is not trusted.
        boolean refused = answer.equals("NOT_REGISTERED");
        deliver(refused ? new ErrorReply(keepalive.txid(), ErrorCode.NOT_REGISTERED)
                : new KeepaliveAck(keepalive.txid(), 25_000, CAFE, LATER_COOKIE));

        Register register = lastSent(Register.class);
        assertThat(Identity.verify(identity.publicKey(), register)).as("signed").isTrue();
        assertThat(register.cookie()).as("a cookie minted for the new address")
                .isEqualTo(refused ? FRESH_COOKIE : LATER_COOKIE);
        assertThat(register.name()).isEqualTo("alice");
        assertThat(session.state()).isEqualTo(TrackerSession.State.REGISTERING);
        assertThat(events).as("nothing runs before the registration").containsExactly("registered 40000");

        deliver(new Registered(register.txid(), 78, 90, 25_000, CAFE, COOKIE, PROOF));

        assertThat(events).containsExactly("registered 40000", "registered 51000", "then lookup");
        assertThat(session.state()).isEqualTo(TrackerSession.State.REGISTERED);
        assertThat(session.observed()).isEqualTo(CAFE);
        assertThat(session.relayed(BOB, new byte[] {1, 2, 3, 4}).session()).as("the new token").isEqualTo(78);
        assertThat(sent).hasExactlyElementsOfTypes(CookieRequest.class, Keepalive.class, Register.class);
    }

    @Test
    void shouldLetTheActionWaitForTheRegistrationWhenNotRegistered() {
        session.checkMapping(then("before start"));
        assertThat(sent).as("nothing to check before registering").isEmpty();

        session.start();
        session.checkMapping(then("while fetching the cookie"));
        deliver(new CookieChallenge(lastSent(CookieRequest.class).txid(), COOKIE, trackerKey));
        session.checkMapping(then("while registering"));
        assertThat(events).isEmpty();
        Register register = lastSent(Register.class);
        deliver(new Registered(register.txid(), 77, 90, 25_000, HOME, COOKIE, PROOF));

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
        deliver(new CookieChallenge(lastSent(CookieRequest.class).txid(), FRESH_COOKIE, trackerKey));
        session.checkMapping(then("third"));
        deliver(new KeepaliveAck(lastSent(Keepalive.class).txid(), 25_000, HOME, LATER_COOKIE));

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

        deliver(new CookieChallenge(lastSent(CookieRequest.class).txid(), FRESH_COOKIE, trackerKey));
        deliver(new Registered(lastSent(Register.class).txid(), 79, 90, 25_000, HOME, COOKIE, PROOF));

        assertThat(events).containsExactly("registered 40000", "silent", "registered 40000", "then lookup");
        // Over: a new check is a check of its own again.
        sent.clear();
        session.checkMapping(then("again"));
        assertThat(sent).hasExactlyElementsOfTypes(CookieRequest.class);
    }

    @Test
    void shouldRefuseToRelayWhenNotRegisteredAndCarryTheTokenWhenRegistered() throws Exception {
        byte[] frame = {0x50, 0x32, 1, 0x42, 7};
        assertThatThrownBy(() -> session.relayed(BOB, frame)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not registered");
        session.start();
        assertThatThrownBy(() -> session.relayed(BOB, frame)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FETCHING_COOKIE");

        register();
        Relay relay = (Relay) trackerSide.open(session.relayed(BOB, frame));

        assertThat(relay.token()).isEqualTo(77);
        assertThat(relay.target()).isEqualTo(BOB);
        assertThat(relay.payload()).isEqualTo(Octets.of(frame));

        session.stop();
        assertThatThrownBy(() -> session.relayed(BOB, frame)).isInstanceOf(IllegalStateException.class);
    }

    // ---- believing only the tracker ----

    @Test
    void shouldIgnoreAndCountAnIntroductionOrAnswerThatIsNotSealedInTheSession() {
        register();
        CompletableFuture<PeerInfo> found = session.lookup("bob");
        PeerInfo forged = new PeerInfo("bob", Octets.zeros(32), Octets.zeros(32), 0, CAFE, List.of());
        int txid = lastSent(Lookup.class).txid();
        sent.clear();

        session.onMessage(new Introduction(forged));
        session.onMessage(new LookupResult(txid, forged));

        assertThat(events).containsExactly("registered 40000");
        assertThat(found).isNotDone();
        assertThat(session.refused()).isEqualTo(2);
        assertThat(sent).isEmpty();
    }

    @Test
    void shouldIgnoreAnIntroductionSealedUnderAnotherKeyOrReplayed() throws Exception {
        register();
        PeerInfo bob = new PeerInfo("bob", Octets.zeros(32), Octets.zeros(32), 0, CAFE, List.of());
        SessionCipher forger = SessionCipher.Secret.forTracker(X25519.generate(new SecureRandom()),
                Octets.of(X25519.generate(new SecureRandom()).publicKey())).cipher(trackerToken);
        Sealed genuine = trackerSide.seal(new Introduction(bob));

        session.onMessage(forger.seal(new Introduction(bob)));
        session.onMessage(genuine);
        session.onMessage(genuine);

        assertThat(events).containsExactly("registered 40000", "introduced bob");
        assertThat(session.refused()).isEqualTo(2);
    }

    @Test
    void shouldPinTheKeyTheFirstRegistrationProvedAndRefuseATrackerWithAnotherOne() {
        register();
        assertThat(pinned).containsExactly(trackerKey);
        advance(25_000);
        deliver(new ErrorReply(lastSent(Keepalive.class).txid(), ErrorCode.NOT_REGISTERED));
        sent.clear();
        Octets impostor = Octets.of(X25519.generate(new SecureRandom()).publicKey());

        session.stop();
        session.start();
        session.onMessage(new CookieChallenge(lastSent(CookieRequest.class).txid(), COOKIE, impostor));
        session.onMessage(new CookieChallenge(lastSent(CookieRequest.class).txid(), COOKIE, impostor));

        assertThat(sent).as("no REGISTER for the impostor").allMatch(CookieRequest.class::isInstance);
        assertThat(session.state()).isEqualTo(TrackerSession.State.FETCHING_COOKIE);
        assertThat(events).as("told once").containsOnlyOnce("mismatch");
        assertThat(pinned).containsExactly(trackerKey);
    }

    @Test
    void shouldTrustOnlyTheKeyItWasGiven() {
        List<TrackerMessage> out = new ArrayList<>();
        List<String> told = new ArrayList<>();
        TrackerSession given = new TrackerSession(clock, Duration.ofSeconds(1), new SecureRandom(),
                Octets.of(X25519.generate(new SecureRandom()).publicKey()), identity, "alice",
                Octets.zeros(Wire.KEY_SIZE), 0, List.of(), out::add, new TrackerSession.Listener() {
                    @Override
                    public void registered(InetSocketAddress observed) {
                        told.add("registered");
                    }

                    @Override
                    public void refused(ErrorCode code) {}

                    @Override
                    public void deferred(ErrorCode code, long retryMillis) {}

                    @Override
                    public void introduced(PeerInfo peer) {}

                    @Override
                    public void relayed(Octets sender, Octets frame) {}

                    @Override
                    public void trackerKeyLearned(Octets key) {
                        told.add("pinned");
                    }

                    @Override
                    public void trackerKeyMismatch(Octets expected, Octets presented) {
                        told.add("mismatch");
                    }

                    @Override
                    public void trackerSilent() {}
                });

        given.start();
        given.onMessage(new CookieChallenge(((CookieRequest) out.get(0)).txid(), COOKIE, trackerKey));

        assertThat(out).hasExactlyElementsOfTypes(CookieRequest.class);
        assertThat(told).containsExactly("mismatch");
    }

    @Test
    void shouldRegisterAgainWhenTheTrackerProvesItLostThisSessionAndIgnoreItForAnotherOrWithoutTheProof() {
        register();
        sent.clear();

        session.onMessage(new SessionUnknown(trackerToken + 1, PROOF));
        // The token travels in clear in every SEALED: without the proof REGISTERED gave, anyone could send this.
        session.onMessage(new SessionUnknown(trackerToken, Octets.fromHex("00".repeat(16))));
        assertThat(sent).isEmpty();
        assertThat(session.refused()).isEqualTo(2);

        session.onMessage(new SessionUnknown(trackerToken, PROOF));
        assertThat(lastSent(CookieRequest.class)).isNotNull();
        assertThat(session.state()).isEqualTo(TrackerSession.State.FETCHING_COOKIE);
    }

    @Test
    void shouldOpenEachRegisterInANewSessionWithANewerTimestamp() {
        register();
        Register first = lastSentBefore(Register.class);
        advance(25_000);
        deliver(new ErrorReply(lastSent(Keepalive.class).txid(), ErrorCode.NOT_REGISTERED));

        Register second = lastSent(Register.class);

        assertThat(second.sessionKey()).isNotEqualTo(first.sessionKey());
        assertThat(second.timestamp()).isGreaterThan(first.timestamp());
    }

    @Test
    void shouldOpenTheRegistrationOnlyInTheSessionItsTokenNames() {
        session.start();
        deliver(new CookieChallenge(lastSent(CookieRequest.class).txid(), COOKIE, trackerKey));
        Register register = lastSent(Register.class);

        // Sealed by the real tracker side, but in another session than the token it announces.
        session.onMessage(trackerSecret.cipher(78).seal(new Registered(register.txid(), 77, 90, 25_000, HOME, COOKIE,
                PROOF)));

        assertThat(session.state()).isEqualTo(TrackerSession.State.REGISTERING);
        assertThat(session.refused()).isEqualTo(1);
        deliver(new Registered(register.txid(), 77, 90, 25_000, HOME, COOKIE, PROOF));
        assertThat(session.state()).isEqualTo(TrackerSession.State.REGISTERED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"BAD_SIGNATURE", "BAD_TOKEN", "NOT_REGISTERED", "REGISTRY_FULL"})
    void shouldTryAgainLaterAfterARefusalThatIsNoAnswerToAnHonestRegister(String code) {
        session.start();
        deliver(new CookieChallenge(lastSent(CookieRequest.class).txid(), COOKIE, trackerKey));
        deliver(new ErrorReply(lastSent(Register.class).txid(), ErrorCode.valueOf(code)));
        sent.clear();

        advance(TrackerSession.MAX_RETRY_MILLIS);

        assertThat(session.state()).isNotEqualTo(TrackerSession.State.REFUSED);
        assertThat(events).as("told, not refused for good").containsExactly("deferred " + code);
        assertThat(lastSent(Register.class)).as("registering again").isNotNull();
    }

    @Test
    void shouldIgnoreAChallengeToNoRequestAndReportAnotherKeyOncePerAttempt() {
        register();
        Octets impostor = Octets.of(X25519.generate(new SecureRandom()).publicKey());
        session.onMessage(new CookieChallenge(424242, COOKIE, impostor));
        assertThat(events).as("answers nothing asked").doesNotContain("mismatch");

        session.checkMapping(then("lookup"));
        int txid = lastSent(CookieRequest.class).txid();
        for (int i = 0; i < 5; i++) {
            session.onMessage(new CookieChallenge(txid, COOKIE, Octets.of(X25519.generate(new SecureRandom())
                    .publicKey())));
        }

        assertThat(events).containsOnlyOnce("mismatch");
    }

    /** The last message of {@code type} the session sent, whatever came after it. */
    private <T extends TrackerMessage> T lastSentBefore(Class<T> type) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (type.isInstance(sent.get(i))) {
                return type.cast(sent.get(i));
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " was sent");
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
