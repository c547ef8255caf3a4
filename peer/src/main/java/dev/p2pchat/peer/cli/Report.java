package dev.p2pchat.peer.cli;

/**
 * One thing the command line tells its user: an event from the peer or the result of a command, readable as text
 * (one or more lines; null for what only the JSON stream shows) and as one JSON object with an {@code "event"} field.
 */
record Report(String text, Json json) {
    static Report error(String message) {
        return new Report("error: " + Text.safe(message), Json.event("error").put("message", message));
    }
}
