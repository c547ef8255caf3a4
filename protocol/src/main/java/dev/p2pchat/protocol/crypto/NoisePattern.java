package dev.p2pchat.protocol.crypto;

import java.util.List;

/**
 * The Noise handshake patterns p2pchat speaks (rev 34 sections 7.4 and 7.5), each with X25519, ChaChaPoly and
 * SHA-256. Each ends with each side holding the other's static key; X, the one-way pattern, in one message.
 */
public enum NoisePattern {
    /** {@code <- s ... -> e, es, s, ss; <- e, ee, se}: the initiator already knows the responder's static key. */
    IK("Noise_IK_25519_ChaChaPoly_SHA256", true,
            List.of(List.of(Token.E, Token.ES, Token.S, Token.SS), List.of(Token.E, Token.EE, Token.SE))),
    /** {@code -> e; <- e, ee, s, es; -> s, se}: neither side knows the other's static key beforehand. */
    XX("Noise_XX_25519_ChaChaPoly_SHA256", false,
            List.of(List.of(Token.E), List.of(Token.E, Token.EE, Token.S, Token.ES), List.of(Token.S, Token.SE))),
    /**
     * {@code <- s ... -> e, es, s, ss}: one message from a sender who knows the recipient's static key, which seals
     * mail for a recipient that is not there to answer. It has no forward secrecy for the recipient's key and no
     * replay protection of its own (the receiver dedups by message id).
     */
    X("Noise_X_25519_ChaChaPoly_SHA256", true, List.of(List.of(Token.E, Token.ES, Token.S, Token.SS)));

    /** A pattern token: send or receive a key, or mix a Diffie-Hellman result into the keys. */
    enum Token { E, S, EE, ES, SE, SS }

    private final String protocolName;
    private final boolean responderStaticKnown;
    private final List<List<Token>> messages;

    NoisePattern(String protocolName, boolean responderStaticKnown, List<List<Token>> messages) {
        this.protocolName = protocolName;
        this.responderStaticKnown = responderStaticKnown;
        this.messages = messages;
    }

    /** The full Noise protocol name, hashed into the initial handshake state. */
    public String protocolName() {
        return protocolName;
    }

    /** Whether the pattern has the pre-message {@code <- s}: the initiator starts with the responder's key. */
    boolean responderStaticKnown() {
        return responderStaticKnown;
    }

    /** The tokens of each message in order; even indexes are the initiator's. */
    List<List<Token>> messages() {
        return messages;
    }
}
