package dev.p2pchat.tracker.relay;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.tracker.ratelimit.TokenBucket;
import dev.p2pchat.tracker.registry.Registration;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Who may relay to whom through the tracker, and how much. Pure logic on an injected {@link Clock}, owned by the
 * event loop.
 *
 * <p>A LOOKUP between two registered peers {@link #permit permits} each to relay to the other for the lifetime;
 * the peers' periodic lookups (their attempts to find a direct path) renew it. A RELAY is passed on only when it
 * comes from a registered peer's registered address with that peer's session token, towards a peer it holds a
 * permission for, and within the sender's budgets of datagrams and bytes per second. Everything here is bounded:
 * the peers holding permissions, the permissions per peer (a new one replaces the one least recently granted or
 * used, so lookups by strangers cannot push out a conversation that is relaying), and the work per datagram (two
 * hash lookups).
 */
public final class RelayTable {
    /** Why a RELAY was not passed on. */
    public enum Refusal {
        /**
         * The source address holds no relay permission (its peer never looked anyone up, or was never looked up, or
         * its permissions ended), or its peer is no longer registered there, or the token is not that peer's.
         */
        NOT_REGISTERED,
        /** The sender holds no live permission for the target, or the target is no longer registered. */
        NOT_PERMITTED,
        /** The sender's budget of datagrams or bytes per second is spent. */
        OVER_BUDGET
    }

    /** What to do with a RELAY: pass it on from {@code sender} to {@code target}, or drop it for {@code refusal}. */
    public record Decision(Registration sender, Registration target, Refusal refusal) {
        public boolean passes() {
            return refusal == null;
        }
    }

    /**
     * The relay's view of one address: the peer registered there, what it may relay to, and the address's budgets.
     * The budgets belong to the address, not the peer: several keys registered from one socket share them.
     */
    private static final class Client {
        Octets key;
        /** Target key to when the permission ends, least recently granted or used first. */
        final LinkedHashMap<Octets, Long> permissions = new LinkedHashMap<>(16, 0.75f, true);
        final TokenBucket datagrams;
        final TokenBucket bytes;

        Client(Octets key, RelayLimits limits, long now) {
            this.key = key;
            this.datagrams = new TokenBucket(limits.datagramsPerSecond(), 2.0 * limits.datagramsPerSecond(), now);
            this.bytes = new TokenBucket(limits.bytesPerSecond(), 2.0 * limits.bytesPerSecond(), now);
        }
    }

    private final Clock clock;
    private final RelayLimits limits;
    private final Function<Octets, Registration> registrations;
    private final Map<InetSocketAddress, Client> clients = new HashMap<>();

    /** @param registrations the live registration of an identity key, or null (the registry's find) */
    public RelayTable(Clock clock, RelayLimits limits, Function<Octets, Registration> registrations) {
        this.clock = clock;
        this.limits = limits;
        this.registrations = registrations;
    }

    /**
     * Lets {@code a} and {@code b} relay to each other from now on for the lifetime; false when the relay is off or
     * the table is full.
     */
    public boolean permit(Registration a, Registration b) {
        if (!limits.enabled()) {
            return false;
        }
        long until = clock.millis() + limits.lifetime().toMillis();
        InetSocketAddress atA = a.observed();
        InetSocketAddress atB = b.observed();
        int missing = (clients.containsKey(atA) ? 0 : 1) + (clients.containsKey(atB) ? 0 : 1);
        if (clients.size() + missing > limits.maxPeers()) {
            return false; // the periodic expire makes room
        }
        Client fromA = client(a, atA);
        Client fromB = client(b, atB);
        allow(fromA, b.identityKey(), until);
        allow(fromB, a.identityKey(), until);
        return true;
    }

    /** Decides on a RELAY of {@code bytes} bytes from {@code from}, carrying {@code token}, towards {@code target}. */
    public Decision relay(InetSocketAddress from, long token, Octets target, int bytes) {
        long now = clock.millis();
        Client client = clients.get(from);
        Registration sender = client == null ? null : registrations.apply(client.key);
        if (sender == null || sender.token() != token || !sender.isObservedAt(from)) {
            return new Decision(null, null, Refusal.NOT_REGISTERED);
        }
        Long until = client.permissions.get(target);
        Registration receiver = until == null || until <= now ? null : registrations.apply(target);
        if (receiver == null) {
            return new Decision(sender, null, Refusal.NOT_PERMITTED);
        }
        // Both budgets are checked before either is spent, so a refused datagram costs the sender nothing.
        if (!client.datagrams.has(1, now) || !client.bytes.has(bytes, now)) {
            return new Decision(sender, receiver, Refusal.OVER_BUDGET);
        }
        client.datagrams.tryTake(1, now);
        client.bytes.tryTake(bytes, now);
        return new Decision(sender, receiver, null);
    }

    /** Forgets ended permissions, and the peers left with none; returns how many peers were forgotten. */
    public int expire() {
        long now = clock.millis();
        int removed = 0;
        for (Iterator<Client> it = clients.values().iterator(); it.hasNext(); ) {
            Client client = it.next();
            client.permissions.values().removeIf(until -> until <= now);
            if (client.permissions.isEmpty()) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    /** Peers holding relay permissions. */
    public int size() {
        return clients.size();
    }

    /** The entry for a registration at its registered address {@code at}, made if there is none. */
    private Client client(Registration registration, InetSocketAddress at) {
        Client client = clients.get(at);
        if (client == null) {
            client = new Client(registration.identityKey(), limits, clock.millis());
            clients.put(at, client);
        } else if (!client.key.equals(registration.identityKey())) {
            // The address now belongs to another peer: the old one's permissions go, the address's budgets stay,
            // so that taking turns with several keys from one socket refills nothing.
            client.key = registration.identityKey();
            client.permissions.clear();
        }
        return client;
    }

    private void allow(Client client, Octets target, long until) {
        client.permissions.put(target, until); // access order: last, the newest
        if (client.permissions.size() > limits.maxPermissionsPerPeer()) {
            Iterator<Octets> oldest = client.permissions.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }
}
