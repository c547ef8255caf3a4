package dev.p2pchat.tracker.cookie;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerWire;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless proof that a sender receives at its source address (BEP 15's connection id, WireGuard's cookie).
 *
 * <p>A cookie is HMAC-SHA256 over the source address and port, truncated to {@value Wire#COOKIE_SIZE} bytes,
 * keyed by a key that changes every epoch. Cookies of the current and the previous epoch are accepted, so a
 * cookie lives between one and two epochs. The tracker keeps no state per sender until a cookie checks out.
 *
 * <p>Not thread-safe: owned by the channel's event loop.
 */
public final class CookieJar {
    private static final String HMAC = "HmacSHA256";

    private final Clock clock;
    private final Mac master;
    private final long epochMillis;
    private final ByteBuffer input = ByteBuffer.allocate(Wire.IPV6_SIZE + Wire.PORT_SIZE);
    private long currentEpoch = Long.MIN_VALUE;
    private Mac current;
    private Mac previous;

    /** {@code secret} keys every epoch's key; a new secret (a restarted tracker) voids all cookies. */
    public CookieJar(Clock clock, byte[] secret, Duration epoch) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("cookie secret needs at least 16 bytes");
        }
        this.clock = clock;
        this.epochMillis = epoch.toMillis();
        if (epochMillis < 1) {
            throw new IllegalArgumentException("cookie epoch must be positive");
        }
        this.master = mac(secret);
    }

    public Octets mint(InetSocketAddress source) {
        rotate();
        return Octets.of(compute(current, source), 0, TrackerWire.COOKIE_SIZE);
    }

    /** Whether {@code cookie} was minted for {@code source} in this epoch or the previous one. */
    public boolean check(InetSocketAddress source, Octets cookie) {
        return validate(source, cookie) != null;
    }

    /**
     * The cookie to hand back to {@code source} with a reply, or null when {@code cookie} is not valid for it: the
     * same cookie when it is of the current epoch (sparing a second HMAC on every keepalive), a new one when it
     * is of the previous epoch and so about to expire.
     */
    public Octets validate(InetSocketAddress source, Octets cookie) {
        rotate();
        byte[] presented = cookie.toByteArray();
        if (matches(current, source, presented)) {
            return cookie;
        }
        return matches(previous, source, presented) ? mint(source) : null;
    }

    private boolean matches(Mac mac, InetSocketAddress source, byte[] presented) {
        byte[] expected = compute(mac, source);
        return MessageDigest.isEqual(presented, Arrays.copyOf(expected, TrackerWire.COOKIE_SIZE));
    }

    private byte[] compute(Mac mac, InetSocketAddress source) {
        input.clear();
        input.put(source.getAddress().getAddress());
        input.putShort((short) source.getPort());
        mac.update(input.array(), 0, input.position());
        return mac.doFinal();
    }

    private void rotate() {
        long epoch = Math.floorDiv(clock.millis(), epochMillis);
        if (epoch == currentEpoch) {
            return;
        }
        previous = epoch == currentEpoch + 1 ? current : epochMac(epoch - 1);
        current = epochMac(epoch);
        currentEpoch = epoch;
    }

    private Mac epochMac(long epoch) {
        master.update(ByteBuffer.allocate(Long.BYTES).putLong(epoch).array());
        return mac(master.doFinal());
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always provides " + HMAC, e);
        }
    }
}
