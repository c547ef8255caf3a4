package dev.p2pchat.protocol.tracker;

import dev.p2pchat.protocol.Header;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.ChaChaPoly;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.Hkdf;
import dev.p2pchat.protocol.crypto.ReplayWindow;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * One side of one registration's session with the tracker: seals what this side sends into {@link Sealed} datagrams
 * of the session and opens what the other side sent in it, each message once. The keys come from the X25519
 * agreement of the session key the peer put in its REGISTER and the tracker's long-term key, so only the tracker
 * that holds that key (the one the peer pinned) and only the peer that made the REGISTER can seal or open; and they
 * are bound to the session number the tracker chose for the registration (its token, or a fresh random number for
 * a refusal), so no two sessions share keys even when a REGISTER's session key is replayed or copied into another's
 * REGISTER, and no key ever seals two messages under one counter.
 *
 * <p>{@code prk = HKDF-Extract("p2pchat tracker session v1", dh || session key || tracker key)}; the key of each
 * direction is {@code HKDF-Expand(prk, ("peer to tracker" | "tracker to peer") || session:u64, 32)}. A SEALED's
 * header, session and counter are the associated data; its counter is the ChaCha20-Poly1305 nonce in the Noise
 * format.
 *
 * <p>Not thread-safe: one thread (the owner's event loop) seals and opens.
 */
public final class SessionCipher {
    /** Ring blocks of the replay window: 64 counters, since a session's requests and replies barely reorder. */
    private static final int REPLAY_BLOCKS = 2;
    /** A session is registered again long before; a counter at or past this is refused, never wrapped. */
    private static final long COUNTER_LIMIT = 1L << 62;
    private static final byte[] LABEL = ascii("p2pchat tracker session v1");
    private static final byte[] TO_TRACKER = ascii("peer to tracker");
    private static final byte[] TO_PEER = ascii("tracker to peer");
    private static final int AD_SIZE = Wire.HEADER_SIZE + 2 * Long.BYTES;

    /** What a peer sends inside a session. */
    public static final Set<TrackerMessageType> PEER_SENDS = EnumSet.of(TrackerMessageType.KEEPALIVE,
            TrackerMessageType.LOOKUP, TrackerMessageType.LIST, TrackerMessageType.RENAME,
            TrackerMessageType.UNREGISTER, TrackerMessageType.RELAY, TrackerMessageType.DEPOSIT,
            TrackerMessageType.FETCH, TrackerMessageType.MAIL_ACK);
    /** What the tracker sends inside a session. */
    public static final Set<TrackerMessageType> TRACKER_SENDS = EnumSet.of(TrackerMessageType.REGISTERED,
            TrackerMessageType.KEEPALIVE_ACK, TrackerMessageType.LOOKUP_RESULT, TrackerMessageType.INTRODUCTION,
            TrackerMessageType.LIST_PAGE, TrackerMessageType.OK, TrackerMessageType.ERROR,
            TrackerMessageType.RELAYED, TrackerMessageType.MAIL);

    /**
     * What one REGISTER's two keys agree on, before the tracker chose the session: each {@link #cipher} of it is
     * bound to one session number.
     */
    public static final class Secret {
        private final byte[] prk;
        private final boolean peerSide;

        private Secret(byte[] prk, boolean peerSide) {
            this.prk = prk;
            this.peerSide = peerSide;
        }

        /** The peer's side, from the session key it puts in its REGISTER and the tracker's key. */
        public static Secret forPeer(X25519.KeyPair sessionKey, Octets trackerKey) throws CryptoException {
            return new Secret(prk(sessionKey.agree(trackerKey.toByteArray()), sessionKey.publicKey(),
                    trackerKey.toByteArray()), true);
        }

        /** The tracker's side, from its key and the session key of a REGISTER. */
        public static Secret forTracker(X25519.KeyPair trackerKey, Octets sessionKey) throws CryptoException {
            return new Secret(prk(trackerKey.agree(sessionKey.toByteArray()), sessionKey.toByteArray(),
                    trackerKey.publicKey()), false);
        }

        /** This side's cipher of session {@code session}, with its own counters from 0. */
        public SessionCipher cipher(long session) {
            byte[] toTracker = key(TO_TRACKER, session);
            byte[] toPeer = key(TO_PEER, session);
            return peerSide ? new SessionCipher(session, toTracker, toPeer, PEER_SENDS, TRACKER_SENDS)
                    : new SessionCipher(session, toPeer, toTracker, TRACKER_SENDS, PEER_SENDS);
        }

        private byte[] key(byte[] direction, long session) {
            byte[] info = ByteBuffer.allocate(direction.length + Long.BYTES).put(direction).putLong(session).array();
            return Hkdf.expand(prk, info, ChaChaPoly.KEY_SIZE);
        }
    }

    private final long session;
    private final byte[] sendKey;
    private final byte[] receiveKey;
    private final Set<TrackerMessageType> sends;
    private final Set<TrackerMessageType> receives;
    private final ReplayWindow window = new ReplayWindow(COUNTER_LIMIT, REPLAY_BLOCKS);
    private long nextCounter;

    private SessionCipher(long session, byte[] sendKey, byte[] receiveKey, Set<TrackerMessageType> sends,
            Set<TrackerMessageType> receives) {
        this.session = session;
        this.sendKey = sendKey;
        this.receiveKey = receiveKey;
        this.sends = sends;
        this.receives = receives;
    }

    /** The session number this cipher's keys are bound to. */
    public long session() {
        return session;
    }

    /** {@code message} sealed under the next counter, in this cipher's session. */
    public Sealed seal(TrackerMessage message) {
        if (!sends.contains(message.type())) {
            throw new IllegalArgumentException(message.type() + " is not sent inside a session from this side");
        }
        byte[] plaintext = TrackerCodec.encode(message);
        long counter = nextCounter++;
        if (Long.compareUnsigned(counter, COUNTER_LIMIT) >= 0) {
            throw new IllegalStateException("session " + session + " sealed " + COUNTER_LIMIT + " messages");
        }
        byte[] box = new byte[plaintext.length + ChaChaPoly.TAG_SIZE];
        ChaChaPoly.forKey(sendKey).seal(counter, associatedData(session, counter), 0, AD_SIZE, plaintext, 0,
                plaintext.length, box, 0);
        return new Sealed(session, counter, Octets.of(box));
    }

    /**
     * The message inside {@code sealed}, once it names this session, authenticated under its key, was not seen before
     * and is of a type the other side sends in a session; only then is its counter recorded, so nothing forged,
     * replayed, of another session or out of place changes this session.
     *
     * @throws CryptoException if it is of another session or does not authenticate ({@code BAD_TAG}), or was seen
     *     ({@code REPLAYED})
     * @throws ProtocolException if what it carries does not decode, or is of a type the other side does not send
     */
    public TrackerMessage open(Sealed sealed) throws CryptoException, ProtocolException {
        TrackerMessage message = authenticate(sealed);
        window.accept(sealed.counter());
        return message;
    }

    /**
     * What {@code sealed} carries, checked as {@link #open} checks it, but with its counter left unrecorded: for a
     * datagram that is answered but not acted on (one from an address the session does not belong to), which must
     * not use up the counter of the genuine datagram it may be a copy of.
     */
    public TrackerMessage authenticate(Sealed sealed) throws CryptoException, ProtocolException {
        if (sealed.session() != session) {
            throw new CryptoException(CryptoException.Reason.BAD_TAG, "sealed in session " + sealed.session()
                    + ", not " + session);
        }
        if (!window.mayAccept(sealed.counter())) {
            throw new CryptoException(CryptoException.Reason.REPLAYED, "counter " + sealed.counter());
        }
        byte[] box = sealed.box().toByteArray();
        byte[] plaintext = new byte[box.length - ChaChaPoly.TAG_SIZE];
        ChaChaPoly.forKey(receiveKey).open(sealed.counter(), associatedData(sealed.session(), sealed.counter()), 0,
                AD_SIZE, box, 0, box.length, plaintext, 0);
        TrackerMessage message = TrackerCodec.decode(plaintext);
        if (!receives.contains(message.type())) {
            throw new ProtocolException(Reason.UNKNOWN_TYPE, message.type() + " inside a session");
        }
        return message;
    }

    private static byte[] associatedData(long session, long counter) {
        ByteBuffer ad = ByteBuffer.allocate(AD_SIZE);
        Header.put(ad, TrackerMessageType.SEALED.code());
        ad.putLong(session);
        ad.putLong(counter);
        return ad.array();
    }

    /** The pseudorandom key of one agreement and the two public keys; the inputs are wiped. */
    private static byte[] prk(byte[] dh, byte[] sessionKey, byte[] trackerKey) {
        byte[] ikm = new byte[dh.length + sessionKey.length + trackerKey.length];
        System.arraycopy(dh, 0, ikm, 0, dh.length);
        System.arraycopy(sessionKey, 0, ikm, dh.length, sessionKey.length);
        System.arraycopy(trackerKey, 0, ikm, dh.length + sessionKey.length, trackerKey.length);
        byte[] prk = Hkdf.extract(LABEL, ikm);
        Arrays.fill(dh, (byte) 0);
        Arrays.fill(ikm, (byte) 0);
        return prk;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
