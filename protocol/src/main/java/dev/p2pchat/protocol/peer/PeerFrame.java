package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;

/**
 * Every datagram one peer sends another, one record per type: at most {@link Wire#MAX_PEER_DATAGRAM_SIZE} bytes, so
 * that it can travel directly or, whole, inside the tracker's relay. {@link PeerFrameCodec} turns them into bytes and
 * back; records validate their fields on construction, so every record can be encoded.
 */
public sealed interface PeerFrame {

    FrameType type();

    /** A greeting signed with the sender's Ed25519 identity key over every byte before the signature. */
    sealed interface Signed extends PeerFrame, dev.p2pchat.protocol.Signed {
        @Override
        Signed withSignature(Octets signature);

        @Override
        default byte[] signedBytes() {
            return PeerFrameCodec.signedBytes(this);
        }
    }

    /** A message between peers; {@code session} is the id the receiver chose for this conversation. */
    sealed interface PeerMessage extends PeerFrame {
        long session();
    }

    /**
     * Opens (or re-opens) a conversation and punches the sender's NAT towards the receiver. {@code session} is the
     * id the sender chose: the receiver puts it in everything it sends back, so an off-path sender who cannot see
     * it cannot inject into the conversation. {@code nonce} is the challenge the HELLO_ACK must sign.
     */
    record Hello(
            long session,
            long nonce,
            String name,
            Octets identityKey,
            Octets agreementKey,
            int capabilities,
            Octets signature)
            implements Signed {
        public Hello {
            requireGreeting(name, identityKey, agreementKey, signature);
        }

        @Override
        public FrameType type() {
            return FrameType.HELLO;
        }

        @Override
        public Hello withSignature(Octets signature) {
            return new Hello(session, nonce, name, identityKey, agreementKey, capabilities, signature);
        }
    }

    /**
     * Answers a HELLO: signs the HELLO's {@code nonce} with the responder's key (proving it holds the key) and
     * gives the responder's own {@code session} id.
     */
    record HelloAck(
            long session,
            long nonce,
            String name,
            Octets identityKey,
            Octets agreementKey,
            int capabilities,
            Octets signature)
            implements Signed {
        public HelloAck {
            requireGreeting(name, identityKey, agreementKey, signature);
        }

        @Override
        public FrameType type() {
            return FrameType.HELLO_ACK;
        }

        @Override
        public HelloAck withSignature(Octets signature) {
            return new HelloAck(session, nonce, name, identityKey, agreementKey, capabilities, signature);
        }
    }

    /** The fields HELLO and HELLO_ACK share: who the sender is, and its signature. */
    private static void requireGreeting(String name, Octets identityKey, Octets agreementKey, Octets signature) {
        Names.requireWireName(name, false, "name");
        Octets.requireLength(identityKey, Wire.KEY_SIZE, "identityKey");
        Octets.requireLength(agreementKey, Wire.KEY_SIZE, "agreementKey");
        Octets.requireLength(signature, Wire.SIGNATURE_SIZE, "signature");
    }

    /** Asks for a PONG: liveness of an idle path and a round-trip sample. */
    record Ping(long session, int sequence) implements PeerMessage {
        @Override
        public FrameType type() {
            return FrameType.PING;
        }
    }

    /** Answers the PING with the same {@code sequence}. */
    record Pong(long session, int sequence) implements PeerMessage {
        @Override
        public FrameType type() {
            return FrameType.PONG;
        }
    }

    /**
     * One fragment of a chat message. Messages are numbered per conversation and direction from 1, so the
     * receiver keeps the sender's order and recognises duplicates; a message of up to
     * {@value PeerWire#MAX_MESSAGE_SIZE} bytes travels in at most {@value PeerWire#MAX_FRAGMENTS} fragments.
     *
     * <p>On the wire every fragment but the last carries exactly {@value PeerWire#MAX_FRAGMENT_PAYLOAD} bytes, and
     * {@link PeerFrameCodec#decode} refuses one that does not. The record itself does not insist, so that the
     * reassembly logic can be exercised with small fragments; a sender must cut messages that way.
     */
    record Data(long session, long messageId, ContentKind kind, int fragment, int fragments, Octets payload)
            implements PeerMessage {
        public Data {
            if (kind == null || payload == null) {
                throw new NullPointerException(kind == null ? "kind" : "payload");
            }
            if (fragments < 1 || fragments > PeerWire.MAX_FRAGMENTS || fragment < 0 || fragment >= fragments) {
                throw new IllegalArgumentException("fragment " + fragment + " of " + fragments);
            }
            if (payload.length() > PeerWire.MAX_FRAGMENT_PAYLOAD) {
                throw new IllegalArgumentException("fragment payload of " + payload.length() + " bytes");
            }
        }

        @Override
        public FrameType type() {
            return FrameType.DATA;
        }
    }

    /** Acknowledges one fragment of a message. */
    record Ack(long session, long messageId, int fragment) implements PeerMessage {
        public Ack {
            if (fragment < 0 || fragment >= PeerWire.MAX_FRAGMENTS) {
                throw new IllegalArgumentException("fragment " + fragment);
            }
        }

        @Override
        public FrameType type() {
            return FrameType.ACK;
        }
    }

    /** The sender closes the conversation (a clean exit or a disconnect). */
    record Goodbye(long session) implements PeerMessage {
        @Override
        public FrameType type() {
            return FrameType.GOODBYE;
        }
    }
}
