package dev.p2pchat.protocol.peer;

/** What a DATA message carries; every kind travels reliably and in order. */
public enum ContentKind {
    /** A direct chat message: its id, when it was written, UTF-8 text ({@link ChatContent}). */
    TEXT(1),
    /** A chat message sent to every connected peer, laid out as TEXT. */
    BROADCAST(2),
    /** The sender now goes by another name: the new name, ASCII. */
    NAME_CHANGED(3),
    /** The sender asks to become friends: an optional note, UTF-8. */
    FRIEND_REQUEST(4),
    /** The sender accepts a friend request: empty. */
    FRIEND_ACCEPT(5),
    /** The sender declines a friend request: empty. */
    FRIEND_DECLINE(6),
    /** The sender is no longer a friend: empty. */
    FRIEND_REMOVE(7),
    /** The sender stored the chat messages it names: their ids ({@link ChatContent}). */
    RECEIPT(8);

    private static final ContentKind[] BY_CODE = new ContentKind[256];

    static {
        for (ContentKind kind : values()) {
            BY_CODE[kind.code] = kind;
        }
    }

    private final int code;

    ContentKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The kind for a code byte, or {@code null} when this version defines none. */
    public static ContentKind ofCode(int code) {
        return BY_CODE[code & 0xFF];
    }
}
