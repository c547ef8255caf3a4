package dev.p2pchat.peer.api;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.peer.ChatContent;
import java.util.random.RandomGenerator;

/**
 * A message's identity: 128 random bits its sender chose, the same on every path and every resend. Shown to people
 * by its first {@value #SHORT_DIGITS} hex digits, which name it among the messages of one peer.
 */
public record MessageId(Octets bytes) {
    public static final int SHORT_DIGITS = 8;

    public MessageId {
        Octets.requireLength(bytes, ChatContent.ID_SIZE, "message id");
    }

    public static MessageId random(RandomGenerator random) {
        byte[] bytes = new byte[ChatContent.ID_SIZE];
        do {
            random.nextBytes(bytes);
        } while (Octets.of(bytes).isAllZeros());
        return new MessageId(Octets.of(bytes));
    }

    public static MessageId fromHex(String hex) {
        return new MessageId(Octets.fromHex(hex));
    }

    /** All 32 hex digits. */
    public String hex() {
        return bytes.toHex();
    }

    /** The first {@value #SHORT_DIGITS} hex digits, as people see it. */
    public String shortForm() {
        return hex().substring(0, SHORT_DIGITS);
    }

    @Override
    public String toString() {
        return shortForm();
    }
}
