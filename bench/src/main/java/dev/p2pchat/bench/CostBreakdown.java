package dev.p2pchat.bench;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.ChaChaPoly;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.tracker.SessionCipher;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Introduction;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.KeepaliveAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.tracker.cookie.CookieJar;
import dev.p2pchat.tracker.identity.TrackerIdentity;
import dev.p2pchat.tracker.registry.Registration;
import dev.p2pchat.tracker.registry.Registry;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The CPU cost of each step the tracker takes per request, timed one step at a time on this thread, without
 * sockets or Netty. Compared with the tracker thread's CPU time per request under load, it splits a request's
 * cost into the tracker's own work and what the transport (Netty, system calls) adds.
 *
 * <p>The steps are those of {@code TrackerHandler}, with the same calls: a session request is a SEALED, found by
 * its token, opened ({@link SessionCipher#open}: replay window, ChaCha20-Poly1305, decoding what it carries), then
 * handled as before, and its reply (and a lookup's introduction) sealed ({@link SessionCipher#seal}: encoding,
 * ChaCha20-Poly1305) and encoded as a SEALED; a REGISTER costs an X25519 agreement and HKDF-Extract
 * ({@link SessionCipher.Secret#forTracker}) on top of its signature, the cipher of its new token (two HKDF-Expand,
 * in the registry) and the reset proof its REGISTERED carries (HMAC-SHA256). The rows marked "for comparison" are
 * not steps of the tracker and are not summed.
 *
 * <p>A plain timed loop, not JMH: good to a few percent for steps of 100 ns and more, which is what it is for.
 */
final class CostBreakdown {
    private static final long WARMUP_NANOS = 200_000_000;
    private static final long MEASURE_NANOS = 300_000_000;
    /** Sealed requests opened, unmeasured then measured: each opens once, so they are sealed beforehand. */
    private static final int OPEN_WARMUP = 50_000;
    private static final int OPEN_MEASURE = 100_000;
    private static final int PEERS = 10_000;
    /** Marks rows that are not steps of the tracker, so that they are not summed. */
    static final String COMPARISON = "for comparison";

    /** One step of handling {@code request}, in nanoseconds of CPU per request. */
    record Step(String request, String step, double nanos) {}

    private final SplittableRandom random = new SplittableRandom(11);
    /** The tracker's server draws session tokens from a SecureRandom; so does this registry. */
    private final Registry registry = new Registry(Clock.systemUTC(), new SecureRandom(), PEERS + 1,
            Duration.ofSeconds(90), Duration.ofSeconds(120));
    private final CookieJar cookies;
    private final TrackerIdentity tracker = TrackerIdentity.ephemeral(new SecureRandom());
    private final InetSocketAddress from = new InetSocketAddress("127.0.0.1", 40_000);
    private final Identity identity = Identity.generate(new SecureRandom());
    private final Registration[] registrations = new Registration[PEERS];
    /** Names as the decoded requests carry them, so that no step pays for making the String. */
    private final String[] names = new String[PEERS];
    /** The peer's side of registration 0's session, which seals the requests the tracker's side opens. */
    private final SessionCipher peerSide;
    private final List<Step> steps = new ArrayList<>();
    private final ByteBuffer out = ByteBuffer.allocate(Wire.MAX_DATAGRAM_SIZE);
    /** Where every step's result goes, so that the JIT cannot drop the step. */
    private volatile Object sink;

    private CostBreakdown() throws CryptoException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        cookies = new CookieJar(Clock.systemUTC(), secret, Duration.ofSeconds(60));
        // Registration 0 has its peer's side, which seals the requests; the others share one secret, from which
        // the registry still derives each a cipher of its own, bound to its token.
        X25519.KeyPair sessionKey = X25519.generate(new SecureRandom());
        Octets sessionPublicKey = Octets.of(sessionKey.publicKey());
        Octets otherKey = Octets.of(X25519.generate(new SecureRandom()).publicKey());
        SessionCipher.Secret others = forTracker(otherKey);
        byte[] key = new byte[Wire.KEY_SIZE];
        for (int i = 0; i < PEERS; i++) {
            random.nextBytes(key);
            names[i] = "peer-" + i;
            Registry.Session session = i == 0 ? new Registry.Session(forTracker(sessionPublicKey), sessionPublicKey, 1)
                    : new Registry.Session(others, otherKey, 1);
            registrations[i] = registry.register(names[i], Octets.of(key), Octets.zeros(Wire.KEY_SIZE), 0, from,
                    List.of(Peers.privateAddress(i)), session).registration();
        }
        peerSide = SessionCipher.Secret.forPeer(sessionKey, tracker.publicKey()).cipher(registrations[0].token());
    }

    /** Times every step twice and keeps the second pass: the first lets the JIT compile all of them. */
    static List<Step> measure() throws CryptoException {
        CostBreakdown breakdown = new CostBreakdown();
        for (int pass = 0; pass < 2; pass++) {
            breakdown.steps.clear();
            breakdown.keepalive();
            breakdown.lookup();
            breakdown.register();
            breakdown.comparisons();
        }
        return breakdown.steps;
    }

    private void keepalive() {
        Octets cookie = cookies.mint(from);
        Registration peer = registrations[0];
        Keepalive request = new Keepalive(1, cookie, peer.token(), peer.name());
        byte[] datagram = TrackerCodec.encode(peerSide.seal(request));
        time("KEEPALIVE", "decode request (a SEALED)", () -> TrackerCodec.decode(datagram));
        findSession("KEEPALIVE");
        timeOpen("KEEPALIVE", "open request (replay window, ChaCha20-Poly1305, decode the KEEPALIVE)", request);
        time("KEEPALIVE", "validate cookie (HMAC-SHA256; a current one goes back as it is)",
                () -> cookies.validate(from, cookie));
        time("KEEPALIVE", "registry keepalive", () -> {
            int i = random.nextInt(PEERS);
            return registry.keepalive(names[i], registrations[i].token(), from);
        });
        KeepaliveAck ack = new KeepaliveAck(1, 25_000, from, cookie);
        time("KEEPALIVE", "seal reply (encode, ChaCha20-Poly1305)", () -> peer.session().seal(ack));
        Sealed sealed = peer.session().seal(ack);
        time("KEEPALIVE", "encode the SEALED reply", () -> encode(sealed));
    }

    private void lookup() {
        Octets cookie = cookies.mint(from);
        Registration requester = registrations[0];
        Lookup request = new Lookup(1, cookie, requester.token(), requester.name(), registrations[1].name());
        byte[] datagram = TrackerCodec.encode(peerSide.seal(request));
        time("LOOKUP", "decode request (a SEALED)", () -> TrackerCodec.decode(datagram));
        findSession("LOOKUP");
        timeOpen("LOOKUP", "open request (replay window, ChaCha20-Poly1305, decode the LOOKUP)", request);
        time("LOOKUP", "validate cookie (HMAC-SHA256)", () -> cookies.validate(from, cookie));
        time("LOOKUP", "registry keepalive of the requester", () -> {
            int i = random.nextInt(PEERS);
            return registry.keepalive(names[i], registrations[i].token(), from);
        });
        time("LOOKUP", "registry find of the target", () -> registry.find(names[random.nextInt(PEERS)]));
        time("LOOKUP", "seal reply (toPeerInfoFor, encode, ChaCha20-Poly1305)", () -> {
            Registration target = registrations[random.nextInt(PEERS)];
            return requester.session().seal(new LookupResult(1, target.toPeerInfoFor(requester)));
        });
        Sealed reply = requester.session().seal(new LookupResult(1, registrations[1].toPeerInfoFor(requester)));
        time("LOOKUP", "encode the SEALED reply", () -> encode(reply));
        time("LOOKUP", "seal introduction in the target's session (toPeerInfoFor, encode, ChaCha20-Poly1305)",
                () -> {
                    Registration target = registrations[random.nextInt(PEERS)];
                    return target.session().seal(new Introduction(requester.toPeerInfoFor(target)));
                });
        Sealed introduction = registrations[1].session().seal(
                new Introduction(requester.toPeerInfoFor(registrations[1])));
        time("LOOKUP", "encode the SEALED introduction", () -> encode(introduction));
    }

    private void register() {
        Octets cookie = cookies.mint(from);
        X25519.KeyPair sessionKey = X25519.generate(new SecureRandom());
        Register unsigned = new Register(1, cookie, "bench-register", identity.publicKey(),
                Octets.zeros(Wire.KEY_SIZE), 0, List.of(Peers.privateAddress(0)),
                Octets.of(sessionKey.publicKey()), 2, Octets.zeros(Wire.SIGNATURE_SIZE));
        Register signed = unsigned.withSignature(identity.signatureFor(unsigned));
        byte[] datagram = TrackerCodec.encode(signed);
        time("REGISTER", "decode request", () -> TrackerCodec.decode(datagram));
        time("REGISTER", "validate cookie (HMAC-SHA256)", () -> cookies.validate(from, cookie));
        time("REGISTER", "verify signature (Ed25519, incl. signed bytes)",
                () -> Identity.verify(signed.identityKey(), signed));
        Registry.Session session = new Registry.Session(forTracker(signed.sessionKey()), signed.sessionKey(),
                signed.timestamp());
        Registration registration = registry.register(signed.name(), signed.identityKey(), signed.agreementKey(),
                0, from, signed.privateAddresses(), session).registration();
        if (registration == null) {
            throw new IllegalStateException("the breakdown's REGISTER was refused");
        }
        time("REGISTER", "registry find of the key and its last timestamp (retransmission? replay?)", () -> {
            Registration current = registry.find(signed.identityKey());
            return (current != null && current.hasSessionKey(signed.sessionKey()))
                    || signed.timestamp() <= registry.lastTimestamp(signed.identityKey());
        });
        time("REGISTER", "session secret (X25519 agreement + HKDF-Extract: SessionCipher.Secret.forTracker)",
                () -> forTracker(signed.sessionKey()));
        time("REGISTER", "registry register (renewal, same address: a new token, its cipher by two HKDF-Expand)",
                () -> {
            Registry.Result result = registry.register(signed.name(), signed.identityKey(), signed.agreementKey(),
                    0, from, signed.privateAddresses(), session);
            if (!result.isOk()) {
                throw new IllegalStateException("the breakdown's REGISTER was refused: " + result.error());
            }
            return result;
        });
        time("REGISTER", "reset proof of the session (HMAC-SHA256)", () -> tracker.resetProof(registration.token()));
        Registered reply = new Registered(1, registration.token(), 90, 25_000, from, cookie,
                tracker.resetProof(registration.token()));
        time("REGISTER", "seal reply (encode, ChaCha20-Poly1305)", () -> registration.session().seal(reply));
        Sealed sealed = registration.session().seal(reply);
        time("REGISTER", "encode the SEALED reply", () -> encode(sealed));
    }

    /** What the sealing steps are made of, to tell the cipher from what is around it. */
    private void comparisons() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] plaintext = TrackerCodec.encode(new KeepaliveAck(1, 25_000, from, cookies.mint(from)));
        byte[] box = new byte[plaintext.length + ChaChaPoly.TAG_SIZE];
        byte[] ad = new byte[Wire.HEADER_SIZE + 2 * Long.BYTES];
        ChaChaPoly reused = ChaChaPoly.forKey(key);
        long[] counter = {0};
        time(COMPARISON, "ChaCha20-Poly1305 seal of a KEEPALIVE_ACK (" + plaintext.length
                + " bytes) with one ChaChaPoly kept", () -> reused.seal(counter[0]++, ad, 0, ad.length, plaintext, 0,
                plaintext.length, box, 0));
        time(COMPARISON, "the same with a new ChaChaPoly per seal, as SessionCipher makes one",
                () -> ChaChaPoly.forKey(key).seal(counter[0]++, ad, 0, ad.length,
                        plaintext, 0, plaintext.length, box, 0));
    }

    /** The session a SEALED names, by its token, at the sender's address. */
    private void findSession(String request) {
        time(request, "registry find of the session (token, at the registered address)", () -> {
            Registration found = registry.findSession(registrations[random.nextInt(PEERS)].token());
            return found != null && found.isObservedAt(from);
        });
    }

    /**
     * Times the tracker's side opening {@code request}, sealed by the peer's side: every SEALED opens once, so
     * they are sealed beforehand, in counter order.
     */
    private void timeOpen(String request, String step, TrackerMessage message) {
        SessionCipher trackerSide = registrations[0].session();
        Sealed[] sealed = new Sealed[OPEN_WARMUP + OPEN_MEASURE];
        for (int i = 0; i < sealed.length; i++) {
            sealed[i] = peerSide.seal(message);
        }
        try {
            for (int i = 0; i < OPEN_WARMUP; i++) {
                sink = trackerSide.open(sealed[i]);
            }
            long start = System.nanoTime();
            for (int i = OPEN_WARMUP; i < sealed.length; i++) {
                sink = trackerSide.open(sealed[i]);
            }
            steps.add(new Step(request, step, (double) (System.nanoTime() - start) / OPEN_MEASURE));
        } catch (CryptoException | ProtocolException e) {
            throw new IllegalStateException(step + " failed on a valid SEALED", e);
        }
    }

    private SessionCipher.Secret forTracker(Octets sessionKey) {
        try {
            return SessionCipher.Secret.forTracker(tracker.key(), sessionKey);
        } catch (CryptoException e) {
            throw new IllegalStateException("a session key of small order", e);
        }
    }

    private Object encode(TrackerMessage message) {
        out.clear();
        TrackerCodec.encode(message, out);
        return out.position();
    }

    /** A step that may throw, as decoding does. */
    @FunctionalInterface
    private interface Operation {
        Object run() throws ProtocolException;
    }

    private void time(String request, String step, Operation operation) {
        try {
            loop(operation, WARMUP_NANOS);
            long start = System.nanoTime();
            long count = loop(operation, MEASURE_NANOS);
            steps.add(new Step(request, step, (double) (System.nanoTime() - start) / count));
        } catch (ProtocolException e) {
            throw new IllegalStateException(step + " failed on a valid datagram", e);
        }
    }

    private long loop(Operation operation, long nanos) throws ProtocolException {
        long deadline = System.nanoTime() + nanos;
        long count = 0;
        do {
            // Read the clock once per batch, so that it costs little next to steps of ~100 ns.
            for (int i = 0; i < 16; i++) {
                sink = operation.run();
            }
            count += 16;
        } while (System.nanoTime() < deadline);
        return count;
    }
}
