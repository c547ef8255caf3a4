package dev.p2pchat.protocol.crypto;

import dev.p2pchat.protocol.crypto.NoisePattern.Token;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The Noise Protocol Framework (revision 34) handshake for {@code Noise_IK_25519_ChaChaPoly_SHA256} and
 * {@code Noise_XX_25519_ChaChaPoly_SHA256}, either role, without PSKs.
 *
 * <p>Only the handshake is Noise's: {@link #split} hands the two transport keys to the caller, which seals each
 * datagram with {@link ChaChaPoly} under an explicit counter sent in the clear header (as WireGuard does), because
 * datagrams are lost and reordered and Noise's implicit nonce assumes neither.
 *
 * <p>A message that fails to read changes nothing: the handshake is as it was before, and the genuine message can
 * still be read (as WireGuard, which commits a handshake's state only once a message checks out), so a forged
 * message to a handshake in progress, made by anyone who saw it start, cannot end it. What the caller checks of a
 * payload after reading it can be undone the same way: {@link #checkpoint} before the read, {@link #restore} when
 * the payload is refused. Any other failure (a {@link CryptoException} while writing, or any other exception from
 * inside a method) is final: every method then throws {@link IllegalStateException}, so nothing half-done can be
 * used; start a new handshake. Messages must be exchanged in the pattern's order: writing when a read is due, or
 * anything after completion, throws {@link IllegalStateException}. Not thread-safe.
 */
public final class NoiseHandshake {
    /** Noise's limit on a message (rev 34 section 3); the caller checks its own, smaller, datagram limit first. */
    public static final int MAX_MESSAGE_SIZE = 65535;

    private static final int KEY_SIZE = X25519.KEY_SIZE;
    private static final int TAG_SIZE = ChaChaPoly.TAG_SIZE;

    /** Which side of the handshake: the initiator writes the first message. */
    private enum Role { INITIATOR, RESPONDER }

    /** The transport keys of a finished handshake, one per direction. */
    public static final class Split {
        private final byte[] initiatorToResponder;
        private final byte[] responderToInitiator;

        private Split(byte[] initiatorToResponder, byte[] responderToInitiator) {
            this.initiatorToResponder = initiatorToResponder;
            this.responderToInitiator = responderToInitiator;
        }

        public byte[] initiatorToResponder() {
            return initiatorToResponder.clone();
        }

        public byte[] responderToInitiator() {
            return responderToInitiator.clone();
        }
    }

    private final NoisePattern pattern;
    private final Role role;
    private final X25519.KeyPair localStatic;
    private final Supplier<X25519.KeyPair> ephemerals;
    private final SymmetricState symmetric;
    private X25519.KeyPair localEphemeral;
    private byte[] remoteStatic;
    private byte[] remoteEphemeral;
    private int nextMessage;
    private boolean failed;
    private boolean wasSplit;

    private NoiseHandshake(NoisePattern pattern, Role role, byte[] prologue, X25519.KeyPair localStatic,
            byte[] remoteStatic, Supplier<X25519.KeyPair> ephemerals) {
        this.pattern = Objects.requireNonNull(pattern, "pattern");
        this.role = role;
        this.localStatic = Objects.requireNonNull(localStatic, "localStatic");
        this.ephemerals = Objects.requireNonNull(ephemerals, "ephemerals");
        this.remoteStatic = remoteStatic;
        symmetric = new SymmetricState(pattern.protocolName());
        symmetric.mixHash(prologue);
        if (pattern.responderStaticKnown()) {
            symmetric.mixHash(role == Role.INITIATOR ? remoteStatic : localStatic.publicKey());
        }
    }

    /**
     * An initiator. {@code remoteStatic} is the responder's public key for {@link NoisePattern#IK} and
     * {@code null} for {@link NoisePattern#XX}. {@code ephemerals} gives a fresh key pair each call (production:
     * {@code () -> X25519.generate(random)}); the handshake destroys it once split, once it failed, or when
     * {@link #destroy}ed. {@code localStatic} stays the caller's.
     */
    public static NoiseHandshake initiator(NoisePattern pattern, byte[] prologue, X25519.KeyPair localStatic,
            byte[] remoteStatic, Supplier<X25519.KeyPair> ephemerals) {
        if (pattern.responderStaticKnown() != (remoteStatic != null)) {
            throw new IllegalArgumentException(pattern + " initiator " + (remoteStatic == null ? "needs" : "takes no")
                    + " remote static key");
        }
        if (remoteStatic != null && remoteStatic.length != KEY_SIZE) {
            throw new IllegalArgumentException("an X25519 public key has " + KEY_SIZE + " bytes");
        }
        return new NoiseHandshake(pattern, Role.INITIATOR, prologue, localStatic,
                remoteStatic == null ? null : remoteStatic.clone(), ephemerals);
    }

    /** A responder; see {@link #initiator} for the arguments. */
    public static NoiseHandshake responder(NoisePattern pattern, byte[] prologue, X25519.KeyPair localStatic,
            Supplier<X25519.KeyPair> ephemerals) {
        return new NoiseHandshake(pattern, Role.RESPONDER, prologue, localStatic, null, ephemerals);
    }

    /**
     * The next handshake message, carrying {@code payload} (encrypted once a key is agreed; the first XX message
     * carries it in the clear).
     *
     * @throws CryptoException if a Diffie-Hellman result is all zeros (the peer's key is of low order)
     * @throws IllegalArgumentException if the message would exceed {@value #MAX_MESSAGE_SIZE} bytes
     */
    public byte[] writeMessage(byte[] payload) throws CryptoException {
        List<Token> tokens = nextTokens(true);
        int size = messageSize(tokens, payload.length);
        if (size > MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException(size + " bytes exceed the Noise limit of " + MAX_MESSAGE_SIZE);
        }
        byte[] message = new byte[size];
        boolean done = false;
        try {
            int position = 0;
            for (Token token : tokens) {
                if (token == Token.E) {
                    localEphemeral = ephemerals.get();
                    byte[] publicKey = localEphemeral.publicKey();
                    System.arraycopy(publicKey, 0, message, position, KEY_SIZE);
                    symmetric.mixHash(publicKey);
                    position += KEY_SIZE;
                } else if (token == Token.S) {
                    position += symmetric.encryptAndHash(localStatic.publicKey(), message, position);
                } else {
                    mixDiffieHellman(token);
                }
            }
            symmetric.encryptAndHash(payload, message, position);
            nextMessage++;
            done = true;
        } finally {
            if (!done) {
                fail();
            }
        }
        return message;
    }

    /**
     * The payload of the next handshake message, after checking its length and every tag in it. When it throws
     * {@link CryptoException} the handshake is as it was before the call.
     *
     * @throws CryptoException if the message is too short for the keys and tags it must hold (or longer than
     *     {@value #MAX_MESSAGE_SIZE}), a tag does not verify, or a Diffie-Hellman result is all zeros
     */
    public byte[] readMessage(byte[] message) throws CryptoException {
        List<Token> tokens = nextTokens(false);
        Checkpoint before = checkpoint();
        boolean done = false;
        try {
            int minimum = messageSize(tokens, 0);
            if (message.length < minimum || message.length > MAX_MESSAGE_SIZE) {
                throw new CryptoException(CryptoException.Reason.BAD_LENGTH,
                        message.length + " bytes, this message has " + minimum + " to " + MAX_MESSAGE_SIZE);
            }
            int position = 0;
            for (Token token : tokens) {
                if (token == Token.E) {
                    remoteEphemeral = Arrays.copyOfRange(message, position, position + KEY_SIZE);
                    symmetric.mixHash(remoteEphemeral);
                    position += KEY_SIZE;
                } else if (token == Token.S) {
                    int length = KEY_SIZE + (symmetric.hasKey() ? TAG_SIZE : 0);
                    remoteStatic = symmetric.decryptAndHash(message, position, length);
                    position += length;
                } else {
                    mixDiffieHellman(token);
                }
            }
            byte[] payload = symmetric.decryptAndHash(message, position, message.length - position);
            nextMessage++;
            done = true;
            return payload;
        } catch (CryptoException e) {
            restore(before);
            done = true;
            throw e;
        } finally {
            if (!done) {
                fail();
            }
            before.wipe();
        }
    }

    /**
     * The state between two messages, to {@link #restore} when the message read after it is refused for what its
     * payload says. Wipe it once it is not needed.
     */
    public Checkpoint checkpoint() {
        checkNotFailed();
        if (wasSplit) {
            throw new IllegalStateException("the handshake was split already");
        }
        return new Checkpoint(this, symmetric.save(), remoteStatic, remoteEphemeral, nextMessage);
    }

    /**
     * Goes back to {@code checkpoint}, taken of this handshake with no message written since: going back past a
     * write would make the next write seal under a key and nonce used already.
     */
    public void restore(Checkpoint checkpoint) {
        checkNotFailed();
        if (wasSplit) {
            throw new IllegalStateException("the handshake was split already");
        }
        if (checkpoint.of != this) {
            throw new IllegalArgumentException("a checkpoint of another handshake");
        }
        boolean oneReadSince = nextMessage == checkpoint.nextMessage + 1
                && (checkpoint.nextMessage % 2 == 0) == (role == Role.RESPONDER);
        if (nextMessage != checkpoint.nextMessage && !oneReadSince) {
            throw new IllegalStateException("a message was written since the checkpoint");
        }
        symmetric.restore(checkpoint.symmetric);
        remoteStatic = checkpoint.remoteStatic;
        remoteEphemeral = checkpoint.remoteEphemeral;
        nextMessage = checkpoint.nextMessage;
    }

    /** A handshake's state between two messages; see {@link #checkpoint}. */
    public static final class Checkpoint {
        private final NoiseHandshake of;
        private final SymmetricState.Saved symmetric;
        private final byte[] remoteStatic;
        private final byte[] remoteEphemeral;
        private final int nextMessage;

        private Checkpoint(NoiseHandshake of, SymmetricState.Saved symmetric, byte[] remoteStatic,
                byte[] remoteEphemeral, int nextMessage) {
            this.of = of;
            this.symmetric = symmetric;
            this.remoteStatic = remoteStatic;
            this.remoteEphemeral = remoteEphemeral;
            this.nextMessage = nextMessage;
        }

        /** Wipes the chaining key it holds; it cannot be restored after. */
        public void wipe() {
            symmetric.wipe();
        }
    }

    /** Whether every handshake message has been written or read; {@link #split} is then due. */
    public boolean isComplete() {
        return !failed && nextMessage == pattern.messages().size();
    }

    /** The peer's static public key: known from the start (IK initiator) or once the message carrying it is read. */
    public byte[] remoteStatic() {
        checkNotFailed();
        if (remoteStatic == null) {
            throw new IllegalStateException("the remote static key is not known yet");
        }
        return remoteStatic.clone();
    }

    /** Noise's handshake hash {@code h}: identifies this session for channel binding. Only once complete. */
    public byte[] handshakeHash() {
        checkComplete();
        return symmetric.handshakeHash();
    }

    /** The transport keys; once, when complete. The chaining key is wiped. */
    public Split split() {
        checkComplete();
        if (wasSplit) {
            throw new IllegalStateException("the handshake was split already");
        }
        wasSplit = true;
        destroyEphemeral();
        byte[][] keys = symmetric.split();
        return new Split(keys[0], keys[1]);
    }

    private List<Token> nextTokens(boolean writing) {
        checkNotFailed();
        if (nextMessage == pattern.messages().size()) {
            throw new IllegalStateException("the handshake is complete");
        }
        boolean initiatorsTurn = nextMessage % 2 == 0;
        if (writing != (initiatorsTurn == (role == Role.INITIATOR))) {
            throw new IllegalStateException("the " + role + " must " + (writing ? "read" : "write") + " message "
                    + (nextMessage + 1) + " of " + pattern);
        }
        return pattern.messages().get(nextMessage);
    }

    /** The size of a message of {@code tokens} with the payload: every key, and a tag for each after a DH. */
    private int messageSize(List<Token> tokens, int payloadLength) {
        boolean keyed = symmetric.hasKey();
        int size = 0;
        for (Token token : tokens) {
            if (token == Token.E) {
                size += KEY_SIZE;
            } else if (token == Token.S) {
                size += KEY_SIZE + (keyed ? TAG_SIZE : 0);
            } else {
                keyed = true;
            }
        }
        return size + payloadLength + (keyed ? TAG_SIZE : 0);
    }

    private void mixDiffieHellman(Token token) throws CryptoException {
        boolean initiator = role == Role.INITIATOR;
        symmetric.mixKey(switch (token) {
            case EE -> localEphemeral.agree(remoteEphemeral);
            case ES -> initiator ? localEphemeral.agree(remoteStatic) : localStatic.agree(remoteEphemeral);
            case SE -> initiator ? localStatic.agree(remoteEphemeral) : localEphemeral.agree(remoteStatic);
            case SS -> localStatic.agree(remoteStatic);
            default -> throw new IllegalArgumentException(token + " is not a Diffie-Hellman token");
        });
    }

    /** Abandons the handshake: its ephemeral key is wiped, and every method throws from now on. */
    public void destroy() {
        fail();
    }

    private void fail() {
        failed = true;
        destroyEphemeral();
    }

    private void destroyEphemeral() {
        if (localEphemeral != null) {
            localEphemeral.destroy();
        }
    }

    private void checkNotFailed() {
        if (failed) {
            throw new IllegalStateException("the handshake failed; start a new one");
        }
    }

    private void checkComplete() {
        if (!isComplete()) {
            checkNotFailed();
            throw new IllegalStateException("the handshake is not complete");
        }
    }
}
