package dev.p2pchat.peer.link;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.ChaChaPoly;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.NoiseHandshake;
import dev.p2pchat.protocol.crypto.NoisePattern;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.HandshakePayload;
import dev.p2pchat.protocol.peer.PeerWire;
import dev.p2pchat.protocol.tracker.TrackerWire;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Mail for a peer that is not there to answer: one chat content sealed once to the recipient's X25519 key, so only
 * the recipient opens it and it knows the sender by a key bound to the sender's identity (the binding signature of
 * the link handshakes), then cut into pieces that each fit a DEPOSIT. The seal is a Noise X message
 * ({@code -> e, es, s, ss}) whose payload names the sender and the content's kind, followed by the content sealed
 * with the first transport key Noise X splits into (ChaCha20-Poly1305, nonce 0, the handshake hash as associated
 * data): a content of 64 KiB is more than one Noise message may carry.
 * The tracker that keeps the pieces sees their sizes and the recipient's key, nothing else. Noise X has no replay
 * protection and no forward secrecy for the recipient's key: a receiver shows a message id once whatever path it
 * came by, and mail waits only until it is fetched.
 */
public final class MailSeal {
    static final byte[] PROLOGUE = "p2pchat mail v1".getBytes(StandardCharsets.US_ASCII);
    public static final int ENVELOPE_ID_SIZE = 16;
    /** Each piece starts with the envelope's id, its index and the count of pieces. */
    public static final int PIECE_HEADER_SIZE = ENVELOPE_ID_SIZE + 2;
    public static final int MAX_PIECE_BYTES = TrackerWire.MAX_MAIL_SIZE - PIECE_HEADER_SIZE;
    public static final int MAX_PIECES = 64;
    /** The Noise message: the ephemeral key, the encrypted static key, the payload (sender, kind) and its tag. */
    static final int NOISE_MESSAGE_SIZE = 32 + 32 + 16 + PeerWire.HANDSHAKE_PAYLOAD_SIZE + 1 + 16;
    /** The largest content one envelope seals: what 64 pieces hold. */
    public static final int MAX_CONTENT_SIZE = MAX_PIECES * MAX_PIECE_BYTES - NOISE_MESSAGE_SIZE
            - ChaChaPoly.TAG_SIZE;
    private static final byte[] FIRST_NONCE = new byte[ChaChaPoly.NONCE_SIZE];

    /** A piece as it travels, its header read. */
    public record Piece(Octets envelope, int index, int count, Octets bytes) {}

    /** An opened envelope: who sealed it (its identity proven by the binding) and what it carries. */
    public record Opened(Octets senderKey, String senderName, Octets senderAgreementKey, long sentAt,
            ContentKind kind, byte[] content) {}

    /** Mail that does not open, or is not what a sender seals: dropped, counted, deleted at the tracker. */
    public static final class Unopened extends Exception {
        private static final long serialVersionUID = 1L;

        Unopened(String detail) {
            super(detail, null, false, false);
        }
    }

    private final LocalPeer self;
    private final Supplier<X25519.KeyPair> ephemerals;
    private final RandomGenerator random;

    public MailSeal(LocalPeer self, Supplier<X25519.KeyPair> ephemerals, RandomGenerator random) {
        this.self = self;
        this.ephemerals = ephemerals;
        this.random = random;
    }

    /** Seals {@code content} of {@code kind} to {@code recipientAgreementKey}; the pieces to deposit, in order. */
    public List<Octets> seal(Octets recipientAgreementKey, ContentKind kind, byte[] content, long now) {
        if (content.length > MAX_CONTENT_SIZE) {
            throw new IllegalArgumentException("mail holds at most " + MAX_CONTENT_SIZE + " bytes of content");
        }
        byte[] payload = ByteBuffer.allocate(PeerWire.HANDSHAKE_PAYLOAD_SIZE + 1)
                .put(self.payload(0, now).encode())
                .put((byte) kind.code())
                .array();
        NoiseHandshake noise = NoiseHandshake.initiator(NoisePattern.X, PROLOGUE, self.agreement(),
                recipientAgreementKey.toByteArray(), ephemerals);
        byte[] sealed = new byte[NOISE_MESSAGE_SIZE + content.length + ChaChaPoly.TAG_SIZE];
        try {
            byte[] message = noise.writeMessage(payload);
            System.arraycopy(message, 0, sealed, 0, NOISE_MESSAGE_SIZE);
            byte[] hash = noise.handshakeHash();
            ChaChaPoly.forKey(noise.split().initiatorToResponder()).seal(FIRST_NONCE, hash, 0, hash.length,
                    content, 0, content.length, sealed, NOISE_MESSAGE_SIZE);
        } catch (CryptoException e) {
            throw new IllegalArgumentException("the recipient's key is of low order", e);
        } finally {
            noise.destroy();
        }
        byte[] envelope = new byte[ENVELOPE_ID_SIZE];
        random.nextBytes(envelope);
        int count = (sealed.length + MAX_PIECE_BYTES - 1) / MAX_PIECE_BYTES;
        List<Octets> pieces = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            int from = index * MAX_PIECE_BYTES;
            int length = Math.min(MAX_PIECE_BYTES, sealed.length - from);
            pieces.add(Octets.of(ByteBuffer.allocate(PIECE_HEADER_SIZE + length).put(envelope)
                    .put((byte) index).put((byte) count).put(sealed, from, length).array()));
        }
        return pieces;
    }

    /** Reads a piece's header; null when it is not a piece (too short, a bad index or count). */
    public static Piece piece(Octets mail) {
        if (mail.length() <= PIECE_HEADER_SIZE) {
            return null;
        }
        byte[] bytes = mail.toByteArray();
        int index = bytes[ENVELOPE_ID_SIZE] & 0xFF;
        int count = bytes[ENVELOPE_ID_SIZE + 1] & 0xFF;
        if (count < 1 || count > MAX_PIECES || index >= count) {
            return null;
        }
        return new Piece(Octets.of(bytes, 0, ENVELOPE_ID_SIZE), index, count,
                Octets.of(bytes, PIECE_HEADER_SIZE, bytes.length - PIECE_HEADER_SIZE));
    }

    /** Opens the envelope the pieces (all of them, in index order) make. */
    public Opened open(List<Piece> pieces) throws Unopened {
        int total = 0;
        for (Piece piece : pieces) {
            total += piece.bytes().length();
        }
        if (total < NOISE_MESSAGE_SIZE + ChaChaPoly.TAG_SIZE) {
            throw new Unopened("too short: " + total + " bytes");
        }
        ByteBuffer joined = ByteBuffer.allocate(total);
        pieces.forEach(piece -> joined.put(piece.bytes().toByteArray()));
        byte[] sealed = joined.array();
        NoiseHandshake noise = NoiseHandshake.responder(NoisePattern.X, PROLOGUE, self.agreement(), ephemerals);
        byte[] payload;
        Octets senderStatic;
        byte[] content = new byte[total - NOISE_MESSAGE_SIZE - ChaChaPoly.TAG_SIZE];
        try {
            payload = noise.readMessage(Arrays.copyOf(sealed, NOISE_MESSAGE_SIZE));
            senderStatic = Octets.of(noise.remoteStatic());
            byte[] hash = noise.handshakeHash();
            ChaChaPoly.forKey(noise.split().initiatorToResponder()).open(FIRST_NONCE, hash, 0, hash.length, sealed,
                    NOISE_MESSAGE_SIZE, total - NOISE_MESSAGE_SIZE, content, 0);
        } catch (CryptoException | IllegalArgumentException e) {
            throw new Unopened("does not open: " + e.getMessage());
        } finally {
            noise.destroy();
        }
        HandshakePayload sender;
        try {
            sender = Handshaker.verified(Arrays.copyOf(payload, PeerWire.HANDSHAKE_PAYLOAD_SIZE), senderStatic);
        } catch (Handshaker.Refused e) {
            throw new Unopened(e.getMessage());
        }
        ContentKind kind = ContentKind.ofCode(payload[PeerWire.HANDSHAKE_PAYLOAD_SIZE] & 0xFF);
        if (kind == null) {
            throw new Unopened("unknown content kind " + (payload[PeerWire.HANDSHAKE_PAYLOAD_SIZE] & 0xFF));
        }
        return new Opened(sender.identityKey(), sender.name(), senderStatic, sender.timestamp(), kind, content);
    }
}
