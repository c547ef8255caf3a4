package dev.p2pchat.peer.cli;

import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.api.PeerEvent.ConnectFailed;
import dev.p2pchat.peer.api.PeerEvent.Connected;
import dev.p2pchat.peer.api.PeerEvent.Delivered;
import dev.p2pchat.peer.api.PeerEvent.Disconnected;
import dev.p2pchat.peer.api.PeerEvent.Failed;
import dev.p2pchat.peer.api.PeerEvent.FriendAccepted;
import dev.p2pchat.peer.api.PeerEvent.FriendDeclined;
import dev.p2pchat.peer.api.PeerEvent.FriendRemoved;
import dev.p2pchat.peer.api.PeerEvent.FriendRequested;
import dev.p2pchat.peer.api.PeerEvent.Introduced;
import dev.p2pchat.peer.api.PeerEvent.MessageHeld;
import dev.p2pchat.peer.api.PeerEvent.MessageReceived;
import dev.p2pchat.peer.api.PeerEvent.PathChanged;
import dev.p2pchat.peer.api.PeerEvent.Registered;
import dev.p2pchat.peer.api.PeerEvent.RegistrationDeferred;
import dev.p2pchat.peer.api.PeerEvent.RegistrationRefused;
import dev.p2pchat.peer.api.PeerEvent.LimitReached;
import dev.p2pchat.peer.api.PeerEvent.Lookalike;
import dev.p2pchat.peer.api.PeerEvent.Renamed;
import dev.p2pchat.peer.api.PeerEvent.Sent;
import dev.p2pchat.peer.api.PeerEvent.StoreFailed;
import dev.p2pchat.peer.api.PeerEvent.TrackerPinned;
import dev.p2pchat.peer.api.PeerEvent.TrackerUntrusted;
import dev.p2pchat.peer.api.PeerRef;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How each library event is shown, and what it is called and concerns for {@code /wait}. The event names are the
 * values of the JSON {@code "event"} field.
 */
final class EventReports {
    /** Every event name, in the order of {@link PeerEvent}'s records. */
    static final List<String> KINDS = List.of("registered", "registration_refused", "registration_deferred",
            "tracker_pinned", "tracker_untrusted", "lookalike", "limit", "introduced", "connected", "path",
            "connect_failed", "disconnected", "message", "held", "sent", "delivered", "failed", "store_failed",
            "renamed", "friend_request", "friend_accepted", "friend_declined", "friend_removed");

    private static final String THROUGH_RELAY = "through the tracker's relay";

    private EventReports() {}

    /** The event's name, one of {@link #KINDS}. */
    static String kind(PeerEvent event) {
        if (event instanceof Registered) {
            return "registered";
        } else if (event instanceof RegistrationRefused) {
            return "registration_refused";
        } else if (event instanceof RegistrationDeferred) {
            return "registration_deferred";
        } else if (event instanceof TrackerPinned) {
            return "tracker_pinned";
        } else if (event instanceof Lookalike) {
            return "lookalike";
        } else if (event instanceof LimitReached) {
            return "limit";
        } else if (event instanceof TrackerUntrusted) {
            return "tracker_untrusted";
        } else if (event instanceof Introduced) {
            return "introduced";
        } else if (event instanceof Connected) {
            return "connected";
        } else if (event instanceof PathChanged) {
            return "path";
        } else if (event instanceof ConnectFailed) {
            return "connect_failed";
        } else if (event instanceof Disconnected) {
            return "disconnected";
        } else if (event instanceof MessageReceived) {
            return "message";
        } else if (event instanceof MessageHeld) {
            return "held";
        } else if (event instanceof Sent) {
            return "sent";
        } else if (event instanceof Delivered) {
            return "delivered";
        } else if (event instanceof StoreFailed) {
            return "store_failed";
        } else if (event instanceof Failed) {
            return "failed";
        } else if (event instanceof Renamed) {
            return "renamed";
        } else if (event instanceof FriendRequested) {
            return "friend_request";
        } else if (event instanceof FriendAccepted) {
            return "friend_accepted";
        } else if (event instanceof FriendDeclined) {
            return "friend_declined";
        } else if (event instanceof FriendRemoved) {
            return "friend_removed";
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    /**
     * What the event concerns, as {@code /wait} matches it: peer names and fingerprints, addresses, or the target
     * of a failed attempt.
     */
    static List<String> subjects(PeerEvent event) {
        List<String> subjects = new ArrayList<>();
        PeerRef peer = peer(event);
        if (peer != null) {
            if (!peer.lookalike()) { // a peer using a friend's name is not what a wait for that name means
                subjects.add(peer.name());
            }
            subjects.add(peer.fingerprint());
        }
        if (event instanceof Registered registered) {
            subjects.add(registered.name());
        } else if (event instanceof RegistrationRefused refused) {
            subjects.add(refused.name());
        } else if (event instanceof RegistrationDeferred deferred) {
            subjects.add(deferred.name());
        } else if (event instanceof TrackerPinned pinned) {
            subjects.add(pinned.tracker());
        } else if (event instanceof TrackerUntrusted untrusted) {
            subjects.add(untrusted.tracker());
        } else if (event instanceof Introduced introduced) {
            subjects.add(HostPort.format(introduced.observed()));
        } else if (event instanceof Connected connected) {
            subjects.add(where(connected.address()));
        } else if (event instanceof PathChanged changed) {
            subjects.add(where(changed.address()));
        } else if (event instanceof ConnectFailed failed) {
            subjects.add(failed.target());
        } else if (event instanceof Failed failed) {
            // "bob", or "bob [1a2b-...]" when the library names the peer by its reference
            subjects.add(failed.to());
            int bracket = failed.to().indexOf(" [");
            if (bracket > 0) {
                subjects.add(failed.to().substring(0, bracket));
            }
        } else if (event instanceof Renamed renamed) {
            subjects.add(renamed.oldName());
        }
        return subjects;
    }

    /** The other peer the event is about, when it names one by its key. */
    static PeerRef peer(PeerEvent event) {
        if (event instanceof Introduced introduced) {
            return introduced.peer();
        } else if (event instanceof Connected connected) {
            return connected.peer();
        } else if (event instanceof PathChanged changed) {
            return changed.peer();
        } else if (event instanceof Disconnected disconnected) {
            return disconnected.peer();
        } else if (event instanceof MessageReceived message) {
            return message.from();
        } else if (event instanceof MessageHeld held) {
            return held.from();
        } else if (event instanceof Delivered delivered) {
            return delivered.to();
        } else if (event instanceof Sent sent) {
            return sent.to();
        } else if (event instanceof Renamed renamed) {
            return renamed.peer();
        } else if (event instanceof FriendRequested requested) {
            return requested.from();
        } else if (event instanceof FriendAccepted accepted) {
            return accepted.by();
        } else if (event instanceof FriendDeclined declined) {
            return declined.by();
        } else if (event instanceof FriendRemoved removed) {
            return removed.by();
        } else if (event instanceof Lookalike lookalike) {
            return lookalike.peer();
        }
        return null;
    }

    static Report report(PeerEvent event) {
        Json json = Json.event(kind(event));
        if (event instanceof Registered registered) {
            return new Report("* registered as " + registered.name() + "; the tracker sees this peer at "
                    + HostPort.format(registered.observed()),
                    json.put("name", registered.name()).put("observed", HostPort.format(registered.observed())));
        } else if (event instanceof RegistrationDeferred deferred) {
            return new Report("* the tracker did not register " + deferred.name() + " for now (" + deferred.code()
                    + "); asking again in " + deferred.retrySeconds() + " s", json.put("name", deferred.name())
                    .put("code", deferred.code().name()).put("retry_seconds", deferred.retrySeconds()));
        } else if (event instanceof LimitReached limit) {
            return new Report("* limit reached: at most " + limit.limit() + " " + limit.kind().what() + "; "
                    + limit.kind().consequence() + (limit.times() > 1 ? " (" + limit.times() + " times since the "
                    + "last report)" : ""), json.put("limit", limit.kind().name().toLowerCase(Locale.ROOT))
                    .put("max", limit.limit()).put("times", limit.times()));
        } else if (event instanceof Lookalike lookalike) {
            return new Report("* warning: " + Text.safe(lookalike.peer().toString()) + " connected: it goes by the "
                    + "name of your friend " + String.join(", ", lookalike.friends().stream()
                            .map(friend -> Text.safe(friend.toString())).toList())
                    + " with another key; messages to " + name(lookalike.friends().get(0))
                    + " still go to the friend only (name this one by its fingerprint)",
                    peer(json, "name", lookalike.peer()).putStrings("friends", lookalike.friends().stream()
                            .map(PeerRef::fingerprint).toList()));
        } else if (event instanceof TrackerPinned pinned) {
            return new Report("* trusting the tracker " + pinned.tracker() + " by its key " + pinned.key()
                    + " from now on (first contact; compare it with the key its operator publishes)",
                    json.put("tracker", pinned.tracker()).put("key", pinned.key()));
        } else if (event instanceof TrackerUntrusted untrusted) {
            return new Report("* not believed: the tracker " + untrusted.tracker() + " answered with the key "
                    + untrusted.presented() + ", not the trusted " + untrusted.expected()
                    + "; registering only with the trusted one (an impostor, or a replaced tracker key: if its "
                    + "operator confirms the new key, start with --tracker-key)",
                    json.put("tracker", untrusted.tracker()).put("expected", untrusted.expected())
                            .put("presented", untrusted.presented()));
        } else if (event instanceof RegistrationRefused refused) {
            return new Report("* the tracker refused the name " + refused.name() + ": " + refused.code(),
                    json.put("name", refused.name()).put("code", refused.code().name()));
        } else if (event instanceof Introduced introduced) {
            return new Report("* introduced to " + name(introduced.peer()) + " ("
                    + HostPort.format(introduced.observed()) + ")",
                    peer(json, "name", introduced.peer()).put("address", HostPort.format(introduced.observed())));
        } else if (event instanceof Connected connected) {
            return new Report("* " + name(connected.peer()) + " connected (" + (connected.address() == null
                    ? THROUGH_RELAY : HostPort.format(connected.address())) + ")",
                    path(peer(json, "name", connected.peer()), connected.address()));
        } else if (event instanceof PathChanged changed) {
            return new Report("* " + name(changed.peer()) + " is now reached " + route(changed.address()),
                    path(peer(json, "name", changed.peer()), changed.address()));
        } else if (event instanceof ConnectFailed failed) {
            return new Report("* could not connect to " + Text.safe(failed.target()) + ": "
                    + Text.safe(failed.reason()),
                    json.put("target", failed.target()).put("reason", failed.reason()));
        } else if (event instanceof Disconnected disconnected) {
            return new Report("* " + name(disconnected.peer()) + " disconnected: " + Text.safe(disconnected.reason()),
                    peer(json, "name", disconnected.peer()).put("reason", disconnected.reason()));
        } else if (event instanceof MessageReceived message) {
            return new Report((message.broadcast() ? "[all] <" : "<") + name(message.from()) + "> "
                    + Text.safe(message.text()), peer(json, "from", message.from()).put("id", message.id().hex())
                    .put("sent_at", message.sentAt().toString()).put("text", message.text())
                    .put("broadcast", message.broadcast()));
        } else if (event instanceof MessageHeld held) {
            return new Report("[held] " + (held.broadcast() ? "[all] <" : "<") + name(held.from()) + "> "
                    + Text.safe(held.text()), peer(json, "from", held.from()).put("id", held.id().hex())
                    .put("sent_at", held.sentAt().toString()).put("text", held.text())
                    .put("broadcast", held.broadcast()));
        } else if (event instanceof Sent sent) {
            // Between "queued" and "delivered", for scripts; a person waits for the delivery.
            return new Report(null, json.put("id", sent.id().hex()).put("to", sent.to().name())
                    .put("fingerprint", sent.to().fingerprint()));
        } else if (event instanceof Delivered delivered) {
            return new Report("#" + delivered.id() + " delivered to " + name(delivered.to()),
                    json.put("id", delivered.id().hex()).put("to", delivered.to().name())
                            .put("fingerprint", delivered.to().fingerprint()));
        } else if (event instanceof Failed failed) {
            return new Report("#" + failed.id() + " to " + Text.safe(failed.to()) + " failed: "
                    + Text.safe(failed.reason()),
                    json.put("id", failed.id().hex()).put("to", failed.to()).put("reason", failed.reason()));
        } else if (event instanceof StoreFailed failed) {
            return new Report("* could not store " + Text.safe(failed.what()) + ": " + Text.safe(failed.problem())
                    + " (it was not acknowledged, so its sender sends it again)",
                    json.put("what", failed.what()).put("problem", failed.problem()));
        } else if (event instanceof Renamed renamed) {
            return new Report("* " + Text.safe(renamed.oldName()) + " is now " + name(renamed.peer()),
                    peer(json, "name", renamed.peer()).put("old", renamed.oldName()));
        } else if (event instanceof FriendRequested requested) {
            String who = name(requested.from());
            return new Report("* " + who + " asks to be friends" + (requested.note().isEmpty() ? "" : ": "
                    + Text.safe(requested.note())) + " (/friend accept " + who + " or /friend decline " + who + ")",
                    peer(json, "from", requested.from()).put("note", requested.note()));
        } else if (event instanceof FriendAccepted accepted) {
            return new Report("* " + name(accepted.by()) + " is now a friend", peer(json, "name", accepted.by()));
        } else if (event instanceof FriendDeclined declined) {
            return new Report("* " + name(declined.by()) + " declined the friend request",
                    peer(json, "name", declined.by()));
        } else if (event instanceof FriendRemoved removed) {
            return new Report("* " + name(removed.by()) + " is no longer a friend", peer(json, "name", removed.by()));
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    /** A conversation's route as {@code /wait} matches it: the peer's address, or "relay". */
    private static String where(InetSocketAddress address) {
        return address == null ? "relay" : HostPort.format(address);
    }

    private static String route(InetSocketAddress address) {
        return address == null ? THROUGH_RELAY : "directly at " + HostPort.format(address);
    }

    /** JSON {@code address} (null on the relay) and {@code path}, as {@code /peers} shows them. */
    private static Json path(Json json, InetSocketAddress address) {
        return json.put("address", address == null ? null : HostPort.format(address))
                .put("path", address == null ? "relay" : "direct");
    }

    /** A peer's name as shown in text; names are printable ASCII, but a peer's own handshake claims them. */
    /** How a peer is named where it speaks: its name, marked with its fingerprint when it uses a friend's name. */
    static String name(PeerRef peer) {
        return Text.safe(peer.label());
    }

    private static Json peer(Json json, String field, PeerRef peer) {
        json.put(field, peer.name()).put("fingerprint", peer.fingerprint());
        return peer.lookalike() ? json.put("lookalike", true) : json;
    }
}
