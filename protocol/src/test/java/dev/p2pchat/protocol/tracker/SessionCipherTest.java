package dev.p2pchat.protocol.tracker;

import static dev.p2pchat.protocol.GoldenVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.GoldenVectors;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session between a registration and the tracker: what one side seals the other opens, once, in its own
 * direction and its own session only, and nothing forged, replayed, cut, out of place or of another session opens or
 * changes the session. The keys are bound to the session number the tracker chose, so no two sessions share a key,
 * even two REGISTERs that carry the same session key. The keys and the SEALEDs of fixed private keys are computed here
 * a second time with nothing but the JDK (XDH, HmacSHA256, ChaCha20-Poly1305), from PROTOCOL.md's "Sessions".
 */
@Timeout(30)
class SessionCipherTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The session token of the REGISTERED golden vector, so the session the SEALEDs below belong to. */
    private static final long SESSION = 0x0123456789ABCDEFL;
    /** The fixed vector's refusal: a REGISTER refused is answered in a session of a fresh random number, never 0. */
    private static final long REFUSAL_SESSION = 0x0102030405060708L;
    private static final int AD_SIZE = 20;

    /** The private keys of the fixed vector: the session's 0x01..0x20, the tracker's 0x21..0x40. */
    private static final byte[] SESSION_PRIVATE = counting(0x01);
    private static final byte[] TRACKER_PRIVATE = counting(0x21);
    private static final String SESSION_PUBLIC = "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c";
    private static final String TRACKER_PUBLIC = "5869aff450549732cbaaed5e5df9b30a6da31cb0e5742bad5ad4a1a768f1a67b";
    private static final String SHARED_SECRET = "a84dc7c3c8f058b1b2dc4cd1e9b5dc0a7987f88b6a9564cde3391fc421159e77";
    private static final String PRK = "759327e59fa60c67e56e84c0493b4e3d87f74b505acb6dbb412ef9b63a52c8f8";
    /** The keys of session {@link #SESSION}. */
    private static final String PEER_TO_TRACKER_KEY =
            "b6d9d2e791a3caf707b2d650e85a1849c85ee8aff04a8ed7ef8274b2ee5baffb";
    private static final String TRACKER_TO_PEER_KEY =
            "4f3893d73f32bc7d0c445f9678df105134111dd2c0eff197f9d79df6bc93d5ff";
    /** The keys of session {@link #REFUSAL_SESSION}: the same agreement, other keys. */
    private static final String REFUSAL_PEER_TO_TRACKER_KEY =
            "be2f8979060c73890f43e4c019417e9b68b4b6981d0d8e071d69c647440c24ae";
    private static final String REFUSAL_TRACKER_TO_PEER_KEY =
            "708785e1db3fbae239d8afa4eb65daa7a9f2ab40c0be5108a22b22e0babe338a";
    /** PROTOCOL.md's example: the tracker's OK 14, counter 1 (after the REGISTERED), sealed under the fixed keys. */
    private static final String SEALED_OK = "50320112 0123456789abcdef 0000000000000001"
            + "5044cf925ecbe7ec" // OK 14, encrypted
            + "0135acf30aeb833b9734c042250b2627"; // tag

    private final X25519.KeyPair trackerKey = X25519.generate(RANDOM);
    private final RandomTrackerMessages messages = new RandomTrackerMessages(0x5E55_10A1L);
    private Side side;

    /**
     * One registration's session: the peer's session key pair, what each side agreed on from it, and the cipher of
     * each side in session {@link #SESSION}.
     */
    private record Side(X25519.KeyPair sessionKey, SessionCipher.Secret peerSecret,
            SessionCipher.Secret trackerSecret, SessionCipher peer, SessionCipher tracker) {}

    private static Side register(X25519.KeyPair trackerKey) throws CryptoException {
        X25519.KeyPair sessionKey = X25519.generate(RANDOM);
        SessionCipher.Secret peerSecret = SessionCipher.Secret.forPeer(sessionKey, Octets.of(trackerKey.publicKey()));
        SessionCipher.Secret trackerSecret = SessionCipher.Secret.forTracker(trackerKey,
                Octets.of(sessionKey.publicKey()));
        return new Side(sessionKey, peerSecret, trackerSecret, peerSecret.cipher(SESSION),
                trackerSecret.cipher(SESSION));
    }

    @BeforeEach
    void register() throws CryptoException {
        side = register(trackerKey);
    }

    /** A SEALED as the receiver gets it: encoded, sent, decoded by the codec. */
    private static Sealed overTheWire(Sealed sealed) throws ProtocolException {
        return (Sealed) TrackerCodec.decode(TrackerCodec.encode(sealed));
    }

    private static CryptoException.Reason cryptoReasonOf(SessionCipher cipher, Sealed sealed) {
        try {
            TrackerMessage opened = cipher.open(sealed);
            throw new AssertionError("opened " + opened);
        } catch (CryptoException e) {
            return e.reason();
        } catch (ProtocolException e) {
            throw new AssertionError("refused as " + e.reason() + ", not by the cryptography", e);
        }
    }

    @Test
    void shouldOpenAtTheTrackerWhatThePeerSealedAndAtThePeerWhatTheTrackerSealed() throws Exception {
        assertThat(side.peer().session()).isEqualTo(SESSION);
        assertThat(side.tracker().session()).isEqualTo(SESSION);
        long counter = 0;
        for (TrackerMessageType type : SessionCipher.PEER_SENDS) {
            for (int i = 0; i < 20; i++) {
                TrackerMessage message = messages.next(type);
                Sealed sealed = side.peer().seal(message);
                assertThat(sealed.session()).isEqualTo(SESSION);
                assertThat(sealed.counter()).as("the peer's counters count from 0").isEqualTo(counter++);
                assertThat(side.tracker().open(overTheWire(sealed))).as(type.name()).isEqualTo(message);
            }
        }
        counter = 0;
        for (TrackerMessageType type : SessionCipher.TRACKER_SENDS) {
            for (int i = 0; i < 20; i++) {
                TrackerMessage message = messages.next(type);
                Sealed sealed = side.tracker().seal(message);
                assertThat(sealed.session()).isEqualTo(SESSION);
                assertThat(sealed.counter()).as("the tracker's counters count from 0 too").isEqualTo(counter++);
                assertThat(side.peer().open(overTheWire(sealed))).as(type.name()).isEqualTo(message);
            }
        }
    }

    /** The box is the whole encoded message, header included, and the tag: a SEALED is 36 bytes longer. */
    /**
     * A copy of a peer's datagram sent from elsewhere is authenticated but not recorded, so it cannot use up the
     * counter of the genuine datagram it raced ahead of.
     */
    @Test
    void shouldAuthenticateWithoutRecordingTheCounter() throws Exception {
        TrackerMessage list = new TrackerMessage.ListRequest(7, Octets.zeros(TrackerWire.COOKIE_SIZE), 0);
        Sealed sealed = side.peer().seal(list);

        assertThat(side.tracker().authenticate(sealed)).isEqualTo(list);
        assertThat(side.tracker().authenticate(sealed)).as("still not recorded").isEqualTo(list);
        assertThat(side.tracker().open(sealed)).isEqualTo(list);
        assertThatThrownBy(() -> side.tracker().authenticate(sealed)).isInstanceOf(CryptoException.class)
                .hasFieldOrPropertyWithValue("reason", CryptoException.Reason.REPLAYED);
    }

    @Test
    void shouldSealAMessageInto36BytesMoreThanItsEncoding() throws Exception {
        for (TrackerMessageType type : SessionCipher.TRACKER_SENDS) {
            TrackerMessage message = messages.next(type);
            Sealed sealed = side.tracker().seal(message);
            assertThat(sealed.box().length()).isEqualTo(TrackerCodec.encode(message).length + 16);
            assertThat(TrackerCodec.encode(sealed)).hasSize(TrackerCodec.encode(message).length + Wire.SEALED_OVERHEAD);
        }
        assertThat(TrackerCodec.encode(side.tracker().seal(new Ok(1)))).as("the smallest").hasSize(44);
    }

    /**
     * What fills a SEALED: a RELAY of the largest peer frame and a full LIST_PAGE seal into a datagram of exactly
     * 1200 bytes, and the RELAYED passing the frame on into one of 1192.
     */
    @Test
    void shouldSealTheLargestRelayAndListPageIntoOneDatagram() throws Exception {
        Octets frame = Octets.of(new byte[Wire.MAX_PEER_DATAGRAM_SIZE]);
        Octets key = Octets.of(new byte[Wire.KEY_SIZE]);
        Relay relay = new Relay(SESSION, key, frame);
        Sealed sealedRelay = side.peer().seal(relay);
        assertThat(TrackerCodec.encode(sealedRelay)).hasSize(Wire.MAX_DATAGRAM_SIZE);
        assertThat(side.tracker().open(overTheWire(sealedRelay))).isEqualTo(relay);

        Relayed relayed = new Relayed(key, frame);
        Sealed sealedRelayed = side.tracker().seal(relayed);
        assertThat(TrackerCodec.encode(sealedRelayed)).hasSize(1192);
        assertThat(side.peer().open(overTheWire(sealedRelayed))).isEqualTo(relayed);

        List<ListPage.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            entries.add(new ListPage.Entry("a", key));
        }
        entries.add(new ListPage.Entry("b".repeat(26), key));
        ListPage page = new ListPage(1, 0, 33, entries);
        Sealed sealedPage = side.tracker().seal(page);
        assertThat(TrackerCodec.encode(sealedPage)).hasSize(Wire.MAX_DATAGRAM_SIZE);
        assertThat(side.peer().open(overTheWire(sealedPage))).isEqualTo(page);
    }

    @Test
    void shouldRefuseAReplayedSealed() throws Exception {
        TrackerMessage message = messages.next(TrackerMessageType.KEEPALIVE);
        byte[] datagram = TrackerCodec.encode(side.peer().seal(message));
        assertThat(side.tracker().open((Sealed) TrackerCodec.decode(datagram))).isEqualTo(message);
        for (int i = 0; i < 3; i++) {
            assertThat(cryptoReasonOf(side.tracker(), (Sealed) TrackerCodec.decode(datagram)))
                    .as("replay %d", i).isEqualTo(CryptoException.Reason.REPLAYED);
        }
        // The next one still opens: a replay changes nothing.
        TrackerMessage next = messages.next(TrackerMessageType.LOOKUP);
        assertThat(side.tracker().open(overTheWire(side.peer().seal(next)))).isEqualTo(next);
    }

    /** Requests and replies barely reorder: 64 counters behind the newest are told apart, older ones are refused. */
    @Test
    void shouldOpenOutOfOrderWithinTheWindowOfSixtyFourAndRefuseOlder() throws Exception {
        List<Sealed> sealed = new ArrayList<>();
        List<TrackerMessage> sent = new ArrayList<>();
        for (int i = 0; i <= 101; i++) {
            TrackerMessage message = messages.next(TrackerMessageType.OK);
            sent.add(message);
            sealed.add(side.tracker().seal(message));
        }
        assertThat(side.peer().open(sealed.get(100))).isEqualTo(sent.get(100));
        for (int counter = 99; counter >= 36; counter--) {
            assertThat(side.peer().open(sealed.get(counter))).as("counter %d", counter).isEqualTo(sent.get(counter));
        }
        assertThat(cryptoReasonOf(side.peer(), sealed.get(35))).as("65 behind")
                .isEqualTo(CryptoException.Reason.REPLAYED);
        assertThat(cryptoReasonOf(side.peer(), sealed.get(0))).isEqualTo(CryptoException.Reason.REPLAYED);
        assertThat(cryptoReasonOf(side.peer(), sealed.get(36))).isEqualTo(CryptoException.Reason.REPLAYED);
        assertThat(side.peer().open(sealed.get(101))).isEqualTo(sent.get(101));
    }

    /**
     * One flipped bit anywhere in the session, the counter or the box: the codec still decodes it, the cipher refuses
     * it ({@code BAD_TAG}: the session and counter are associated data, the counter the nonce), and the genuine
     * SEALED opens afterwards, since nothing that did not authenticate moves the replay window.
     */
    @Test
    void shouldRefuseASealedWithAnyFlippedBitAndStillOpenTheGenuineOne() throws Exception {
        TrackerMessage message = messages.next(TrackerMessageType.KEEPALIVE);
        byte[] genuine = TrackerCodec.encode(side.peer().seal(message));
        for (int bit = Wire.HEADER_SIZE * 8; bit < genuine.length * 8; bit++) {
            byte[] forged = genuine.clone();
            forged[bit / 8] ^= (byte) (1 << (bit % 8));
            TrackerMessage decoded = TrackerCodec.decode(forged);
            assertThat(decoded).as("bit %d", bit).isInstanceOf(Sealed.class);
            // A counter of 2^62 or more is never accepted: refused before it is opened.
            boolean pastTheLimit = Long.compareUnsigned(((Sealed) decoded).counter(), 1L << 62) >= 0;
            assertThat(cryptoReasonOf(side.tracker(), (Sealed) decoded)).as("bit %d", bit)
                    .isEqualTo(pastTheLimit ? CryptoException.Reason.REPLAYED : CryptoException.Reason.BAD_TAG);
        }
        assertThat(side.tracker().open((Sealed) TrackerCodec.decode(genuine))).isEqualTo(message);
    }

    @Test
    void shouldRefuseASealedCutShortOrLengthenedOrWithAnotherSessionOrCounter() throws Exception {
        TrackerMessage message = messages.next(TrackerMessageType.LIST);
        Sealed genuine = side.peer().seal(message);
        byte[] box = genuine.box().toByteArray();
        List<Sealed> forgeries = List.of(
                new Sealed(SESSION, 0, Octets.of(box, 0, box.length - 1)),
                new Sealed(SESSION, 0, Octets.of(Arrays.copyOf(box, box.length + 1))),
                new Sealed(SESSION + 1, 0, genuine.box()),
                new Sealed(0, 0, genuine.box()),
                new Sealed(SESSION, 1, genuine.box()),
                // A forged counter far ahead: were it recorded, the genuine counter 0 would be behind the window.
                new Sealed(SESSION, 1_000_000, genuine.box()),
                new Sealed(SESSION, 1_000_000, Octets.of(new byte[box.length])));
        for (Sealed forged : forgeries) {
            assertThat(cryptoReasonOf(side.tracker(), forged)).as("%s", forged)
                    .isEqualTo(CryptoException.Reason.BAD_TAG);
        }
        assertThat(side.tracker().open(genuine)).isEqualTo(message);
    }

    /**
     * Every REGISTER has a new session key: what was sealed in one registration's session opens in no other's, either
     * way, even under the same session number.
     */
    @Test
    void shouldNotOpenAMessageOfAnotherSession() throws Exception {
        Side other = register(trackerKey);
        TrackerMessage request = messages.next(TrackerMessageType.RENAME);
        assertThat(cryptoReasonOf(other.tracker(), side.peer().seal(request)))
                .isEqualTo(CryptoException.Reason.BAD_TAG);
        TrackerMessage reply = messages.next(TrackerMessageType.LOOKUP_RESULT);
        assertThat(cryptoReasonOf(side.peer(), other.tracker().seal(reply)))
                .isEqualTo(CryptoException.Reason.BAD_TAG);
        // Each session still opens its own.
        TrackerMessage mine = messages.next(TrackerMessageType.UNREGISTER);
        assertThat(other.tracker().open(other.peer().seal(mine))).isEqualTo(mine);
    }

    /**
     * Only the tracker that holds the key the peer pinned can open or seal the peer's session: one with another key,
     * given the same session key from a REGISTER it saw, makes other keys.
     */
    @Test
    void shouldNotLetATrackerWithAnotherKeyOpenOrSealTheSession() throws Exception {
        SessionCipher impostor = SessionCipher.Secret.forTracker(X25519.generate(RANDOM),
                Octets.of(side.sessionKey().publicKey())).cipher(SESSION);
        TrackerMessage request = messages.next(TrackerMessageType.LOOKUP);
        assertThat(cryptoReasonOf(impostor, side.peer().seal(request)))
                .isEqualTo(CryptoException.Reason.BAD_TAG);
        TrackerMessage reply = messages.next(TrackerMessageType.INTRODUCTION);
        assertThat(cryptoReasonOf(side.peer(), impostor.seal(reply)))
                .isEqualTo(CryptoException.Reason.BAD_TAG);
    }

    /** A session number other than {@link #SESSION}, and other than 0, distinct from every one in {@code taken}. */
    private static long otherSession(Set<Long> taken) {
        long session;
        do {
            session = RANDOM.nextLong();
        } while (session == 0 || session == SESSION || !taken.add(session));
        return session;
    }

    private static byte[] ciphertextOf(Sealed sealed) {
        byte[] box = sealed.box().toByteArray();
        return Arrays.copyOf(box, box.length - TrackerWire.SEAL_TAG_SIZE);
    }

    private static byte[] tagOf(Sealed sealed) {
        byte[] box = sealed.box().toByteArray();
        return Arrays.copyOfRange(box, box.length - TrackerWire.SEAL_TAG_SIZE, box.length);
    }

    /** The keystream that sealed {@code sealed}: its ciphertext XOR the encoding of what it carries. */
    private static String keystreamOf(Sealed sealed, TrackerMessage message) {
        byte[] ciphertext = ciphertextOf(sealed);
        byte[] plaintext = TrackerCodec.encode(message);
        assertThat(ciphertext).hasSameSizeAs(plaintext);
        for (int i = 0; i < ciphertext.length; i++) {
            ciphertext[i] ^= plaintext[i];
        }
        return GoldenVectors.toHex(ciphertext);
    }

    /**
     * One REGISTER's secret makes one cipher per session number, and a SEALED of session B opens in no cipher of
     * session A, either way. Named B, it is refused before anything else: neither the replay window nor the tag is
     * looked at, so a counter past the limit or one that A already accepted is still {@code BAD_TAG}, never
     * {@code REPLAYED}. Its session field rewritten to A, its tag fails. Neither changes session A, and session B opens
     * it.
     */
    @Test
    void shouldNotOpenInOneSessionWhatTheSameSecretSealedInAnother() throws Exception {
        long a = SESSION;
        long b = otherSession(new HashSet<>());
        SessionCipher peerA = side.peer();
        SessionCipher trackerA = side.tracker();
        SessionCipher peerB = side.peerSecret().cipher(b);
        SessionCipher trackerB = side.trackerSecret().cipher(b);
        assertThat(peerB.session()).isEqualTo(b);
        assertThat(trackerB.session()).isEqualTo(b);

        // Peer to tracker.
        TrackerMessage request = messages.next(TrackerMessageType.KEEPALIVE);
        Sealed inB = peerB.seal(request);
        assertThat(inB.session()).isEqualTo(b);
        assertThat(inB.counter()).isZero();
        assertThat(cryptoReasonOf(trackerA, overTheWire(inB))).as("named B").isEqualTo(CryptoException.Reason.BAD_TAG);
        assertThat(cryptoReasonOf(trackerA, new Sealed(a, inB.counter(), inB.box()))).as("rewritten to A")
                .isEqualTo(CryptoException.Reason.BAD_TAG);
        // The session is checked before the counter: past the limit, the same box is REPLAYED only when it names A.
        assertThat(cryptoReasonOf(trackerA, new Sealed(b, 1L << 62, inB.box()))).as("named B, counter 2^62")
                .isEqualTo(CryptoException.Reason.BAD_TAG);
        assertThat(cryptoReasonOf(trackerA, new Sealed(a, 1L << 62, inB.box()))).as("named A, counter 2^62")
                .isEqualTo(CryptoException.Reason.REPLAYED);
        // Session A's counter 0 is still free, then taken; B's counter 0 is still refused as of another session.
        TrackerMessage mine = messages.next(TrackerMessageType.LOOKUP);
        Sealed inA = peerA.seal(mine);
        assertThat(inA.counter()).isZero();
        assertThat(inA.box()).isNotEqualTo(inB.box());
        assertThat(trackerA.open(overTheWire(inA))).isEqualTo(mine);
        assertThat(cryptoReasonOf(trackerA, inA)).isEqualTo(CryptoException.Reason.REPLAYED);
        assertThat(cryptoReasonOf(trackerA, inB)).as("named B, after A accepted counter 0")
                .isEqualTo(CryptoException.Reason.BAD_TAG);
        assertThat(trackerB.open(overTheWire(inB))).as("B opens its own").isEqualTo(request);

        // Tracker to peer, the same.
        TrackerMessage reply = messages.next(TrackerMessageType.LOOKUP_RESULT);
        Sealed replyInB = trackerB.seal(reply);
        assertThat(cryptoReasonOf(peerA, overTheWire(replyInB))).as("named B")
                .isEqualTo(CryptoException.Reason.BAD_TAG);
        assertThat(cryptoReasonOf(peerA, new Sealed(a, replyInB.counter(), replyInB.box()))).as("rewritten to A")
                .isEqualTo(CryptoException.Reason.BAD_TAG);
        assertThat(cryptoReasonOf(peerB, new Sealed(a, replyInB.counter(), replyInB.box())))
                .as("rewritten to A, at B").isEqualTo(CryptoException.Reason.BAD_TAG);
        TrackerMessage replyInA = messages.next(TrackerMessageType.OK);
        assertThat(peerA.open(overTheWire(trackerA.seal(replyInA)))).isEqualTo(replyInA);
        assertThat(peerB.open(overTheWire(replyInB))).isEqualTo(reply);
    }

    /**
     * The same secret yields other keys in each session: one message sealed at counter 0 in sessions A and B makes
     * two other boxes, in the ciphertext as well as the tag. Were only the associated data bound to the session, the
     * ciphertexts would be equal: one keystream for both, the nonce reuse the session number prevents. Two ciphers of
     * one session are one key: they seal one message at one counter into the same box.
     */
    @Test
    void shouldSealUnderOtherKeysInEachSessionOfOneSecret() throws Exception {
        Set<Long> taken = new HashSet<>();
        long a = SESSION;
        long b = otherSession(taken);
        for (boolean peerSide : new boolean[] {true, false}) {
            SessionCipher.Secret secret = peerSide ? side.peerSecret() : side.trackerSecret();
            TrackerMessage message = messages.next(peerSide ? TrackerMessageType.LOOKUP : TrackerMessageType.ERROR);
            Sealed inA = secret.cipher(a).seal(message);
            Sealed inB = secret.cipher(b).seal(message);
            String who = peerSide ? "the peer" : "the tracker";
            assertThat(inA.counter()).as(who).isZero();
            assertThat(inB.counter()).as(who).isZero();
            assertThat(inA.box()).as(who).isNotEqualTo(inB.box());
            assertThat(ciphertextOf(inA)).as("%s: the keystreams differ", who).isNotEqualTo(ciphertextOf(inB));
            assertThat(tagOf(inA)).as(who).isNotEqualTo(tagOf(inB));
            assertThat(keystreamOf(inA, message)).as(who).isNotEqualTo(keystreamOf(inB, message));
            assertThat(secret.cipher(a).seal(message).box()).as("%s: one session, one key", who)
                    .isEqualTo(inA.box());
        }
        // And a cipher of each session opens only its own.
        TrackerMessage ok = new Ok(7);
        Sealed inB = side.trackerSecret().cipher(b).seal(ok);
        assertThat(side.peerSecret().cipher(b).open(inB)).isEqualTo(ok);
        assertThat(cryptoReasonOf(side.peer(), inB)).isEqualTo(CryptoException.Reason.BAD_TAG);
    }

    /**
     * The attack the session number defeats: an attacker copies the session key of a victim's REGISTER into a
     * REGISTER of its own (signed by its own identity key). The tracker agrees on the same secret for both, but
     * answers each REGISTER in a session of its own: the victim's token, the attacker's, or a fresh random number for
     * each refusal. So no key and counter ever seal two messages, in either direction (every keystream differs), and
     * a SEALED copied from one of those sessions opens in no other, its session field left or rewritten.
     */
    @Test
    void shouldNeverUseOneKeyAndCounterTwiceForTwoRegistersOfOneSessionKey() throws Exception {
        Octets copied = Octets.of(side.sessionKey().publicKey());
        SessionCipher.Secret forVictim = side.trackerSecret();
        SessionCipher.Secret forAttacker = SessionCipher.Secret.forTracker(trackerKey, copied);
        Set<Long> taken = new HashSet<>();
        List<Long> sessions = new ArrayList<>(List.of(SESSION)); // the victim's token
        sessions.add(otherSession(taken)); // the attacker's token
        for (int refusal = 0; refusal < 6; refusal++) {
            sessions.add(otherSession(taken)); // refusals, of the attacker's REGISTER or the victim's
        }

        Map<String, String> keystreams = new HashMap<>();
        List<Sealed> answers = new ArrayList<>();
        List<TrackerMessage> answered = new ArrayList<>();
        List<Sealed> requests = new ArrayList<>();
        for (long session : sessions) {
            SessionCipher tracker = (session == SESSION ? forVictim : forAttacker).cipher(session);
            // The victim's own peer side, as if it had been answered in that session: its requests too.
            SessionCipher peer = side.peerSecret().cipher(session);
            for (int counter = 0; counter < 3; counter++) {
                TrackerMessage answer = new Ok(counter);
                Sealed sealed = tracker.seal(answer);
                assertThat(sealed.counter()).isEqualTo(counter);
                String used = keystreams.put(keystreamOf(sealed, answer), "tracker, session " + session + ", counter "
                        + counter);
                assertThat(used).as("tracker, session %x, counter %d", session, counter).isNull();
                TrackerMessage request = new TrackerMessage.ListRequest(counter, Octets.zeros(TrackerWire.COOKIE_SIZE),
                        0);
                Sealed sealedRequest = peer.seal(request);
                // A LIST and an OK of the same txid encode to other bytes: compare the keystreams, not the boxes.
                String usedByPeer = keystreams.put(keystreamOf(sealedRequest, request).substring(0, 16), "peer, "
                        + session + ", " + counter);
                assertThat(usedByPeer).as("peer, session %x, counter %d", session, counter).isNull();
                if (counter == 0) {
                    answers.add(sealed);
                    answered.add(answer);
                    requests.add(sealedRequest);
                }
            }
        }
        // The copied secret is the victim's: without the session number, the attacker's answers would reuse its keys.
        assertThat(keystreamOf(forAttacker.cipher(SESSION).seal(new Ok(0)), new Ok(0)))
                .as("one secret, one session: one keystream").isEqualTo(keystreamOf(answers.get(0), answered.get(0)));

        for (int i = 0; i < sessions.size(); i++) {
            long session = sessions.get(i);
            SessionCipher peer = side.peerSecret().cipher(session);
            SessionCipher tracker = forAttacker.cipher(session);
            for (int j = 0; j < sessions.size(); j++) {
                if (i == j) {
                    continue;
                }
                Sealed answer = answers.get(j);
                assertThat(cryptoReasonOf(peer, answer)).as("answer of %x at %x", sessions.get(j), session)
                        .isEqualTo(CryptoException.Reason.BAD_TAG);
                assertThat(cryptoReasonOf(peer, new Sealed(session, answer.counter(), answer.box())))
                        .as("answer of %x, rewritten to %x", sessions.get(j), session)
                        .isEqualTo(CryptoException.Reason.BAD_TAG);
                Sealed request = requests.get(j);
                assertThat(cryptoReasonOf(tracker, request)).as("request of %x at %x", sessions.get(j), session)
                        .isEqualTo(CryptoException.Reason.BAD_TAG);
                assertThat(cryptoReasonOf(tracker, new Sealed(session, request.counter(), request.box())))
                        .as("request of %x, rewritten to %x", sessions.get(j), session)
                        .isEqualTo(CryptoException.Reason.BAD_TAG);
            }
            // Nothing of the others changed it: its own still open.
            assertThat(peer.open(overTheWire(answers.get(i)))).isEqualTo(answered.get(i));
            assertThat(tracker.open(overTheWire(requests.get(i)))).isEqualTo(
                    new TrackerMessage.ListRequest(0, Octets.zeros(TrackerWire.COOKIE_SIZE), 0));
        }
    }

    /** Each direction has its own key: a side cannot open what it sealed itself (a reflected datagram). */
    @Test
    void shouldNotOpenItsOwnMessages() throws Exception {
        assertThat(cryptoReasonOf(side.peer(), side.peer().seal(messages.next(TrackerMessageType.KEEPALIVE))))
                .isEqualTo(CryptoException.Reason.BAD_TAG);
        assertThat(cryptoReasonOf(side.tracker(), side.tracker().seal(new Ok(3))))
                .isEqualTo(CryptoException.Reason.BAD_TAG);
    }

    @Test
    void shouldRefuseToSealATypeThatSideDoesNotSendInASession() {
        Set<TrackerMessageType> neither = EnumSet.allOf(TrackerMessageType.class);
        neither.removeAll(SessionCipher.PEER_SENDS);
        neither.removeAll(SessionCipher.TRACKER_SENDS);
        assertThat(neither).as("sent bare, never inside a session").containsExactlyInAnyOrder(
                TrackerMessageType.COOKIE_REQUEST, TrackerMessageType.COOKIE_CHALLENGE, TrackerMessageType.REGISTER,
                TrackerMessageType.SEALED, TrackerMessageType.SESSION_UNKNOWN);
        assertThat(SessionCipher.PEER_SENDS).doesNotContainAnyElementsOf(SessionCipher.TRACKER_SENDS);
        assertThat(SessionCipher.PEER_SENDS).as("what the peer sends in a session").containsExactlyInAnyOrder(
                TrackerMessageType.KEEPALIVE, TrackerMessageType.LOOKUP, TrackerMessageType.LIST,
                TrackerMessageType.RENAME, TrackerMessageType.UNREGISTER, TrackerMessageType.RELAY,
                TrackerMessageType.DEPOSIT, TrackerMessageType.FETCH, TrackerMessageType.MAIL_ACK);
        assertThat(SessionCipher.TRACKER_SENDS).as("what the tracker sends in a session").containsExactlyInAnyOrder(
                TrackerMessageType.REGISTERED, TrackerMessageType.KEEPALIVE_ACK, TrackerMessageType.LOOKUP_RESULT,
                TrackerMessageType.INTRODUCTION, TrackerMessageType.LIST_PAGE, TrackerMessageType.OK,
                TrackerMessageType.ERROR, TrackerMessageType.RELAYED, TrackerMessageType.MAIL);
        for (TrackerMessageType type : TrackerMessageType.values()) {
            TrackerMessage message = messages.next(type);
            if (!SessionCipher.PEER_SENDS.contains(type)) {
                assertThatThrownBy(() -> side.peer().seal(message)).as("the peer sealing %s", type)
                        .isInstanceOf(IllegalArgumentException.class);
            }
            if (!SessionCipher.TRACKER_SENDS.contains(type)) {
                assertThatThrownBy(() -> side.tracker().seal(message)).as("the tracker sealing %s", type)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
        // A refused seal uses no counter.
        assertThat(side.peer().seal(messages.next(TrackerMessageType.LIST)).counter()).isZero();
        assertThat(side.tracker().seal(new Ok(1)).counter()).isZero();
    }

    /** A session key or tracker key of small order would fix the shared secret: no session is made from it. */
    @Test
    void shouldMakeNoSessionFromALowOrderKey() {
        Octets zero = Octets.zeros(Wire.KEY_SIZE);
        assertThatThrownBy(() -> SessionCipher.Secret.forPeer(side.sessionKey(), zero))
                .isInstanceOfSatisfying(CryptoException.class,
                        e -> assertThat(e.reason()).isEqualTo(CryptoException.Reason.LOW_ORDER_KEY));
        assertThatThrownBy(() -> SessionCipher.Secret.forTracker(trackerKey, zero))
                .isInstanceOfSatisfying(CryptoException.class,
                        e -> assertThat(e.reason()).isEqualTo(CryptoException.Reason.LOW_ORDER_KEY));
    }

    // The fixed vector: every key and box computed again with the JDK alone.

    private static byte[] counting(int first) {
        byte[] bytes = new byte[32];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (first + i);
        }
        return bytes;
    }

    /** X25519 with the JDK's XDH: the public key of {@code privateKey} when {@code publicKey} is the base point 9. */
    private static byte[] jdkX25519(byte[] privateKey, byte[] publicKey) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance("XDH");
        PrivateKey mine = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
        // RFC 7748: the u-coordinate is little-endian, its top bit masked.
        byte[] bigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            bigEndian[i] = publicKey[31 - i];
        }
        bigEndian[0] &= 0x7F;
        PublicKey theirs = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519,
                new BigInteger(1, bigEndian)));
        KeyAgreement agreement = KeyAgreement.getInstance("XDH");
        agreement.init(mine);
        agreement.doPhase(theirs, true);
        return agreement.generateSecret();
    }

    private static byte[] jdkPublicKey(byte[] privateKey) throws GeneralSecurityException {
        byte[] basePoint = new byte[32];
        basePoint[0] = 9;
        return jdkX25519(privateKey, basePoint);
    }

    private static byte[] hmac(byte[] key, byte[]... parts) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The two keys of the fixed vector's session {@code session}, per PROTOCOL.md: peer to tracker first. */
    private static byte[][] jdkKeys(long session) throws GeneralSecurityException {
        byte[] sessionPublic = jdkPublicKey(SESSION_PRIVATE);
        byte[] trackerPublic = jdkPublicKey(TRACKER_PRIVATE);
        byte[] dh = jdkX25519(SESSION_PRIVATE, trackerPublic);
        assertThat(jdkX25519(TRACKER_PRIVATE, sessionPublic)).as("both sides agree").isEqualTo(dh)
                .isEqualTo(hex(SHARED_SECRET));
        // HKDF-Extract(salt, ikm) = HMAC(salt, ikm); one block of HKDF-Expand(prk, info) = HMAC(prk, info | 0x01),
        // the info being the direction's label and then the session number, a u64 big-endian.
        byte[] prk = hmac(ascii("p2pchat tracker session v1"), dh, sessionPublic, trackerPublic);
        assertThat(prk).isEqualTo(hex(PRK));
        byte[] number = ByteBuffer.allocate(Long.BYTES).putLong(session).array();
        return new byte[][] {hmac(prk, ascii("peer to tracker"), number, new byte[] {1}),
            hmac(prk, ascii("tracker to peer"), number, new byte[] {1})};
    }

    /** The fixed vector's two sides: the peer's, of session private key 0x01..0x20, and the tracker's, 0x21..0x40. */
    private static SessionCipher.Secret fixedPeerSecret() throws CryptoException {
        return SessionCipher.Secret.forPeer(X25519.fromPrivateKey(SESSION_PRIVATE),
                Octets.of(X25519.fromPrivateKey(TRACKER_PRIVATE).publicKey()));
    }

    private static SessionCipher.Secret fixedTrackerSecret() throws CryptoException {
        return SessionCipher.Secret.forTracker(X25519.fromPrivateKey(TRACKER_PRIVATE),
                Octets.of(X25519.fromPrivateKey(SESSION_PRIVATE).publicKey()));
    }

    /** The box of {@code message} (its encoding) sealed by the JDK's ChaCha20-Poly1305 under {@code key}. */
    private static byte[] jdkBox(byte[] key, long session, long counter, byte[] message)
            throws GeneralSecurityException {
        byte[] ad = ByteBuffer.allocate(AD_SIZE).put(GoldenVectors.header(0x12)).putLong(session).putLong(counter)
                .array();
        byte[] nonce = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putLong(counter).array();
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        cipher.updateAAD(ad);
        return cipher.doFinal(message);
    }

    @Test
    void shouldDeriveTheFixedVectorsPublicKeysAsTheJdkDoes() throws GeneralSecurityException {
        assertThat(X25519.fromPrivateKey(SESSION_PRIVATE).publicKey()).isEqualTo(jdkPublicKey(SESSION_PRIVATE))
                .isEqualTo(hex(SESSION_PUBLIC));
        assertThat(X25519.fromPrivateKey(TRACKER_PRIVATE).publicKey()).isEqualTo(jdkPublicKey(TRACKER_PRIVATE))
                .isEqualTo(hex(TRACKER_PUBLIC));
        assertThat(X25519.agree(SESSION_PRIVATE, hex(TRACKER_PUBLIC))).isEqualTo(hex(SHARED_SECRET));
        assertThat(X25519.agree(TRACKER_PRIVATE, hex(SESSION_PUBLIC))).isEqualTo(hex(SHARED_SECRET));
    }

    /**
     * The fixed vector: a peer with session private key 0x01..0x20 registered at a tracker with private key
     * 0x21..0x40, and got session {@link #SESSION}. Every SEALED either side makes is, byte for byte, what the JDK
     * makes of the same message under the keys derived as PROTOCOL.md says, for that session; and each side opens the
     * other's.
     */
    @Test
    void shouldSealExactlyWhatTheJdkSealsUnderTheKeysOfProtocolMd() throws Exception {
        SessionCipher peer = fixedPeerSecret().cipher(SESSION);
        SessionCipher tracker = fixedTrackerSecret().cipher(SESSION);
        byte[][] keys = jdkKeys(SESSION);

        // Peer to tracker: two requests, counters 0 and 1, as hand-written in the golden vectors.
        long counter = 0;
        for (String name : List.of("KEEPALIVE", "LOOKUP with a requester")) {
            GoldenVectors.Vector<TrackerMessage> vector = TrackerGoldenVectors.named(name);
            Sealed sealed = peer.seal(vector.message());
            assertThat(sealed.counter()).isEqualTo(counter);
            assertThat(sealed.box().toByteArray()).as(name)
                    .isEqualTo(jdkBox(keys[0], SESSION, counter, vector.bytes()));
            assertThat(tracker.open(overTheWire(sealed))).isEqualTo(vector.message());
            counter++;
        }
        // Tracker to peer: the REGISTERED that gave the session its token, then an OK.
        counter = 0;
        for (String name : List.of("REGISTERED with an IPv4 observed address", "OK")) {
            GoldenVectors.Vector<TrackerMessage> vector = TrackerGoldenVectors.named(name);
            Sealed sealed = tracker.seal(vector.message());
            assertThat(sealed.box().toByteArray()).as(name)
                    .isEqualTo(jdkBox(keys[1], SESSION, counter, vector.bytes()));
            assertThat(peer.open(overTheWire(sealed))).isEqualTo(vector.message());
            counter++;
        }
        // The ERROR refusing a REGISTER: in a session of its own, a fresh random number (never 0), under keys
        // agreed with the REGISTER's session key and bound to that number. The peer opens it in the session the
        // SEALED names, with what it agreed on for its REGISTER.
        SessionCipher refusing = fixedTrackerSecret().cipher(REFUSAL_SESSION);
        GoldenVectors.Vector<TrackerMessage> error = TrackerGoldenVectors.named("ERROR");
        Sealed refusal = refusing.seal(error.message());
        assertThat(refusal.session()).isEqualTo(REFUSAL_SESSION).isNotZero();
        assertThat(refusal.counter()).isZero();
        byte[][] refusalKeys = jdkKeys(REFUSAL_SESSION);
        assertThat(refusal.box().toByteArray())
                .isEqualTo(jdkBox(refusalKeys[1], REFUSAL_SESSION, 0, error.bytes()))
                .as("not under the keys of session %x", SESSION)
                .isNotEqualTo(jdkBox(keys[1], REFUSAL_SESSION, 0, error.bytes()));
        assertThat(fixedPeerSecret().cipher(refusal.session()).open(overTheWire(refusal))).isEqualTo(error.message());
        assertThat(cryptoReasonOf(peer, refusal)).as("the registered session does not open the refusal")
                .isEqualTo(CryptoException.Reason.BAD_TAG);
    }

    /**
     * The session number is in the keys, not only in the associated data: a box the JDK seals under the keys of
     * another session, with associated data that names this one, does not open here; under this session's keys it
     * does. And the associated data is bound too: this session's keys with another session's header do not open.
     */
    @Test
    void shouldBindTheKeysAndNotOnlyTheAssociatedDataToTheSession() throws Exception {
        byte[] ok = TrackerGoldenVectors.named("OK").bytes();
        byte[][] keys = jdkKeys(SESSION);
        byte[][] otherKeys = jdkKeys(REFUSAL_SESSION);
        SessionCipher peer = fixedPeerSecret().cipher(SESSION);
        assertThat(cryptoReasonOf(peer, new Sealed(SESSION, 0, Octets.of(jdkBox(otherKeys[1], SESSION, 0, ok)))))
                .as("another session's key").isEqualTo(CryptoException.Reason.BAD_TAG);
        assertThat(cryptoReasonOf(peer, new Sealed(SESSION, 0, Octets.of(jdkBox(keys[1], REFUSAL_SESSION, 0, ok)))))
                .as("another session's header").isEqualTo(CryptoException.Reason.BAD_TAG);
        assertThat(peer.open(new Sealed(SESSION, 0, Octets.of(jdkBox(keys[1], SESSION, 0, ok)))))
                .isEqualTo(TrackerGoldenVectors.named("OK").message());
        SessionCipher tracker = fixedTrackerSecret().cipher(REFUSAL_SESSION);
        assertThat(cryptoReasonOf(tracker, new Sealed(REFUSAL_SESSION, 0,
                Octets.of(jdkBox(keys[0], REFUSAL_SESSION, 0, TrackerGoldenVectors.named("KEEPALIVE").bytes())))))
                .as("the peer-to-tracker key of another session").isEqualTo(CryptoException.Reason.BAD_TAG);
        assertThat(tracker.open(new Sealed(REFUSAL_SESSION, 0,
                Octets.of(jdkBox(otherKeys[0], REFUSAL_SESSION, 0, TrackerGoldenVectors.named("KEEPALIVE").bytes())))))
                .isEqualTo(TrackerGoldenVectors.named("KEEPALIVE").message());
    }

    /**
     * A SEALED whose box authenticates but holds what the other side never sends inside a session: the cipher
     * refuses it after opening ({@code UNKNOWN_TYPE}), or the codec does (a box that holds no message), and the
     * counter stays free for the genuine message. Such boxes can only be made with the session's key, so the JDK
     * makes them here.
     */
    @Test
    void shouldRefuseAnAuthenticMessageOfTheWrongDirectionOrTypeWithoutUsingItsCounter() throws Exception {
        SessionCipher peer = fixedPeerSecret().cipher(SESSION);
        SessionCipher tracker = fixedTrackerSecret().cipher(SESSION);
        byte[][] keys = jdkKeys(SESSION);

        // Towards the tracker: tracker messages, bare-only messages, a SEALED inside a SEALED, and bytes that are
        // no message at all, each under the peer-to-tracker key and counter 0.
        List<byte[]> notFromAPeer = new ArrayList<>();
        for (TrackerMessageType type : EnumSet.complementOf(EnumSet.copyOf(SessionCipher.PEER_SENDS))) {
            notFromAPeer.add(TrackerCodec.encode(messages.next(type)));
        }
        for (byte[] inner : notFromAPeer) {
            if (inner.length > TrackerWire.MAX_SEALED_MESSAGE_SIZE) {
                continue; // a SEALED of the largest box cannot be sealed again
            }
            Sealed forged = new Sealed(SESSION, 0, Octets.of(jdkBox(keys[0], SESSION, 0, inner)));
            assertThatThrownBy(() -> tracker.open(forged)).as("0x%02x", inner[3])
                    .isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_TYPE));
        }
        Sealed garbage = new Sealed(SESSION, 0, Octets.of(jdkBox(keys[0], SESSION, 0, hex("5033010e0000000e"))));
        assertThatThrownBy(() -> tracker.open(garbage)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC));
        Sealed trailing = new Sealed(SESSION, 0, Octets.of(jdkBox(keys[0], SESSION, 0, hex("5032010e0000000e00"))));
        assertThatThrownBy(() -> tracker.open(trailing)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TRAILING_BYTES));
        TrackerMessage genuine = TrackerGoldenVectors.named("KEEPALIVE").message();
        assertThat(tracker.open(peer.seal(genuine))).as("counter 0 is still free").isEqualTo(genuine);

        // Towards the peer: a peer's request under the tracker-to-peer key is refused the same way.
        for (TrackerMessageType type : EnumSet.complementOf(EnumSet.copyOf(SessionCipher.TRACKER_SENDS))) {
            byte[] inner = TrackerCodec.encode(messages.next(type));
            if (inner.length > TrackerWire.MAX_SEALED_MESSAGE_SIZE) {
                continue;
            }
            Sealed forged = new Sealed(SESSION, 0, Octets.of(jdkBox(keys[1], SESSION, 0, inner)));
            assertThatThrownBy(() -> peer.open(forged)).as("%s", type)
                    .isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_TYPE));
        }
        TrackerMessage reply = TrackerGoldenVectors.named("OK").message();
        assertThat(peer.open(tracker.seal(reply))).as("counter 0 is still free").isEqualTo(reply);
    }

    /** PROTOCOL.md's "Sessions" example, byte for byte. */
    @Test
    void shouldKeepTheSessionExampleOfProtocolMdByteForByte() throws Exception {
        byte[][] keys = jdkKeys(SESSION);
        assertThat(keys[0]).isEqualTo(hex(PEER_TO_TRACKER_KEY));
        assertThat(keys[1]).isEqualTo(hex(TRACKER_TO_PEER_KEY));
        byte[][] refusalKeys = jdkKeys(REFUSAL_SESSION);
        assertThat(refusalKeys[0]).isEqualTo(hex(REFUSAL_PEER_TO_TRACKER_KEY));
        assertThat(refusalKeys[1]).isEqualTo(hex(REFUSAL_TRACKER_TO_PEER_KEY));
        X25519.KeyPair sessionKey = X25519.fromPrivateKey(SESSION_PRIVATE);
        SessionCipher peer = SessionCipher.Secret.forPeer(sessionKey, octetsOf(TRACKER_PUBLIC)).cipher(SESSION);
        SessionCipher tracker = SessionCipher.Secret.forTracker(X25519.fromPrivateKey(TRACKER_PRIVATE),
                octetsOf(SESSION_PUBLIC)).cipher(SESSION);
        tracker.seal(TrackerGoldenVectors.named("REGISTERED with an IPv4 observed address").message());
        assertThat(TrackerCodec.encode(tracker.seal(new Ok(14)))).isEqualTo(hex(SEALED_OK));
        Sealed example = (Sealed) TrackerCodec.decode(hex(SEALED_OK));
        assertThat(example.counter()).isEqualTo(1);
        assertThat(peer.open(example)).isEqualTo(new Ok(14));
    }

    private static Octets octetsOf(String hex) {
        return Octets.of(hex(hex));
    }
}
