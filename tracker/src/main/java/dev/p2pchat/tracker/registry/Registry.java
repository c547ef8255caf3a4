package dev.p2pchat.tracker.registry;

import dev.p2pchat.protocol.ErrorCode;
import dev.p2pchat.protocol.Message.ListPage;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import java.net.InetAddress;
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
 * networking, no signatures (the caller has verified them) and no threads: one thread owns a registry.
 *
 * <p>A name belongs to the key that registered it until its lease ends or the key gives it up; one key holds at
 * most one name, so registering a new name with a known key moves that key's registration.
 */
public final class Registry {
    /** Result of a registry operation: the registration, or why it was refused. */
    public record Result(Registration registration, ErrorCode error) {
        static Result ok(Registration registration) {
            return new Result(registration, null);
        }

        static Result refused(ErrorCode error) {
            return new Result(null, error);
        }

        public boolean isOk() {
            return error == null;
        }
    }

    /** One page of the name listing and the cursor of the next page (0 when there is none). */
    public record Page(List<ListPage.Entry> entries, int nextCursor) {}

    private static final long FULL_SWEEP_INTERVAL_MILLIS = 1000;

    private final Clock clock;
    private final RandomGenerator random;
    private final int maxPeers;
    private final long leaseMillis;
    private final OpenHashIndex byName;
    private final OpenHashIndex byKey;
    private long lastSweepMillis = Long.MIN_VALUE / 2;

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

    public int size() {
        return byName.size();
    }

    public Duration lease() {
        return Duration.ofMillis(leaseMillis);
    }

    /**
     * Registers {@code name} for {@code identityKey}, or refreshes the key's registration. The session token is
     * new each time, so a token from an earlier registration stops working.
     */
    public Result register(
            String name,
            Octets identityKey,
            Octets agreementKey,
            int capabilities,
            InetSocketAddress observed,
            List<InetSocketAddress> privateAddresses) {
        if (!Names.isValid(name)) {
            return Result.refused(ErrorCode.NAME_INVALID);
        }
        for (InetSocketAddress address : privateAddresses) {
            if (!isUsable(address.getAddress())) {
                return Result.refused(ErrorCode.ADDRESS_INVALID);
            }
        }
        byte[] nameBytes = ascii(name);
        byte[] key = identityKey.toByteArray();
        Registration holder = live(byName.get(nameBytes));
        if (holder != null && !Arrays.equals(holder.identityKey, key)) {
            return Result.refused(ErrorCode.NAME_TAKEN);
        }
        Registration registration = live(byKey.get(key));
        if (registration == null) {
            if (size() >= maxPeers && (!sweepAllowed() || expire() == 0)) {
                return Result.refused(ErrorCode.REGISTRY_FULL);
            }
            registration = new Registration(nameBytes, key);
            byName.add(registration);
            byKey.add(registration);
        } else if (!Arrays.equals(registration.name, nameBytes)) {
            moveName(registration, nameBytes);
        }
        registration.setAgreementKey(agreementKey);
        registration.capabilities = capabilities;
        registration.addresses = Registration.encodeAddresses(observed, privateAddresses);
        registration.token = newToken();
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

    /**
     * Renews the lease of {@code name} if {@code token} proves the sender holds it, and records the address the
     * keepalive came from (the peer's NAT mapping may have moved).
     */
    public Result keepalive(String name, long token, InetSocketAddress observed) {
        Result authenticated = authenticate(name, token);
        if (authenticated.isOk()) {
            authenticated.registration().observe(observed);
            renew(authenticated.registration());
        }
        return authenticated;
    }

    /** The live registration under {@code name} if {@code token} is its session token. */
    public Result authenticate(String name, long token) {
        Registration registration = find(name);
        if (registration == null) {
            return Result.refused(ErrorCode.NOT_REGISTERED);
        }
        if (!registration.hasToken(token)) {
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
    }

    /** Removes every registration whose lease has ended; returns how many. */
    public int expire() {
        long now = clock.millis();
        lastSweepMillis = now;
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
     * {@code maxBytes} of encoded entries. The cursor is a position in the table: a page taken while peers come
     * and go may miss or repeat a peer, as any listing of soft state may.
     */
    public Page list(int cursor, int maxBytes) {
        long now = clock.millis();
        List<ListPage.Entry> entries = new ArrayList<>();
        int used = 0;
        int capacity = byName.capacity();
        for (int i = Math.max(cursor, 0); i < capacity; i++) {
            Registration registration = byName.at(i);
            if (registration == null || registration.expiresAtMillis <= now) {
                continue;
            }
            ListPage.Entry entry = new ListPage.Entry(registration.name(), registration.identityKey());
            int size = Wire.listEntrySize(entry);
            if (used + size > maxBytes || entries.size() == Wire.MAX_LIST_ENTRIES) {
                return new Page(entries, i);
            }
            entries.add(entry);
            used += size;
        }
        return new Page(entries, 0);
    }

    /** A full registry sweeps before refusing, but at most once a second: a sweep walks the whole table. */
    private boolean sweepAllowed() {
        return clock.millis() - lastSweepMillis >= FULL_SWEEP_INTERVAL_MILLIS;
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

    private static boolean isUsable(InetAddress address) {
        return !address.isAnyLocalAddress() && !address.isMulticastAddress()
                && !Arrays.equals(address.getAddress(), new byte[] {-1, -1, -1, -1});
    }

    private static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
