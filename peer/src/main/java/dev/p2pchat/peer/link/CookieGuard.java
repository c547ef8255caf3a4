package dev.p2pchat.peer.link;

import dev.p2pchat.protocol.crypto.Macs;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * The responder's defence against handshake floods, WireGuard's: while more initiations arrive than
 * {@link #UNDER_LOAD_PER_SECOND} a second, one is read only if its mac2 carries the cookie of its source (which
 * proves the initiator receives there), and then only within that source's budget; any other gets a cookie reply,
 * far smaller than itself, and no state is kept for it. A cookie is a MAC of the source under a secret that changes
 * every {@link #SECRET_LIFETIME_MILLIS}; one under the previous secret still counts. Pure logic on the caller's
 * clock; bounded: the budgets of at most {@link #MAX_SOURCES} sources.
 */
final class CookieGuard {
    static final int UNDER_LOAD_PER_SECOND = 64;
    static final long SECRET_LIFETIME_MILLIS = 120_000;
    /** Handshakes a second one proven source may start while under load (WireGuard: 20), and at once (5). */
    static final double SOURCE_RATE = 20;
    static final double SOURCE_BURST = 5;
    static final int MAX_SOURCES = 4096;

    private static final class Bucket {
        double tokens = SOURCE_BURST;
        long updated;
    }

    private final RandomGenerator random;
    private byte[] secret;
    private byte[] previousSecret;
    private long secretSince;
    private long windowStart;
    private int inWindow;
    private int previousWindow;
    private final Map<ByteBuffer, Bucket> sources = new LinkedHashMap<>(16, 0.75f, true);

    CookieGuard(RandomGenerator random, long now) {
        this.random = random;
        this.secret = fresh();
        this.previousSecret = fresh();
        this.secretSince = now;
        this.windowStart = now;
    }

    /** Counts an initiation that arrived; returns whether the responder is under load. */
    boolean arrived(long now) {
        if (now - windowStart >= 1000) {
            previousWindow = now - windowStart >= 2000 ? 0 : inWindow;
            windowStart = now;
            inWindow = 0;
        }
        inWindow++;
        return Math.max(inWindow, previousWindow) > UNDER_LOAD_PER_SECOND;
    }

    /** The cookie of {@code source} (its address, or what stands for it) now. */
    byte[] cookie(byte[] source, long now) {
        rotate(now);
        return Macs.mac(secret, source, 0, source.length);
    }

    /** Whether {@code mac2Valid} holds for the cookie of {@code source} under the current or previous secret. */
    boolean proves(byte[] source, long now, Predicate<byte[]> mac2Valid) {
        rotate(now);
        return mac2Valid.test(Macs.mac(secret, source, 0, source.length))
                || mac2Valid.test(Macs.mac(previousSecret, source, 0, source.length));
    }

    /** Takes one handshake from {@code source}'s budget; false when it is spent. */
    boolean allow(byte[] source, long now) {
        ByteBuffer key = ByteBuffer.wrap(source.clone());
        Bucket bucket = sources.get(key);
        if (bucket == null) {
            if (sources.size() >= MAX_SOURCES) {
                Iterator<Bucket> oldest = sources.values().iterator();
                oldest.next();
                oldest.remove();
            }
            bucket = new Bucket();
            bucket.updated = now;
            sources.put(key, bucket);
        }
        bucket.tokens = Math.min(SOURCE_BURST, bucket.tokens + (now - bucket.updated) * SOURCE_RATE / 1000);
        bucket.updated = now;
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens--;
        return true;
    }

    /** A fresh random nonce for a cookie reply's seal. */
    byte[] nonce() {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        return nonce;
    }

    private void rotate(long now) {
        if (now - secretSince >= SECRET_LIFETIME_MILLIS) {
            Arrays.fill(previousSecret, (byte) 0);
            previousSecret = now - secretSince >= 2 * SECRET_LIFETIME_MILLIS ? fresh() : secret;
            secret = fresh();
            secretSince = now;
        }
    }

    private byte[] fresh() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return bytes;
    }
}
