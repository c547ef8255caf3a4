package dev.p2pchat.tracker.identity;

import dev.p2pchat.protocol.KeyFile;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.Hkdf;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.tracker.TrackerWire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The tracker's long-term X25519 key: peers pin its public half, and every registration's session is sealed under
 * keys agreed with it. The cookie secret is derived from it, so one file in the data directory keeps both across a
 * restart: peers that pinned the key still trust the tracker, and cookies minted before the restart still work.
 */
public final class TrackerIdentity {
    /** The key's file inside the data directory. */
    public static final String FILE_NAME = "tracker.key";
    private static final String HEADER = "p2pchat tracker x25519 private key v1";
    private static final byte[] COOKIE_INFO = "p2pchat tracker cookie secret v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESET_INFO = "p2pchat tracker reset key v1".getBytes(StandardCharsets.US_ASCII);

    private final X25519.KeyPair key;
    private final byte[] cookieSecret;
    private final Mac reset;

    private TrackerIdentity(X25519.KeyPair key) {
        this.key = key;
        byte[] prk = Hkdf.extract(new byte[0], key.privateKey());
        this.cookieSecret = Hkdf.expand(prk, COOKIE_INFO, Hkdf.HASH_SIZE);
        try {
            this.reset = Mac.getInstance("HmacSHA256");
            reset.init(new SecretKeySpec(Hkdf.expand(prk, RESET_INFO, Hkdf.HASH_SIZE), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /** The key kept in {@code dataDirectory}, made there on the first start. */
    public static TrackerIdentity loadOrCreate(Path dataDirectory, SecureRandom random) throws IOException {
        Path file = dataDirectory.resolve(FILE_NAME);
        byte[] privateKey;
        try {
            privateKey = KeyFile.loadOrCreate(file, HEADER, "tracker key", X25519.KEY_SIZE,
                    () -> X25519.generate(random).privateKey());
        } catch (CharacterCodingException e) {
            // Bytes that are not text: the JDK's message ("Input length = 1") would not say which file, or why.
            throw new IOException("tracker key file " + file + " is damaged (it is not text); it was left as it is",
                    e);
        } catch (FileSystemException e) {
            // The JDK names only the path (an AccessDeniedException's message is the path alone): say what failed.
            throw new IOException("cannot read or create the tracker key file " + file + ": "
                    + e.getClass().getSimpleName() + (e.getReason() == null ? "" : " (" + e.getReason() + ")"), e);
        }
        return new TrackerIdentity(X25519.fromPrivateKey(privateKey));
    }

    /** A key that lives as long as this process: peers that pinned it must pin again after a restart. */
    public static TrackerIdentity ephemeral(SecureRandom random) {
        return new TrackerIdentity(X25519.generate(random));
    }

    public X25519.KeyPair key() {
        return key;
    }

    /** The public key peers pin. */
    public Octets publicKey() {
        return Octets.of(key.publicKey());
    }

    /**
     * The reset proof of session {@code session}: what a SESSION_UNKNOWN for it carries. A function of the tracker's
     * key alone, so a tracker that lost the session (a restart) still proves it is the one the peer registered with.
     * Not thread-safe: the event loop that answers calls it.
     */
    public Octets resetProof(long session) {
        byte[] tag = reset.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(session).array());
        return Octets.of(tag, 0, TrackerWire.RESET_PROOF_SIZE);
    }

    /** The secret the cookie jar keys its epochs with: fixed for one tracker key, unrelated to the key itself. */
    public byte[] cookieSecret() {
        return cookieSecret.clone();
    }
}
