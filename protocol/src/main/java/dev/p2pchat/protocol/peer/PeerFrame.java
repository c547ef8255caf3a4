package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;

/**
 * The clear layer of every datagram one peer sends another, one record per type: at most
 * {@link Wire#MAX_PEER_DATAGRAM_SIZE} bytes, so that it can travel directly or, whole, inside the tracker's relay.
 * The handshake records carry Noise messages and the transport record a sealed link frame, all opaque here:
 * {@link PeerFrameCodec} checks the layout and the sizes, the link layer the cryptography.
 */
public sealed interface PeerFrame {

    FrameType type();

    /**
     * Noise message 1. {@code senderIndex} is the number the initiator chose for this handshake: the responder puts
     * it in its response and in every frame sealed with the keys it yields. {@code mac1} proves that the sender knows
     * the responder's static key (IK), {@code mac2} that it receives at its address, when the responder is under
     * load (zeros when it has no cookie).
     *
     * @param type {@link FrameType#INITIATION_IK} or {@link FrameType#INITIATION_XX}
     */
    record Initiation(FrameType type, int senderIndex, Octets noise, Octets mac1, Octets mac2) implements PeerFrame {
        public Initiation {
            if (type != FrameType.INITIATION_IK && type != FrameType.INITIATION_XX) {
                throw new IllegalArgumentException("not an initiation: " + type);
            }
            Octets.requireLength(noise, type == FrameType.INITIATION_IK ? PeerWire.NOISE_IK_1 : PeerWire.NOISE_XX_1,
                    "noise");
            Octets.requireLength(mac1, PeerWire.MAC_SIZE, "mac1");
            Octets.requireLength(mac2, PeerWire.MAC_SIZE, "mac2");
        }
    }

    /**
     * Noise message 2, to the initiator's {@code receiverIndex}; {@code senderIndex} is the responder's own for this
     * handshake.
     *
     * @param type {@link FrameType#RESPONSE_IK} or {@link FrameType#RESPONSE_XX}
     */
    record Response(FrameType type, int senderIndex, int receiverIndex, Octets noise) implements PeerFrame {
        public Response {
            if (type != FrameType.RESPONSE_IK && type != FrameType.RESPONSE_XX) {
                throw new IllegalArgumentException("not a response: " + type);
            }
            Octets.requireLength(noise, type == FrameType.RESPONSE_IK ? PeerWire.NOISE_IK_2 : PeerWire.NOISE_XX_2,
                    "noise");
        }
    }

    /** Noise XX message 3, to the responder's {@code receiverIndex}: the initiator's static key and payload. */
    record Finish(int receiverIndex, Octets noise) implements PeerFrame {
        public Finish {
            Octets.requireLength(noise, PeerWire.NOISE_XX_3, "noise");
        }

        @Override
        public FrameType type() {
            return FrameType.FINISH_XX;
        }
    }

    /**
     * A responder under load answers an initiation without a valid mac2 with the cookie for the initiation's source
     * address, sealed (under a key derived from its static key, with the initiation's mac1 as associated data) so
     * that only the initiator who sent that mac1 can use it. It is 52 bytes: far less than the initiation.
     */
    record CookieReply(int receiverIndex, Octets nonce, Octets sealedCookie) implements PeerFrame {
        public CookieReply {
            Octets.requireLength(nonce, PeerWire.COOKIE_NONCE_SIZE, "nonce");
            Octets.requireLength(sealedCookie, PeerWire.COOKIE_SIZE + PeerWire.TAG_SIZE, "sealedCookie");
        }

        @Override
        public FrameType type() {
            return FrameType.COOKIE_REPLY;
        }
    }

    /**
     * A sealed link frame to the keys the receiver knows as {@code receiverIndex}: ChaCha20-Poly1305 with
     * {@code counter} as nonce and the frame's first {@value PeerWire#TRANSPORT_HEADER_SIZE} bytes as associated data.
     */
    record Transport(int receiverIndex, long counter, Octets sealed) implements PeerFrame {
        public Transport {
            if (sealed == null) {
                throw new NullPointerException("sealed");
            }
            int size = PeerWire.TRANSPORT_HEADER_SIZE + sealed.length();
            if (size < PeerWire.MIN_TRANSPORT_SIZE || size > Wire.MAX_PEER_DATAGRAM_SIZE) {
                throw new IllegalArgumentException("a transport frame of " + size + " bytes");
            }
        }

        @Override
        public FrameType type() {
            return FrameType.TRANSPORT;
        }
    }
}
