package dev.p2pchat.peer.api;

import dev.p2pchat.protocol.tracker.ErrorCode;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/** Something that happened to a running peer, in the order it happened. */
public sealed interface PeerEvent {
    /** Registered with the tracker (again), which sees this peer at {@code observed}. */
    record Registered(String name, InetSocketAddress observed) implements PeerEvent {}

    /** The tracker refused the name for good (another key holds it, or it is invalid). */
    record RegistrationRefused(String name, ErrorCode code) implements PeerEvent {}

    /** The tracker did not register this peer for now ({@code code}); it is asked again in {@code retrySeconds}. */
    record RegistrationDeferred(String name, ErrorCode code, long retrySeconds) implements PeerEvent {}

    /**
     * The tracker at {@code tracker} proved it holds {@code key} on first contact; the key is pinned in the data
     * directory, and from now on only a tracker holding it is believed there.
     */
    record TrackerPinned(String tracker, String key) implements PeerEvent {}

    /**
     * The tracker's address answered with the key {@code presented}, not the trusted {@code expected}: an impostor,
     * or a tracker whose key was replaced. Nothing is registered with it until its operator's key is given again.
     */
    record TrackerUntrusted(String tracker, String expected, String presented) implements PeerEvent {}

    /**
     * A peer that is not a friend connected under the name of {@code friends} (another key): it is shown marked,
     * never taken for them, and what is meant for them never goes to it.
     */
    record Lookalike(PeerRef peer, List<PeerRef> friends) implements PeerEvent {}

    /**
     * A budget that bounds what strangers can make this peer do was reached {@code times} times since the last such
     * report (at most one per budget every few seconds).
     */
    record LimitReached(LimitKind kind, int limit, long times) implements PeerEvent {}

    /** Another peer looked this one up; both now send handshake initiations so that their NATs open. */
    record Introduced(PeerRef peer, InetSocketAddress observed) implements PeerEvent {}

    /**
     * A conversation opened: {@code peer} proved its key and can be messaged, directly at {@code address}, or
     * through the tracker's relay when {@code address} is null.
     */
    record Connected(PeerRef peer, InetSocketAddress address) implements PeerEvent {}

    /**
     * A conversation moved: to a direct path at {@code address} (a punch worked, or the peer's NAT mapping changed),
     * or onto the tracker's relay when {@code address} is null (the direct path fell silent).
     */
    record PathChanged(PeerRef peer, InetSocketAddress address) implements PeerEvent {}

    /** An attempt to reach {@code target} (a name or an address) ended without a conversation. */
    record ConnectFailed(String target, String reason) implements PeerEvent {}

    /** An open conversation ended (a goodbye, silence, a block, a restart of the other side). */
    record Disconnected(PeerRef peer, String reason) implements PeerEvent {}

    /**
     * A chat message, stored and shown once, in the sender's order.
     *
     * @param sentAt when the sender wrote it, by the sender's clock
     */
    record MessageReceived(PeerRef from, MessageId id, Instant sentAt, String text, boolean broadcast)
            implements PeerEvent {}

    /** A message from someone who is not a friend, stored and held back because this peer accepts friends only. */
    record MessageHeld(PeerRef from, MessageId id, Instant sentAt, String text, boolean broadcast)
            implements PeerEvent {}

    /** The peer's link took message {@code id}; it is delivered once the peer says it stored it. */
    record Sent(PeerRef to, MessageId id) implements PeerEvent {}

    /** The peer stored message {@code id} (for a friend request or an answer to one: its link took it). */
    record Delivered(PeerRef to, MessageId id) implements PeerEvent {}

    /**
     * Message {@code id} to {@code to} (a name, or a peer's name and fingerprint) will not be delivered: it was
     * cancelled or expired (a chat message), or its conversation ended (a friend request or an answer to one).
     */
    record Failed(String to, MessageId id, String reason) implements PeerEvent {}

    /**
     * Something could not be written to the data directory's database ({@code what}: a message from a peer, which was
     * then neither shown nor acknowledged, so its sender sends it again later), for {@code problem}.
     */
    record StoreFailed(String what, String problem) implements PeerEvent {}

    /** A peer now goes by {@code peer.name()}. */
    record Renamed(PeerRef peer, String oldName) implements PeerEvent {}

    record FriendRequested(PeerRef from, String note) implements PeerEvent {}

    record FriendAccepted(PeerRef by) implements PeerEvent {}

    record FriendDeclined(PeerRef by) implements PeerEvent {}

    record FriendRemoved(PeerRef by) implements PeerEvent {}
}
