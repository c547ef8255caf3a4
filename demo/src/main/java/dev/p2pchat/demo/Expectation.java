package dev.p2pchat.demo;

import java.util.Set;

/**
 * One message the demo must deliver: {@code receiver} shows {@code text} from {@code sender}, who may go by any of
 * {@code senderNames} by then (scripts rename peers).
 */
record Expectation(String receiver, String sender, Set<String> senderNames, String text, boolean broadcast) {
    Expectation {
        senderNames = Set.copyOf(senderNames);
    }

    /** Whether a message line that {@code peer} printed is this one. */
    boolean matches(String peer, String from, String shownText, boolean shownBroadcast) {
        return receiver.equals(peer) && text.equals(shownText) && broadcast == shownBroadcast
                && senderNames.contains(from);
    }

    @Override
    public String toString() {
        return receiver + " receiving " + sender + "'s " + (broadcast ? "broadcast" : "message") + " \"" + text + "\"";
    }
}
