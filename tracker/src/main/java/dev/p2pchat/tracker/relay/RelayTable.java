package dev.p2pchat.tracker.relay;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.tracker.ratelimit.TokenBucket;
import dev.p2pchat.tracker.registry.Registration;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Who may relay to whom through the tracker, and how much. Pure logic on an injected {@link Clock}, owned by the
 * event loop.
 *
 * <p><b>Consent.</b> A peer wants another while the lifetime of its last LOOKUP of it, or its last RELAY to it, runs.
 * Two peers may relay to each other only while both want each other: any registered peer may look any other up, so
 * one lookup alone must not open a stream of datagrams towards a peer that never asked for it. What one side wants
 * before the other does is kept as a <em>wish</em>; the other's lookup of it, or its RELAY to it, makes the pair's
 * permissions, both ways. That is how two honest peers behind symmetric NATs get the relay: the one looked up is
 * introduced, greets the other at once (straight, and through the relay when no direct path opens), and that RELAY is
 * its consent; both then look each other up while their conversation runs over the relay.
 *
 * <p><b>Activity.</b> A permission that carried a datagram, either way, within {@link #ACTIVE_WINDOW} (or was granted
 * within it, so that a new pair has time to start) is active; an open conversation carries its pings every few
 * seconds. A peer holding its most permissions makes room for a new one by forgetting its least recently active idle
 * one; the table holding its most peers, by forgetting the least recently active idle peer. When there is no idle one
 * the newcomer is refused, and counted: nobody's lookups, however many keys they come with, push out a pair that
 * relays.
 *
 * <p><b>Bounds.</b> The peers holding permissions ({@code maxPeers}) and their permissions each
 * ({@code maxPermissionsPerPeer}); wishes in all ({@code maxPeers}) and per peer ({@code maxPermissionsPerPeer}), the
 * oldest forgotten first (a wish matters mostly for the seconds until the other side answers); and the work per
 * datagram (a few hash lookups). A RELAY is passed on only within its sender's budgets of datagrams and bytes per
 * second.
 */
public final class RelayTable {
    /**
     * How long a permission stays active after it last carried a datagram (or was granted): an idle conversation
     * still pings every 5 s, so a pair that relays is never idle this long, while a sybil's permission that never
     * carries anything can be replaced 30 s after it was made.
     */
    public static final Duration ACTIVE_WINDOW = Duration.ofSeconds(30);

    /** Why a RELAY was not passed on. */
    public enum Refusal {
        /**
         * The two do not both want each other (one never looked the other up or relayed to it, or its consent ended,
         * or the relay refused their pair for lack of room), or the target is no longer registered.
         */
        NOT_PERMITTED,
        /** The sender's budget of datagrams or bytes per second is spent. */
        OVER_BUDGET
    }

    /** What a lookup did to the pair. */
    public enum Consent {
        /** No relay between them: it is off, or the two share one socket and need none. */
        OFF,
        /** The requester's wish is kept; the two may not relay until the other wants it too. */
        WISHED,
        /** Both want each other: they may relay to each other, both ways. */
        PERMITTED,
        /** Both want each other, but the table holds its most peers and every one is active: refused, counted. */
        TABLE_FULL,
        /** Both want each other, but one of them holds its most permissions, each active: refused, counted. */
        PERMISSIONS_FULL
    }

    /** What the relay had to give up or refuse to stay within its bounds; each one is counted. */
    public enum Event {
        /** A wish forgotten to make room for a newer one: its peer's, or anyone's when the table of wishes is full. */
        WISH_FORGOTTEN,
        /** An idle peer's entry forgotten to make room for a new pair. */
        PEER_EVICTED,
        /** An idle permission forgotten to make room for a new one of its peer. */
        PERMISSION_EVICTED,
        /** A pair refused: the table holds its most peers, and every one is active. */
        REFUSED_TABLE_FULL,
        /** A pair refused: one of the two holds its most permissions, and every one is active. */
        REFUSED_PERMISSIONS_FULL
    }

    /** What a RELAY decided: pass it on from {@code sender} to {@code target}, or drop it for {@code refusal}. */
    public record Decision(Registration sender, Registration target, Refusal refusal) {
        public boolean passes() {
            return refusal == null;
        }
    }

    /** One side of a pair's permission, kept in that side's {@link Client}. */
    private static final class Permission {
        /** When this side's consent ends: its last lookup of the other, or RELAY to it, plus the lifetime. */
        long until;
        /** When the pair last relayed a datagram, either way, or was granted the permission. */
        long active;

        Permission(long until, long active) {
            this.until = until;
            this.active = active;
        }
    }

    /**
     * The relay's view of one address: the peer registered there, what it may relay to, and the address's budgets.
     * The budgets belong to the address, not the peer: several keys registered from one socket share them.
     */
    private static final class Client {
        final InetSocketAddress address;
        Octets key;
        /** Target key to this side's permission; at most {@code maxPermissionsPerPeer}, scanned to evict. */
        final Map<Octets, Permission> permissions = new LinkedHashMap<>();
        final TokenBucket datagrams;
        final TokenBucket bytes;
        /** The latest activity of any of its permissions: its place in the table's order. */
        long active;

        Client(InetSocketAddress address, Octets key, RelayLimits limits, long now) {
            this.address = address;
            this.key = key;
            this.datagrams = new TokenBucket(limits.datagramsPerSecond(), 2.0 * limits.datagramsPerSecond(), now);
            this.bytes = new TokenBucket(limits.bytesPerSecond(), 2.0 * limits.bytesPerSecond(), now);
            this.active = now;
        }
    }

    private final Clock clock;
    private final RelayLimits limits;
    private final long lifetimeMillis;
    private final long activeMillis = ACTIVE_WINDOW.toMillis();
    private final Function<Octets, Registration> registrations;
    private final Consumer<Event> events;
    /** Peers by registered address, the least recently active first: the first idle one is the one to evict. */
    private final LinkedHashMap<InetSocketAddress, Client> clients = new LinkedHashMap<>();
    /**
     * Wishes: a peer's key to the keys it wants and when each wish ends, the peers in the order they began wishing
     * and each peer's oldest wish first (the lifetime is the same for all, so the ended ones are a prefix). A full
     * table forgets the oldest wish of the peer that began wishing first: a flood of new wishes pushes out what came
     * before it, never what comes after, and a peer that keeps wishing keeps its place at the front.
     */
    private final LinkedHashMap<Octets, LinkedHashMap<Octets, Long>> wishes = new LinkedHashMap<>();
    /** All wishes of all peers; written by the owner, read by the metrics from any thread. */
    private volatile int wishCount;

    /**
     * @param registrations the live registration of an identity key, or null (the registry's find)
     * @param events where what the relay gave up or refused goes, to be counted
     */
    public RelayTable(Clock clock, RelayLimits limits, Function<Octets, Registration> registrations,
            Consumer<Event> events) {
        this.clock = clock;
        this.limits = limits;
        this.lifetimeMillis = limits.lifetime().toMillis();
        this.registrations = registrations;
        this.events = events;
    }

    /**
     * {@code requester} looked {@code target} up, and so wants it for the lifetime: the two may relay to each other
     * once the target wants the requester too (it looked it up, or relayed to it, within the lifetime), and from then
     * on while both do.
     */
    public Consent lookedUp(Registration requester, Registration target) {
        if (!limits.enabled() || requester.isObservedAt(target.observed())) {
            return Consent.OFF; // two keys of one socket need no relay between them
        }
        long now = clock.millis();
        if (wants(target, requester.identityKey(), now)) {
            return grant(requester, target, now);
        }
        wish(requester.identityKey(), target.identityKey(), now + lifetimeMillis);
        return Consent.WISHED;
    }

    /**
     * Decides on a RELAY of {@code bytes} bytes from {@code sender} towards {@code target}. The caller has proven the
     * sender: the RELAY came sealed in its session, from its registered address, with its token. A RELAY is its
     * sender's consent: towards a peer that wants the sender, it makes (or renews) the pair's permission.
     */
    public Decision relay(Registration sender, Octets target, int bytes) {
        long now = clock.millis();
        Registration receiver = limits.enabled() ? registrations.apply(target) : null;
        if (receiver == null) {
            return new Decision(sender, null, Refusal.NOT_PERMITTED);
        }
        Permission there = livePermission(sender, target, now);
        Permission back = livePermission(receiver, sender.identityKey(), now);
        if (there == null || back == null) {
            if (!wants(receiver, sender.identityKey(), now)
                    || grant(sender, receiver, now) != Consent.PERMITTED) {
                return new Decision(sender, null, Refusal.NOT_PERMITTED);
            }
            there = livePermission(sender, target, now);
            back = livePermission(receiver, sender.identityKey(), now);
        }
        Client client = client(sender);
        // Both budgets are checked before either is spent, so a refused datagram costs the sender nothing.
        if (!client.datagrams.has(1, now) || !client.bytes.has(bytes, now)) {
            return new Decision(sender, receiver, Refusal.OVER_BUDGET);
        }
        client.datagrams.tryTake(1, now);
        client.bytes.tryTake(bytes, now);
        there.until = now + lifetimeMillis;
        touch(client, there, now);
        touch(client(receiver), back, now);
        return new Decision(sender, receiver, null);
    }

    /** Forgets ended permissions and wishes, and the peers left with none; returns how many peers were forgotten. */
    public int expire() {
        long now = clock.millis();
        int removed = 0;
        for (Iterator<Client> it = clients.values().iterator(); it.hasNext(); ) {
            Client client = it.next();
            client.permissions.values().removeIf(permission -> permission.until <= now);
            if (client.permissions.isEmpty()) {
                it.remove();
                removed++;
            }
        }
        int count = wishCount;
        for (Iterator<LinkedHashMap<Octets, Long>> it = wishes.values().iterator(); it.hasNext(); ) {
            Map<Octets, Long> wanted = it.next();
            for (Iterator<Long> ends = wanted.values().iterator(); ends.hasNext() && ends.next() <= now; ) {
                ends.remove();
                count--;
            }
            if (wanted.isEmpty()) {
                it.remove();
            }
        }
        wishCount = count;
        return removed;
    }

    /** Peers holding relay permissions. */
    public int size() {
        return clients.size();
    }

    /** Wishes kept, of all peers; safe to read from any thread. */
    public int wishes() {
        return wishCount;
    }

    /** Whether {@code peer} wants {@code other}: it holds a live permission towards it, or a wish. */
    private boolean wants(Registration peer, Octets other, long now) {
        if (livePermission(peer, other, now) != null) {
            return true;
        }
        Map<Octets, Long> wanted = wishes.get(peer.identityKey());
        Long until = wanted == null ? null : wanted.get(other);
        return until != null && until > now;
    }

    /**
     * Makes the permissions of a pair that wants each other: {@code actor}'s consent runs the lifetime from now,
     * {@code other}'s as long as its permission or wish did. All or nothing: when either side has no room, nothing
     * changes but that the actor's consent is kept as a wish, so that the pair gets its permission once room appears.
     */
    private Consent grant(Registration actor, Registration other, long now) {
        InetSocketAddress atActor = actor.observed();
        InetSocketAddress atOther = other.observed();
        if (atActor.equals(atOther)) {
            return Consent.OFF; // one socket (one of them moved onto the other's since): one entry, no relay
        }
        Client mine = client(actor, atActor);
        Client theirs = client(other, atOther);
        Octets actorKey = actor.identityKey();
        Octets otherKey = other.identityKey();
        if (!hasRoom(mine, otherKey, now) || !hasRoom(theirs, actorKey, now)) {
            events.accept(Event.REFUSED_PERMISSIONS_FULL);
            wish(actorKey, otherKey, now + lifetimeMillis);
            return Consent.PERMISSIONS_FULL;
        }
        if (!roomForClients(atActor, atOther, now)) {
            events.accept(Event.REFUSED_TABLE_FULL);
            wish(actorKey, otherKey, now + lifetimeMillis);
            return Consent.TABLE_FULL;
        }
        long otherUntil = consentOf(other, actorKey, now);
        makeRoom(mine, otherKey, now);
        makeRoom(theirs, actorKey, now);
        put(claim(actor, atActor, now), otherKey, now + lifetimeMillis, now);
        put(claim(other, atOther, now), actorKey, otherUntil, now);
        forgetWish(otherKey, actorKey);
        forgetWish(actorKey, otherKey);
        return Consent.PERMITTED;
    }

    /** When {@code peer}'s consent towards {@code other} ends: its live permission's end, else its wish's. */
    private long consentOf(Registration peer, Octets other, long now) {
        Permission permission = livePermission(peer, other, now);
        if (permission != null) {
            return permission.until;
        }
        return wishes.get(peer.identityKey()).get(other);
    }

    /** Whether {@code client} (null: none yet) can hold a permission towards {@code target}, evicting if need be. */
    private boolean hasRoom(Client client, Octets target, long now) {
        return client == null || client.permissions.containsKey(target)
                || client.permissions.size() < limits.maxPermissionsPerPeer() || victim(client, now) != null;
    }

    /** Makes the room {@link #hasRoom} found, forgetting a permission if that is how. */
    private void makeRoom(Client client, Octets target, long now) {
        if (client == null || client.permissions.containsKey(target)
                || client.permissions.size() < limits.maxPermissionsPerPeer()) {
            return;
        }
        client.permissions.remove(victim(client, now));
        events.accept(Event.PERMISSION_EVICTED);
    }

    /** The permission {@code client} gives up for a new one: an ended one, else the least recently active idle one. */
    private Octets victim(Client client, long now) {
        Octets victim = null;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<Octets, Permission> entry : client.permissions.entrySet()) {
            Permission permission = entry.getValue();
            if (permission.until <= now) {
                return entry.getKey(); // ended: nothing is lost
            }
            if (now - permission.active >= activeMillis && permission.active < oldest) {
                oldest = permission.active;
                victim = entry.getKey();
            }
        }
        return victim;
    }

    /**
     * Whether the table has room for the entries at {@code a} and {@code b} that are missing, evicting the least
     * recently active idle peers (never one of the two) to make it; evicts only if all the room can be made.
     */
    private boolean roomForClients(InetSocketAddress a, InetSocketAddress b, long now) {
        int missing = (clients.containsKey(a) ? 0 : 1) + (clients.containsKey(b) ? 0 : 1);
        int needed = missing - (limits.maxPeers() - clients.size());
        if (needed <= 0) {
            return true;
        }
        int idle = 0;
        for (Client client : clients.values()) {
            if (client.address.equals(a) || client.address.equals(b)) {
                continue;
            }
            // Least recently active first: once one is active, so is every one after it.
            if (now - client.active < activeMillis) {
                return false;
            }
            if (++idle == needed) {
                break;
            }
        }
        if (idle < needed) {
            return false;
        }
        for (Iterator<Client> eldest = clients.values().iterator(); needed > 0; ) {
            Client client = eldest.next();
            if (!client.address.equals(a) && !client.address.equals(b)) {
                eldest.remove();
                needed--;
                events.accept(Event.PEER_EVICTED);
            }
        }
        return true;
    }

    /**
     * The entry for {@code registration} at its registered address {@code at}, made if there is none. An entry there
     * of another key (the address now belongs to another peer) loses that peer's permissions but keeps the address's
     * budgets, so that taking turns with several keys from one socket refills nothing.
     */
    private Client claim(Registration registration, InetSocketAddress at, long now) {
        Client client = clients.get(at);
        if (client == null) {
            client = new Client(at, registration.identityKey(), limits, now);
            clients.put(at, client);
        } else if (!client.key.equals(registration.identityKey())) {
            client.key = registration.identityKey();
            client.permissions.clear();
        }
        return client;
    }

    /**
     * Sets {@code client}'s permission towards {@code target}. A new one counts as activity, giving the pair the
     * window to start relaying; renewing one does not, so that lookups alone keep no idle pair from being replaced.
     */
    private void put(Client client, Octets target, long until, long now) {
        Permission permission = client.permissions.get(target);
        if (permission == null) {
            permission = new Permission(until, now);
            client.permissions.put(target, permission);
            touch(client, permission, now);
        } else {
            permission.until = Math.max(permission.until, until);
        }
    }

    /** The pair carried a datagram (or was granted) at {@code now}: the client moves to the end of the order. */
    private void touch(Client client, Permission permission, long now) {
        permission.active = now;
        if (client.active != now) {
            client.active = now;
            clients.remove(client.address);
            clients.put(client.address, client);
        }
    }

    /** The entry of {@code registration} at its registered address, or null (none, or another key's). */
    private Client client(Registration registration) {
        return client(registration, registration.observed());
    }

    private Client client(Registration registration, InetSocketAddress at) {
        Client client = clients.get(at);
        return client != null && client.key.equals(registration.identityKey()) ? client : null;
    }

    /** {@code peer}'s permission towards {@code target} if its consent still runs, or null. */
    private Permission livePermission(Registration peer, Octets target, long now) {
        Client client = client(peer);
        Permission permission = client == null ? null : client.permissions.get(target);
        return permission != null && permission.until > now ? permission : null;
    }

    /** Keeps {@code wisher}'s wish for {@code wanted} until {@code until}, as its newest. */
    private void wish(Octets wisher, Octets wanted, long until) {
        LinkedHashMap<Octets, Long> mine = wishes.computeIfAbsent(wisher, key -> new LinkedHashMap<>());
        int count = wishCount;
        if (mine.remove(wanted) != null) {
            count--;
        }
        mine.put(wanted, until);
        count++;
        if (mine.size() > limits.maxPermissionsPerPeer()) {
            forgetOldest(mine);
            count--;
        }
        while (count > limits.maxPeers()) {
            Iterator<LinkedHashMap<Octets, Long>> eldest = wishes.values().iterator();
            LinkedHashMap<Octets, Long> theirs = eldest.next();
            forgetOldest(theirs);
            count--;
            if (theirs.isEmpty()) {
                eldest.remove();
            }
        }
        wishCount = count;
    }

    private void forgetOldest(Map<Octets, Long> wanted) {
        Iterator<Octets> oldest = wanted.keySet().iterator();
        oldest.next();
        oldest.remove();
        events.accept(Event.WISH_FORGOTTEN);
    }

    /** Forgets {@code wisher}'s wish for {@code wanted}, if any: it became a permission. */
    private void forgetWish(Octets wisher, Octets wanted) {
        Map<Octets, Long> mine = wishes.get(wisher);
        if (mine != null && mine.remove(wanted) != null) {
            wishCount = wishCount - 1;
            if (mine.isEmpty()) {
                wishes.remove(wisher);
            }
        }
    }
}
