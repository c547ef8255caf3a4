package dev.p2pchat.bench;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage.Introduction;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.KeepaliveAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.tracker.cookie.CookieJar;
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
 * <p>A plain timed loop, not JMH: good to a few percent for steps of 100 ns and more, which is what it is for.
 */
final class CostBreakdown {
    private static final long WARMUP_NANOS = 200_000_000;
    private static final long MEASURE_NANOS = 300_000_000;
    private static final int PEERS = 10_000;

    /** One step of handling {@code request}, in nanoseconds of CPU per request. */
    record Step(String request, String step, double nanos) {}

    private final SplittableRandom random = new SplittableRandom(11);
    /** The tracker's server draws session tokens from a SecureRandom; so does this registry. */
    private final Registry registry =
            new Registry(Clock.systemUTC(), new SecureRandom(), PEERS, Duration.ofSeconds(90));
    private final CookieJar cookies;
    private final InetSocketAddress from = new InetSocketAddress("127.0.0.1", 40_000);
    private final Identity identity = Identity.generate(new SecureRandom());
    private final Registration[] registrations = new Registration[PEERS];
    /** Names as the decoded requests carry them, so that no step pays for making the String. */
    private final String[] names = new String[PEERS];
    private final List<Step> steps = new ArrayList<>();
    private final ByteBuffer out = ByteBuffer.allocate(Wire.MAX_DATAGRAM_SIZE);
    /** Where every step's result goes, so that the JIT cannot drop the step. */
    private volatile Object sink;

    private CostBreakdown() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        cookies = new CookieJar(Clock.systemUTC(), secret, Duration.ofSeconds(60));
        byte[] key = new byte[Wire.KEY_SIZE];
        for (int i = 0; i < PEERS; i++) {
            random.nextBytes(key);
            names[i] = "peer-" + i;
            registrations[i] = registry.register(names[i], Octets.of(key), Octets.zeros(Wire.KEY_SIZE), 0, from,
                    List.of(Peers.privateAddress(i))).registration();
        }
    }

    /** Times every step twice and keeps the second pass: the first lets the JIT compile all of them. */
    static List<Step> measure() {
        CostBreakdown breakdown = new CostBreakdown();
        for (int pass = 0; pass < 2; pass++) {
            breakdown.steps.clear();
            breakdown.keepalive();
            breakdown.lookup();
            breakdown.register();
        }
        return breakdown.steps;
    }

    private void keepalive() {
        Octets cookie = cookies.mint(from);
        Registration peer = registrations[0];
        byte[] datagram = TrackerCodec.encode(new Keepalive(1, cookie, peer.token(), peer.name()));
        time("KEEPALIVE", "decode request", () -> TrackerCodec.decode(datagram));
        time("KEEPALIVE", "check cookie (HMAC-SHA256)", () -> cookies.check(from, cookie));
        time("KEEPALIVE", "registry keepalive", () -> {
            int i = random.nextInt(PEERS);
            return registry.keepalive(names[i], registrations[i].token(), from);
        });
        time("KEEPALIVE", "mint cookie (HMAC-SHA256)", () -> cookies.mint(from));
        KeepaliveAck ack = new KeepaliveAck(1, 25_000, from, cookie);
        time("KEEPALIVE", "encode reply", () -> encode(ack));
    }

    private void lookup() {
        Octets cookie = cookies.mint(from);
        Registration requester = registrations[0];
        byte[] datagram = TrackerCodec.encode(
                new Lookup(1, cookie, requester.token(), requester.name(), registrations[1].name()));
        time("LOOKUP", "decode request", () -> TrackerCodec.decode(datagram));
        time("LOOKUP", "check cookie (HMAC-SHA256)", () -> cookies.check(from, cookie));
        time("LOOKUP", "registry keepalive of the requester", () -> {
            int i = random.nextInt(PEERS);
            return registry.keepalive(names[i], registrations[i].token(), from);
        });
        time("LOOKUP", "registry find of the target", () -> registry.find(names[random.nextInt(PEERS)]));
        time("LOOKUP", "encode reply (toPeerInfo + encode)",
                () -> encode(new LookupResult(1, registrations[random.nextInt(PEERS)].toPeerInfo())));
        time("LOOKUP", "encode introduction (toPeerInfo + encode)",
                () -> encode(new Introduction(registrations[random.nextInt(PEERS)].toPeerInfo())));
    }

    private void register() {
        Octets cookie = cookies.mint(from);
        Register unsigned = new Register(1, cookie, "peer-0", identity.publicKey(), Octets.zeros(Wire.KEY_SIZE), 0,
                List.of(Peers.privateAddress(0)), Octets.zeros(Wire.SIGNATURE_SIZE));
        Register signed = unsigned.withSignature(identity.signatureFor(unsigned));
        byte[] datagram = TrackerCodec.encode(signed);
        time("REGISTER", "decode request", () -> TrackerCodec.decode(datagram));
        time("REGISTER", "check cookie (HMAC-SHA256)", () -> cookies.check(from, cookie));
        time("REGISTER", "registry precheck (before the signature)",
                () -> registry.precheck(signed.name(), signed.identityKey(), signed.privateAddresses()));
        time("REGISTER", "verify signature (Ed25519, incl. signed bytes)",
                () -> Identity.verify(signed.identityKey(), signed));
        time("REGISTER", "registry register (renewal, same address)", () -> registry.register(signed.name(),
                signed.identityKey(), signed.agreementKey(), 0, from, signed.privateAddresses()));
        time("REGISTER", "mint cookie (HMAC-SHA256)", () -> cookies.mint(from));
        Registered reply = new Registered(1, 42, 90, 25_000, from, cookie);
        time("REGISTER", "encode reply", () -> encode(reply));
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
