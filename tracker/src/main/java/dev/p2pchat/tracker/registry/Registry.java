package dev.p2pchat.tracker.registry;

import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.PrivateAddresses;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerWire;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Who is registered: names bound to identity keys, with leases. Pure logic on an injected {@link Clock}; no
 * networking, no signatures (the caller has verified them) and no threads: one thread owns a registry, though
 * {@link #size()} may be read from any.
 *
 * <p>A name belongs to the key that registered it until its lease ends or the key gives it up; one key holds at
 * most one name, so registering a new name with a known key moves that key's registration. The session token
 * is valid only from the address that registered: a token seen on the wire cannot move a registration
 * elsewhere, and a peer whose address changed registers again (signed).
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

    private final Clock clock;
    private final RandomGenerator random;
    private final int maxPeers;
    private final long leaseMillis;
    private final OpenHashIndex byName;
    private final OpenHashIndex byKey;
    private volatile int size;

    public Registry(Clock clock, RandomGenerator random, int maxPeers, Duration lease) {
        if (maxPeers < 1) {
            throw new IllegalArgumentException("maxPeers must be positive");
        }
        this.clock = clock;
        this.random = random;
        this.maxPeers = maxPeers;
        this.leaseMillis = lease.toMillis();
        this.byName = new OpenHashIndex(r -> r.name, random.nextLong());
        this.byKey = new OpenHashIndex(r -> r.identityKey, random.nextLong());
    }

    /** Live and not yet swept registrations; safe to read from any thread. */
    public int size() {
        return size;
    }

    public Duration lease() {
        return Duration.ofMillis(leaseMillis);
    }

    /**
     * Why {@link #register} would refuse, or null if it would accept. Cheap: the caller checks this before it
     * spends a signature verification on the request.
     */
    public ErrorCode precheck(String name, Octets identityKey, List<InetSocketAddress> privateAddresses) {
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
        if (live(byKey.get(key)) == null && size >= maxPeers) {
            return ErrorCode.REGISTRY_FULL;
        }
        return null;
    }

    /**
     * Registers {@code name} for {@code identityKey}, or refreshes the key's registration. The session token
     * stays the same while the peer registers again from the same address (so a replayed REGISTER cannot
     * invalidate it) and is new when the address changes.
     */
    public Result register(
            String name,
            Octets identityKey,
            Octets agreementKey,
            int capabilities,
            InetSocketAddress observed,
            List<InetSocketAddress> privateAddresses) {
        ErrorCode refusal = precheck(name, identityKey, privateAddresses);
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
        } else if (!Arrays.equals(registration.name, nameBytes)) {
            moveName(registration, nameBytes);
        }
        boolean moved = registration.addresses == null || !registration.isObservedAt(observed);
        registration.setAgreementKey(agreementKey);
        registration.capabilities = capabilities;
        registration.addresses = Registration.encodeAddresses(observed, privateAddresses);
        if (moved) {
            registration.token = newToken();
        }
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

    public void remove(Registration registration) {
        byName.remove(registration.name);
        byKey.remove(registration.identityKey);
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
        } while (token == 0); // 0 is the anonymous token in LOOKUP
        return token;
    }

    private static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
