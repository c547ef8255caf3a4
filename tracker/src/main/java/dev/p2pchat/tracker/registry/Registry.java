package dev.p2pchat.tracker.registry;

import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.PrivateAddresses;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.SessionCipher;
import dev.p2pchat.protocol.tracker.TrackerWire;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Who is registered: names bound to identity keys, with leases. Pure logic on an injected {@link Clock}; no
 * networking, no signatures (the caller has verified them) and no threads: one thread owns a registry, though
 * {@link #size()} may be read from any.
 *
 * <p>A name belongs to the key that registered it until its lease ends or the key gives it up; one key holds at
 * most one name, so registering a new name with a known key moves that key's registration. Each REGISTER opens a
 * new session (a new token and the keys its messages are sealed with), valid only from the address that registered:
 * nothing seen on the wire can move a registration elsewhere, and a peer whose address changed registers again
 * (signed).
 *
 * <p>Besides the registry's size, each source host and network holds a budget of live registrations (see
 * {@link NetworkBudget}): a party with many addresses in one prefix fills its network's share, not the registry.
 */
public final class Registry {
    /** Most table slots one LIST request walks, so a listing costs the same however sparse the table is. */
    public static final int MAX_LIST_SCAN = 4096;

    /** Result of a registry operation: the registration, or why it was refused. */
    public record Result(Registration registration, ErrorCode error) {
        public static Result ok(Registration registration) {
            return new Result(registration, null);
        }

        public static Result refused(ErrorCode error) {
            return new Result(null, error);
        }

        public boolean isOk() {
            return error == null;
        }
    }

    /** One page of the name listing and the cursor of the next page (0 when there is none). */
    public record Page(List<ListPage.Entry> entries, int nextCursor) {}

    /**
     * The session a REGISTER opens: what its keys agreed on (the cipher is bound to the token the registry picks),
     * the session key it came from, and the REGISTER's timestamp.
     */
    public record Session(SessionCipher.Secret secret, Octets key, long timestamp) {}

    /** A key's last REGISTER timestamp, kept after its registration ended until {@code untilMillis}. */
    private record Tombstone(long timestamp, long untilMillis) {}

    private final Clock clock;
    private final RandomGenerator random;
    private final int maxPeers;
    private final NetworkBudget budget;
    private final long leaseMillis;
    private final OpenHashIndex byName;
    private final OpenHashIndex byKey;
    /** Session token to registration: how a SEALED finds its keys. */
    private final Map<Long, Registration> bySession = new HashMap<>();
    /**
     * The REGISTER timestamps of ended registrations, oldest first, so that a captured REGISTER cannot bring one
     * back while its cookie still works; at most {@code maxPeers}, the oldest forgotten first.
     */
    private final LinkedHashMap<Octets, Tombstone> ended = new LinkedHashMap<>();
    private final long replayMemoryMillis;
    private volatile int size;

    /**
     * A registry whose only bound is its size: any host and network may fill it (benchmarks that register many peers
     * from one address, and tests of other things).
     */
    public Registry(Clock clock, RandomGenerator random, int maxPeers, Duration lease, Duration replayMemory) {
        this(clock, random, maxPeers, Integer.MAX_VALUE, Integer.MAX_VALUE, lease, replayMemory);
    }

    /**
     * @param maxPerHost most live registrations from one host (an IPv4 address, an IPv6 /64)
     * @param maxPerNetwork most live registrations from one network (an IPv4 /24, an IPv6 /48)
     * @param replayMemory how long the REGISTER timestamp of an ended registration is remembered: as long as the
     *     REGISTER's cookie could still be accepted (two cookie epochs)
     */
    public Registry(Clock clock, RandomGenerator random, int maxPeers, int maxPerHost, int maxPerNetwork,
            Duration lease, Duration replayMemory) {
        if (maxPeers < 1) {
            throw new IllegalArgumentException("maxPeers must be positive");
        }
        this.clock = clock;
        this.random = random;
        this.maxPeers = maxPeers;
        this.leaseMillis = lease.toMillis();
        this.replayMemoryMillis = replayMemory.toMillis();
        this.byName = new OpenHashIndex(r -> r.name, random.nextLong());
        this.byKey = new OpenHashIndex(r -> r.identityKey, random.nextLong());
        this.budget = new NetworkBudget(maxPerHost, maxPerNetwork, random.nextLong());
    }

    /** Live and not yet swept registrations; safe to read from any thread. */
    public int size() {
        return size;
    }

    public Duration lease() {
        return Duration.ofMillis(leaseMillis);
    }

    /**
     * Why {@link #register} would refuse, or null if it would accept; {@code register} checks it first. The tracker
     * verifies a REGISTER's signature before (within the sender's signature budget), since every answer to a
     * REGISTER, a refusal too, is sealed under a key agreement that costs about as much. A network over its budget
     * is refused before the registry's size is looked at: it is the sender's own share that is spent, and the
     * refusal says so.
     */
    public ErrorCode precheck(String name, Octets identityKey, InetSocketAddress observed,
            List<InetSocketAddress> privateAddresses) {
        if (!Names.isValid(name)) {
            return ErrorCode.NAME_INVALID;
        }
        for (InetSocketAddress address : privateAddresses) {
            if (!PrivateAddresses.isPrivate(address.getAddress())) {
                return ErrorCode.ADDRESS_INVALID;
            }
        }
        byte[] key = identityKey.toByteArray();
        Registration holder = live(byName.get(ascii(name)));
        if (holder != null && !Arrays.equals(holder.identityKey, key)) {
            return ErrorCode.NAME_TAKEN;
        }
        Registration current = live(byKey.get(key));
        if (!budget.admits(observed.getAddress(), current == null ? null : current.observed().getAddress())) {
            return ErrorCode.NETWORK_FULL;
        }
        if (current == null && size >= maxPeers) {
            return ErrorCode.REGISTRY_FULL;
        }
        return null;
    }

    /**
     * Registers {@code name} for {@code identityKey}, or moves the key's registration to {@code session}, a new
     * session with a new token. The caller has checked that the REGISTER is newer than the registration it
     * replaces (see {@link Registration#timestamp()}).
     */
    public Result register(
            String name,
            Octets identityKey,
            Octets agreementKey,
            int capabilities,
            InetSocketAddress observed,
            List<InetSocketAddress> privateAddresses,
            Session session) {
        ErrorCode refusal = precheck(name, identityKey, observed, privateAddresses);
        if (refusal != null) {
            return Result.refused(refusal);
        }
        byte[] nameBytes = ascii(name);
        byte[] key = identityKey.toByteArray();
        Registration registration = live(byKey.get(key));
        if (registration == null) {
            registration = new Registration(nameBytes, key);
            byName.add(registration);
            byKey.add(registration);
            size = byName.size();
            budget.add(observed.getAddress());
        } else {
            if (!Arrays.equals(registration.name, nameBytes)) {
                moveName(registration, nameBytes);
            }
            // A registration that moved counts against its new host and network only.
            budget.remove(registration.observed().getAddress());
            budget.add(observed.getAddress());
        }
        registration.setAgreementKey(agreementKey);
        registration.capabilities = capabilities;
        registration.addresses = Registration.encodeAddresses(observed, privateAddresses);
        bySession.remove(registration.token);
        registration.token = newToken();
        registration.session = session.secret().cipher(registration.token);
        registration.sessionKey = session.key().toByteArray();
        registration.timestamp = session.timestamp();
        bySession.put(registration.token, registration);
        renew(registration);
        return Result.ok(registration);
    }

    /** The live registration under {@code name}, or null. */
    public Registration find(String name) {
        if (name.isEmpty() || name.length() > Wire.MAX_NAME_LENGTH) {
            return null;
        }
        return live(byName.get(ascii(name)));
    }

    /** The live registration of {@code identityKey}, or null. */
    public Registration find(Octets identityKey) {
        return live(byKey.get(identityKey.toByteArray()));
    }

    /**
     * The timestamp of the newest REGISTER of {@code identityKey} this registry accepted, live or ended within the
     * replay memory; {@link Long#MIN_VALUE} when none. A REGISTER of a new session must be newer.
     */
    public long lastTimestamp(Octets identityKey) {
        Registration live = find(identityKey);
        if (live != null) {
            return live.timestamp;
        }
        Tombstone tombstone = ended.get(identityKey);
        return tombstone == null || tombstone.untilMillis() <= clock.millis() ? Long.MIN_VALUE : tombstone.timestamp();
    }

    /** The live registration whose session token is {@code token}, or null. */
    public Registration findSession(long token) {
        return live(bySession.get(token));
    }

    /** Renews the lease of {@code name} if the sender proves it holds it (see {@link #authenticate}). */
    public Result keepalive(String name, long token, InetSocketAddress from) {
        Result authenticated = authenticate(name, token, from);
        if (authenticated.isOk()) {
            renew(authenticated.registration());
        }
        return authenticated;
    }

    /**
     * The live registration under {@code name} if {@code token} is its session token and {@code from} the address
     * it registered from. From another address the answer is NOT_REGISTERED: the peer must register again.
     */
    public Result authenticate(String name, long token, InetSocketAddress from) {
        Registration registration = find(name);
        if (registration == null || !registration.isObservedAt(from)) {
            return Result.refused(ErrorCode.NOT_REGISTERED);
        }
        if (registration.token != token) {
            return Result.refused(ErrorCode.BAD_TOKEN);
        }
        return Result.ok(registration);
    }

    /** Moves {@code registration} to {@code newName}; the caller has checked that its holder asked for it. */
    public Result rename(Registration registration, String newName) {
        if (!Names.isValid(newName)) {
            return Result.refused(ErrorCode.NAME_INVALID);
        }
        byte[] nameBytes = ascii(newName);
        Registration holder = live(byName.get(nameBytes));
        if (holder != null && holder != registration) {
            return Result.refused(ErrorCode.NAME_TAKEN);
        }
        if (holder == null) {
            moveName(registration, nameBytes);
        }
        renew(registration);
        return Result.ok(registration);
    }

    /** Ends {@code registration}; one this registry no longer holds (removed before) is left as it is. */
    public void remove(Registration registration) {
        if (byKey.get(registration.identityKey) != registration) {
            return;
        }
        budget.remove(registration.observed().getAddress());
        byName.remove(registration.name);
        byKey.remove(registration.identityKey);
        bySession.remove(registration.token, registration);
        Octets key = Octets.of(registration.identityKey);
        ended.remove(key);
        ended.put(key, new Tombstone(registration.timestamp, clock.millis() + replayMemoryMillis));
        if (ended.size() > maxPeers) {
            ended.remove(ended.keySet().iterator().next());
        }
        size = byName.size();
    }

    /** Removes every registration whose lease has ended; returns how many. */
    public int expire() {
        long now = clock.millis();
        List<Registration> expired = new ArrayList<>();
        for (int i = 0; i < byName.capacity(); i++) {
            Registration registration = byName.at(i);
            if (registration != null && registration.expiresAtMillis <= now) {
                expired.add(registration);
            }
        }
        expired.forEach(this::remove);
        // Oldest first, and all with the same memory: the ended ones are a prefix.
        for (var it = ended.values().iterator(); it.hasNext() && it.next().untilMillis() <= now; ) {
            it.remove();
        }
        return expired.size();
    }

    /**
     * One page of live registrations, from {@code cursor} (0 for the first), holding as many entries as fit in
     * {@code maxBytes} of encoded entries and walking at most {@link #MAX_LIST_SCAN} table slots; a page may so
     * be short, or even empty, with a next cursor. The cursor is a position in the table: a listing taken while
     * peers come and go may miss or repeat a peer, as any listing of soft state may.
     */
    public Page list(int cursor, int maxBytes) {
        long now = clock.millis();
        List<ListPage.Entry> entries = new ArrayList<>();
        int used = 0;
        int capacity = byName.capacity();
        // A cursor is a u32 on the wire: one at or past the end of the table (2^31 and up read as negative) ends
        // the listing.
        if (cursor < 0 || cursor >= capacity) {
            return new Page(entries, 0);
        }
        int end = (int) Math.min(capacity, cursor + (long) MAX_LIST_SCAN);
        for (int i = cursor; i < end; i++) {
            Registration registration = byName.at(i);
            if (registration == null || registration.expiresAtMillis <= now) {
                continue;
            }
            ListPage.Entry entry = new ListPage.Entry(registration.name(), registration.identityKey());
            int entrySize = TrackerWire.listEntrySize(entry);
            if (used + entrySize > maxBytes || entries.size() == TrackerWire.MAX_LIST_ENTRIES) {
                return new Page(entries, i);
            }
            entries.add(entry);
            used += entrySize;
        }
        return new Page(entries, end < capacity ? end : 0);
    }

    private void moveName(Registration registration, byte[] newName) {
        byName.remove(registration.name);
        registration.name = newName;
        byName.add(registration);
    }

    private void renew(Registration registration) {
        registration.expiresAtMillis = clock.millis() + leaseMillis;
    }

    /** {@code registration} if its lease is still running; an ended one is removed on the spot. */
    private Registration live(Registration registration) {
        if (registration != null && registration.expiresAtMillis <= clock.millis()) {
            remove(registration);
            return null;
        }
        return registration;
    }

    private long newToken() {
        long token;
        do {
            token = random.nextLong();
        } while (token == 0 || bySession.containsKey(token)); // 0 answers a refused REGISTER
        return token;
    }

    private static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
