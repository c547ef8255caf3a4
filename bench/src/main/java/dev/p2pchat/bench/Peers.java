package dev.p2pchat.bench;

import dev.p2pchat.protocol.Identity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The simulated peers: a name and an Ed25519 identity each, generated before any timing, and the session token
 * the tracker gave each one. Peer {@code i} talks through client socket {@code i % clients}.
 */
final class Peers {
    private final String[] names;
    private final Identity[] identities;
    private final long[] tokens;

    private Peers(String[] names, Identity[] identities) {
        this.names = names;
        this.identities = identities;
        this.tokens = new long[names.length];
    }

    /** Generates {@code count} identities on all cores (key generation is an Ed25519 scalar multiplication). */
    static Peers generate(int count) {
        String[] names = new String[count];
        Identity[] identities = new Identity[count];
        ThreadLocal<SecureRandom> random = ThreadLocal.withInitial(SecureRandom::new);
        IntStream.range(0, count).parallel().forEach(i -> {
            names[i] = "peer-" + i;
            identities[i] = Identity.generate(random.get());
        });
        return new Peers(names, identities);
    }

    /** A LAN address for peer {@code i}, as a peer announces its private addresses. */
    static InetSocketAddress privateAddress(int peer) {
        try {
            byte[] ip = {10, (byte) (peer >>> 16), (byte) (peer >>> 8), (byte) peer};
            return new InetSocketAddress(InetAddress.getByAddress(ip), 40_000 + (peer & 0x3FFF));
        } catch (UnknownHostException impossible) {
            throw new AssertionError("an IPv4 address has four bytes", impossible);
        }
    }

    int count() {
        return names.length;
    }

    String nameOf(int peer) {
        return names[peer];
    }

    Identity identity(int peer) {
        return identities[peer];
    }

    long token(int peer) {
        return tokens[peer];
    }

    void registered(int peer, long token) {
        tokens[peer] = token;
    }

    /** Peers the tracker has registered (those with a token). */
    int[] registered() {
        return IntStream.range(0, names.length).filter(i -> tokens[i] != 0).toArray();
    }

    /** Registered peers of client socket {@code client} out of {@code clients}. */
    int[] registered(int client, int clients) {
        return Arrays.stream(registered()).filter(i -> i % clients == client).toArray();
    }
}
