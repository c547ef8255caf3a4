package dev.p2pchat.peer.api;

/** A budget that keeps what strangers can make this peer hold or do bounded; reaching one is reported. */
public enum LimitKind {
    /** Friend requests waiting for an answer: the oldest was dropped to make room. */
    FRIEND_REQUESTS("friend requests waiting for an answer", "the oldest was dropped"),
    /** Conversations in all: a handshake was not answered. */
    CONVERSATIONS("conversations", "a new one was not answered"),
    /** Conversations with strangers: a stranger's handshake was not answered. */
    STRANGER_CONVERSATIONS("conversations with peers that are not friends", "a new one was not answered"),
    /** Stored messages from peers that are not friends: the oldest of them were deleted. */
    STRANGER_MESSAGES("stored messages from peers that are not friends", "the oldest of them were deleted"),
    /** Chat messages waiting for their receivers: a new one was refused. */
    QUEUED_MESSAGES("chat messages waiting for their receivers", "a new one was refused"),
    /** Receipts by mail to peers that are neither friends nor written to, in 7 days: one more was not mailed. */
    STRANGER_MAIL_RECEIPTS("receipts by mail to peers that are not friends, in 7 days",
            "one more was not mailed (it goes when the two meet)"),
    /** Introductions to strangers being tried: one more was not tried. */
    INTRODUCTIONS("introductions to peers that are not friends being tried", "one more was not tried");

    private final String what;
    private final String consequence;

    LimitKind(String what, String consequence) {
        this.what = what;
        this.consequence = consequence;
    }

    /** What is counted, in words: "friend requests waiting for an answer". */
    public String what() {
        return what;
    }

    /** What happened at the limit, in words. */
    public String consequence() {
        return consequence;
    }
}
