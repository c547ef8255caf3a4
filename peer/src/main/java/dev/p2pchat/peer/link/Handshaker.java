package dev.p2pchat.peer.link;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.crypto.ChaChaPoly;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.Macs;
import dev.p2pchat.protocol.crypto.NoiseHandshake;
import dev.p2pchat.protocol.crypto.NoisePattern;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.peer.FrameType;
import dev.p2pchat.protocol.peer.HandshakePayload;
import dev.p2pchat.protocol.peer.PeerFrame.CookieReply;
import dev.p2pchat.protocol.peer.PeerFrame.Finish;
import dev.p2pchat.protocol.peer.PeerFrame.Initiation;
import dev.p2pchat.protocol.peer.PeerFrame.Response;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.protocol.peer.PeerWire;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The handshakes' cryptography, as pure functions of this peer's keys: Noise IK and XX messages wrapped in their
 * frames, mac1 and mac2 (WireGuard's, on HMAC-SHA256), the sealed cookie of a cookie reply, and the identity checks
 * on every payload (the Ed25519 binding of the X25519 key Noise authenticated). What a handshake means to a
 * conversation (which session, which keys are current, replays) is the {@link LinkTable}'s and the
 * {@link PeerSession}'s to decide.
 */
final class Handshaker {
    /** Mixed into every handshake: a handshake of another protocol or version never completes as this one. */
    static final byte[] PROLOGUE = "p2pchat v1".getBytes(StandardCharsets.US_ASCII);
    /**
     * An XX initiator knows no static key of the responder's to key mac1 and the cookie's seal with: both use this
     * label instead, so mac1 only proves the frame is an intact p2pchat initiation, and mac2 still proves the address.
     */
    private static final byte[] XX_KEY_LABEL = "p2pchat xx".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAC1_LABEL = "mac1----".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COOKIE_LABEL = "cookie--".getBytes(StandardCharsets.US_ASCII);
    /** mac1's key, and the cookie's seal key, for an XX initiation: the same for every responder. */
    private static final byte[] XX_MAC1_KEY = Macs.hash(MAC1_LABEL, XX_KEY_LABEL);
    private static final byte[] XX_COOKIE_KEY = Macs.hash(COOKIE_LABEL, XX_KEY_LABEL);

    /** Why a handshake frame was refused. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final transient LinkTable.Drop reason;

        Refused(LinkTable.Drop reason, String detail) {
            super(reason + ": " + detail, null, false, false);
            this.reason = reason;
        }
    }

    /** A handshake this side started, until its response arrives. */
    static final class Initiating {
        final NoisePattern pattern;
        final NoiseHandshake noise;
        final int localIndex;
        final long linkId;
        final long started;
        /** Responses to it refused so far: each cost Diffie-Hellman work, so only a few are read. */
        int refusals;
        /** The initiation without mac2, and its mac1 (the cookie reply's associated data). */
        private final byte[] frame;
        final byte[] mac1;
        private final byte[] cookieSealKey;

        private Initiating(NoisePattern pattern, NoiseHandshake noise, int localIndex, long linkId, long started,
                byte[] frame, byte[] cookieSealKey) {
            this.pattern = pattern;
            this.noise = noise;
            this.localIndex = localIndex;
            this.linkId = linkId;
            this.started = started;
            this.frame = frame;
            this.cookieSealKey = cookieSealKey;
            FrameType type = frameType(pattern);
            this.mac1 = Arrays.copyOfRange(frame, PeerFrameCodec.mac1Offset(type), PeerFrameCodec.mac2Offset(type));
        }

        /** The initiation to send: with mac2 under {@code cookie}, or zeros when there is none. */
        byte[] frame(byte[] cookie) {
            byte[] out = frame.clone();
            if (cookie != null) {
                int mac2 = PeerFrameCodec.mac2Offset(frameType(pattern));
                System.arraycopy(Macs.mac(cookie, out, 0, mac2), 0, out, mac2, PeerWire.MAC_SIZE);
            }
            return out;
        }
    }

    /** What the peer's side of a finished handshake said, and the keys it made. */
    record Completed(Keypair keypair, HandshakePayload peer, Octets peerStatic, byte[] finish) {}

    /** An initiation read by the responder: the Noise state, and (IK) who the initiator says it is. */
    record Read(Initiation initiation, NoiseHandshake noise, HandshakePayload peer, Octets peerStatic) {}

    /** The responder's answer: the response frame, and (IK) the keys, or (XX) the state that waits for message 3. */
    record Answered(byte[] response, Keypair keypair, NoiseHandshake waiting) {}

    private final LocalPeer self;
    private final Supplier<X25519.KeyPair> ephemerals;
    private final byte[] mac1Key;
    private final byte[] cookieSealKey;
    private long lastTimestamp;

    Handshaker(LocalPeer self, Supplier<X25519.KeyPair> ephemerals) {
        this.self = self;
        this.ephemerals = ephemerals;
        this.mac1Key = Macs.hash(MAC1_LABEL, self.agreementKey().toByteArray());
        this.cookieSealKey = Macs.hash(COOKIE_LABEL, self.agreementKey().toByteArray());
    }

    // ---- initiator ----

    /**
     * Starts a handshake: IK to a peer whose static key is known ({@code responderStatic}), XX otherwise. The
     * timestamp only grows, so the responder tells a replayed initiation from a new one.
     */
    Initiating initiate(NoisePattern pattern, Octets responderStatic, int localIndex, long linkId, long now)
            throws CryptoException {
        NoiseHandshake noise = NoiseHandshake.initiator(pattern, PROLOGUE, self.agreement(),
                pattern == NoisePattern.IK ? responderStatic.toByteArray() : null, ephemerals);
        lastTimestamp = Math.max(now, lastTimestamp + 1);
        byte[] message = noise.writeMessage(pattern == NoisePattern.IK
                ? self.payload(linkId, lastTimestamp).encode() : new byte[PeerWire.XX_PADDING]);
        FrameType type = frameType(pattern);
        byte[] frame = PeerFrameCodec.encode(new Initiation(type, localIndex, Octets.of(message),
                Octets.zeros(PeerWire.MAC_SIZE), Octets.zeros(PeerWire.MAC_SIZE)));
        byte[] key = pattern == NoisePattern.IK ? Macs.hash(MAC1_LABEL, responderStatic.toByteArray())
                : XX_MAC1_KEY;
        int mac1 = PeerFrameCodec.mac1Offset(type);
        System.arraycopy(Macs.mac(key, frame, 0, mac1), 0, frame, mac1, PeerWire.MAC_SIZE);
        byte[] sealKey = pattern == NoisePattern.IK ? Macs.hash(COOKIE_LABEL, responderStatic.toByteArray())
                : XX_COOKIE_KEY;
        return new Initiating(pattern, noise, localIndex, linkId, now, frame, sealKey);
    }

    /** Whether a handshake's peer, by its identity key, may be the one this side talks to; else why not. */
    @FunctionalInterface
    interface Admission {
        void check(Octets identityKey) throws Refused;
    }

    /**
     * Reads the response to {@code pending}; for XX also writes message 3, to send before anything else. A
     * response that is refused, whatever for, leaves {@code pending} as it was: the genuine response can still come
     * (anyone who saw the initiation can send a forged one to its index, and must not end the handshake by it).
     */
    Completed complete(Initiating pending, Response response, Admission admission, long now) throws Refused {
        if (response.type() != (pending.pattern == NoisePattern.IK ? FrameType.RESPONSE_IK : FrameType.RESPONSE_XX)) {
            throw new Refused(LinkTable.Drop.BAD_HANDSHAKE, response.type() + " answers a " + pending.pattern);
        }
        try {
            HandshakePayload peer;
            Octets peerStatic;
            NoiseHandshake.Checkpoint before = pending.noise.checkpoint();
            try {
                byte[] payload = pending.noise.readMessage(response.noise().toByteArray());
                peerStatic = Octets.of(pending.noise.remoteStatic());
                peer = verified(payload, peerStatic);
                admission.check(peer.identityKey());
            } catch (Refused refused) {
                pending.noise.restore(before);
                throw refused;
            } finally {
                before.wipe();
            }
            byte[] finish = null;
            if (pending.pattern == NoisePattern.XX) {
                lastTimestamp = Math.max(now, lastTimestamp + 1);
                byte[] message = pending.noise.writeMessage(self.payload(pending.linkId, lastTimestamp).encode());
                finish = PeerFrameCodec.encode(new Finish(response.senderIndex(), Octets.of(message)));
            }
            NoiseHandshake.Split keys = pending.noise.split();
            return new Completed(new Keypair(pending.localIndex, response.senderIndex(), true,
                    keys.initiatorToResponder(), keys.responderToInitiator(), now), peer, peerStatic, finish);
        } catch (CryptoException e) {
            throw new Refused(LinkTable.Drop.BAD_HANDSHAKE, e.getMessage());
        }
    }

    /** The cookie a responder under load sealed for {@code pending}'s address. */
    static byte[] openCookie(Initiating pending, CookieReply reply) throws Refused {
        byte[] cookie = new byte[PeerWire.COOKIE_SIZE];
        byte[] sealed = reply.sealedCookie().toByteArray();
        try {
            ChaChaPoly.forKey(pending.cookieSealKey).open(reply.nonce().toByteArray(), pending.mac1, 0,
                    pending.mac1.length, sealed, 0, sealed.length, cookie, 0);
        } catch (CryptoException e) {
            throw new Refused(LinkTable.Drop.BAD_COOKIE, e.getMessage());
        }
        return cookie;
    }

    // ---- responder ----

    /** Whether {@code frame} (an initiation's bytes) carries the mac1 of an initiation to this peer. */
    boolean mac1Valid(FrameType type, byte[] frame) {
        byte[] key = type == FrameType.INITIATION_IK ? mac1Key : XX_MAC1_KEY;
        int offset = PeerFrameCodec.mac1Offset(type);
        return Macs.equal(Macs.mac(key, frame, 0, offset),
                Arrays.copyOfRange(frame, offset, offset + PeerWire.MAC_SIZE));
    }

    /** Whether {@code frame} carries the mac2 of {@code cookie}. */
    static boolean mac2Valid(FrameType type, byte[] frame, byte[] cookie) {
        int offset = PeerFrameCodec.mac2Offset(type);
        return Macs.equal(Macs.mac(cookie, frame, 0, offset),
                Arrays.copyOfRange(frame, offset, offset + PeerWire.MAC_SIZE));
    }

    /** A cookie reply to {@code initiation}: {@code cookie} sealed so that only its sender can open it. */
    CookieReply cookieReply(Initiation initiation, byte[] cookie, byte[] nonce) {
        byte[] key = initiation.type() == FrameType.INITIATION_IK ? cookieSealKey
                : XX_COOKIE_KEY;
        byte[] ad = initiation.mac1().toByteArray();
        byte[] sealed = new byte[PeerWire.COOKIE_SIZE + PeerWire.TAG_SIZE];
        ChaChaPoly.forKey(key).seal(nonce, ad, 0, ad.length, cookie, 0, cookie.length, sealed, 0);
        return new CookieReply(initiation.senderIndex(), Octets.of(nonce), Octets.of(sealed));
    }

    /** Reads message 1: for IK it says who the initiator is (checked), for XX it is only a key and zeros. */
    Read read(Initiation initiation) throws Refused {
        NoisePattern pattern = initiation.type() == FrameType.INITIATION_IK ? NoisePattern.IK : NoisePattern.XX;
        NoiseHandshake noise = NoiseHandshake.responder(pattern, PROLOGUE, self.agreement(), ephemerals);
        try {
            byte[] payload = noise.readMessage(initiation.noise().toByteArray());
            if (pattern == NoisePattern.XX) {
                for (byte b : payload) {
                    if (b != 0) {
                        throw new Refused(LinkTable.Drop.BAD_HANDSHAKE, "XX padding is not zeros");
                    }
                }
                return new Read(initiation, noise, null, null);
            }
            Octets peerStatic = Octets.of(noise.remoteStatic());
            return new Read(initiation, noise, verified(payload, peerStatic), peerStatic);
        } catch (CryptoException e) {
            throw new Refused(LinkTable.Drop.BAD_HANDSHAKE, e.getMessage());
        }
    }

    /** Writes message 2 for {@code read} in the conversation {@code linkId}, under this side's {@code localIndex}. */
    Answered answer(Read read, int localIndex, long linkId, long now) throws Refused {
        try {
            boolean ik = read.initiation().type() == FrameType.INITIATION_IK;
            byte[] message = read.noise().writeMessage(self.payload(linkId, now).encode());
            byte[] response = PeerFrameCodec.encode(new Response(ik ? FrameType.RESPONSE_IK : FrameType.RESPONSE_XX,
                    localIndex, read.initiation().senderIndex(), Octets.of(message)));
            if (!ik) {
                return new Answered(response, null, read.noise());
            }
            NoiseHandshake.Split keys = read.noise().split();
            return new Answered(response, new Keypair(localIndex, read.initiation().senderIndex(), false,
                    keys.responderToInitiator(), keys.initiatorToResponder(), now), null);
        } catch (CryptoException e) {
            throw new Refused(LinkTable.Drop.BAD_HANDSHAKE, e.getMessage());
        }
    }

    /**
     * Reads XX message 3: who the initiator is (checked), and the keys. A message 3 that is refused leaves
     * {@code waiting} as it was, for the genuine one.
     */
    Completed finish(NoiseHandshake waiting, int localIndex, int initiatorIndex, Finish finish, long now)
            throws Refused {
        try {
            HandshakePayload peer;
            Octets peerStatic;
            NoiseHandshake.Checkpoint before = waiting.checkpoint();
            try {
                byte[] payload = waiting.readMessage(finish.noise().toByteArray());
                peerStatic = Octets.of(waiting.remoteStatic());
                peer = verified(payload, peerStatic);
            } catch (Refused refused) {
                waiting.restore(before);
                throw refused;
            } finally {
                before.wipe();
            }
            NoiseHandshake.Split keys = waiting.split();
            return new Completed(new Keypair(localIndex, initiatorIndex, false, keys.responderToInitiator(),
                    keys.initiatorToResponder(), now), peer, peerStatic, null);
        } catch (CryptoException e) {
            throw new Refused(LinkTable.Drop.BAD_HANDSHAKE, e.getMessage());
        }
    }

    /**
     * The payload, once its identity key signed the binding of the static key Noise authenticated and the name: so
     * the handshake proved possession of a key that identity vouches for.
     */
    static HandshakePayload verified(byte[] payload, Octets peerStatic) throws Refused {
        HandshakePayload peer;
        try {
            peer = HandshakePayload.decode(payload);
        } catch (ProtocolException e) {
            throw new Refused(LinkTable.Drop.BAD_HANDSHAKE, e.getMessage());
        }
        // Every honest peer goes by a name of the rule (its own start checks it): one outside it is never kept,
        // so it can never damage the contacts file.
        String problem = Names.problem(peer.name());
        if (problem != null) {
            throw new Refused(LinkTable.Drop.BAD_HANDSHAKE, "name '" + peer.name() + "': " + problem);
        }
        if (!Identity.verify(peer.identityKey(), HandshakePayload.binding(peerStatic, peer.name()),
                peer.bindingSignature())) {
            throw new Refused(LinkTable.Drop.BAD_SIGNATURE, "the binding does not verify with "
                    + peer.identityKey());
        }
        return peer;
    }

    private static FrameType frameType(NoisePattern pattern) {
        return pattern == NoisePattern.IK ? FrameType.INITIATION_IK : FrameType.INITIATION_XX;
    }
}
