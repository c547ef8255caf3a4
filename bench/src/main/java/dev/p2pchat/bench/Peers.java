package dev.p2pchat.bench;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.tracker.SessionCipher;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The simulated peers: a name and an Ed25519 identity each, generated before any timing, and the session each one
 * has with the tracker: the secret agreed when its REGISTER was built (from a fresh X25519 session key and the
 * tracker's key), then the token the tracker gave it and the cipher of that session. Peer {@code i} talks through
 * client socket {@code i % clients}.
 */
final class Peers {
    private final String[] names;
    private final Identity[] identities;
    private final SessionCipher.Secret[] secrets;
    private final SessionCipher[] sessions;
    private final long[] tokens;

    private Peers(String[] names, Identity[] identities) {
        this.names = names;
        this.identities = identities;
        this.secrets = new SessionCipher.Secret[names.length];
        this.sessions = new SessionCipher[names.length];
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

    /** The secret of {@code peer}'s REGISTER in flight, whose answer comes in a session the tracker chooses. */
    SessionCipher.Secret secret(int peer) {
        return secrets[peer];
    }

    /** The cipher of {@code peer}'s session; null until the tracker registered it. */
    SessionCipher session(int peer) {
        return sessions[peer];
    }

    /** A REGISTER for {@code peer} was built with {@code secret}: its old session, if any, is void. */
    void newSession(int peer, SessionCipher.Secret secret) {
        secrets[peer] = secret;
        sessions[peer] = null;
        tokens[peer] = 0;
    }

    /** The tracker registered {@code peer} in session {@code token}, whose cipher is {@code session}. */
    void registered(int peer, long token, SessionCipher session) {
        secrets[peer] = null;
        sessions[peer] = session;
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
