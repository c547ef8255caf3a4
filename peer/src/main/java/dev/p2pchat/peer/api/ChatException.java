package dev.p2pchat.peer.api;

/** A request this peer cannot carry out, with a message meant for the user; nothing was changed. */
public final class ChatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ChatException(String message) {
        super(message);
    }
}
