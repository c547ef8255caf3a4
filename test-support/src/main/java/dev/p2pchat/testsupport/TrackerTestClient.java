package dev.p2pchat.testsupport;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieChallenge;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Rename;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Transaction;
import dev.p2pchat.protocol.tracker.TrackerMessage.Unregister;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.tracker.SessionCipher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted tracker client for tests: one blocking UDP socket, requests built from the protocol records, and
 * counters of the bytes it sent and received. Messages that are not the awaited reply (introductions) are kept
 * in {@link #unsolicited()}. Like a peer, it seals every request of its registration's session and opens what the
 * tracker seals to it; {@link #send} and {@link #sendRaw} send exactly what they are given.
 */
public final class TrackerTestClient implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * The last REGISTER timestamp of any client in this JVM: two clients registering one identity within a
     * millisecond (a peer that moved) must still send increasing timestamps, or the tracker takes the second for a
     * replay.
     */
    private static final AtomicLong LAST_TIMESTAMP = new AtomicLong();

    private final DatagramSocket socket;
    private final InetSocketAddress tracker;
    private final Queue<TrackerMessage> unsolicited = new ArrayDeque<>();
    private int nextTxid = 1;
    private long bytesSent;
    private long bytesReceived;
    private final SecureRandom random = new SecureRandom();
    private Octets cookie;
    private Octets trackerKey;
    private String name;
    private long token;
    /**
     * What the pending REGISTER's keys agreed on: its answer opens in the session the tracker names. Forgotten once
     * the REGISTERED of its session opened, as a peer forgets it: from then on only that session's cipher opens, so
     * a datagram sealed in another session under the same session key (someone copied it) does not.
     */
    private SessionCipher.Secret secret;
    /** The registration's session, once a REGISTERED opened. */
    private SessionCipher cipher;

    /** A client on {@code bind} (port 0 for any) talking to {@code tracker}. */
    public TrackerTestClient(InetSocketAddress bind, InetSocketAddress tracker) {
        try {
            this.socket = new DatagramSocket(bind);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.tracker = tracker;
    }

    public TrackerTestClient(InetSocketAddress tracker) {
        this(new InetSocketAddress("127.0.0.1", 0), tracker);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public int nextTxid() {
        return nextTxid++;
    }

    public void sendRaw(byte[] datagram) {
        try {
            socket.send(new DatagramPacket(datagram, datagram.length, tracker));
            bytesSent += datagram.length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void send(TrackerMessage message) {
        sendRaw(TrackerCodec.encode(message));
    }

    /** The next datagram's bytes, or null when none arrives within {@code timeout}. */
    public byte[] receiveRaw(Duration timeout) {
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bytesReceived += packet.getLength();
        return Arrays.copyOf(buffer, packet.getLength());
    }

    /**
     * The next message, or null when none arrives within {@code timeout}; a SEALED of this client's session comes
     * opened, one that does not open comes as it is.
     */
    public TrackerMessage receive(Duration timeout) {
        byte[] datagram = receiveRaw(timeout);
        if (datagram == null) {
            return null;
        }
        TrackerMessage message;
        try {
            message = TrackerCodec.decode(datagram);
        } catch (ProtocolException e) {
            throw new AssertionError("the tracker sent a malformed datagram: " + e.getMessage(), e);
        }
        if (message instanceof Sealed sealed) {
            TrackerMessage opened = open(sealed);
            return opened == null ? sealed : opened;
        }
        return message;
    }

    /** {@code message} sealed in this client's session under its next counter. */
    public Sealed seal(TrackerMessage message) {
        if (cipher == null) {
            throw new IllegalStateException("no session: register first");
        }
        return cipher.seal(message);
    }

    /**
     * What {@code sealed} carries if it opens in this client's session (and was not opened before), or, while a
     * REGISTER is pending, in the session the tracker chose for its answer; else null: how a test tells whose session
     * a datagram was sealed in.
     */
    public TrackerMessage open(Sealed sealed) {
        try {
            if (cipher != null && sealed.session() == cipher.session()) {
                return cipher.open(sealed);
            }
            if (secret != null) {
                SessionCipher candidate = secret.cipher(sealed.session());
                TrackerMessage message = candidate.open(sealed);
                if (message instanceof Registered registered && registered.token() == sealed.session()) {
                    cipher = candidate;
                    secret = null;
                }
                return message;
            }
        } catch (CryptoException | ProtocolException e) {
            return null;
        }
        return null;
    }

    /**
     * Sends {@code request} (sealed in the session when it belongs in one) and returns the reply with its txid, or
     * null if none comes within the timeout.
     */
    public Transaction request(Transaction request, Duration timeout) {
        send(SessionCipher.PEER_SENDS.contains(request.type()) ? seal(request) : request);
        return awaitReply(request.txid(), timeout);
    }

    /**
     * The reply with {@code txid} (opened, when sealed in this client's session), or null if none comes within
     * {@code timeout}; other messages are kept in {@link #unsolicited()}.
     */
    public Transaction awaitReply(int txid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TrackerMessage reply = receive(Duration.ofNanos(left));
            if (reply == null) {
                return null;
            }
            if (reply instanceof Transaction transaction && transaction.txid() == txid) {
                return transaction;
            }
            unsolicited.add(reply);
        }
    }

    public Transaction request(Transaction request) {
        return request(request, DEFAULT_TIMEOUT);
    }

    /** Fetches a cookie and keeps it for the requests below. */
    public Octets fetchCookie() {
        Transaction reply = request(new CookieRequest(nextTxid()));
        if (!(reply instanceof CookieChallenge challenge)) {
            throw new AssertionError("expected a cookie challenge, got " + reply);
        }
        cookie = challenge.cookie();
        trackerKey = challenge.trackerKey();
        return cookie;
    }

    /** The key the tracker's last COOKIE_CHALLENGE announced (or the one {@link #useTrackerKey} pinned). */
    public Octets trackerKey() {
        return trackerKey;
    }

    /** Seals the next REGISTER's session with {@code key}, as a peer that pinned it does, without asking. */
    public void useTrackerKey(Octets key) {
        this.trackerKey = key;
    }

    public Octets cookie() {
        return cookie;
    }

    /** Uses {@code cookie} for the requests below (a test's forged or stale cookie, for example). */
    public void useCookie(Octets cookie) {
        this.cookie = cookie;
    }

    /**
     * A signed REGISTER with a fresh session key and a timestamp newer than this client's last; its answer opens in
     * this client from now on.
     */
    public Register registerRequest(Identity identity, String name, List<InetSocketAddress> privateAddresses) {
        if (trackerKey == null) {
            throw new IllegalStateException("no tracker key: fetch a cookie first");
        }
        X25519.KeyPair sessionKey = X25519.generate(random);
        try {
            secret = SessionCipher.Secret.forPeer(sessionKey, trackerKey);
        } catch (CryptoException e) {
            throw new AssertionError("the tracker announced a low-order key", e);
        }
        long timestamp = LAST_TIMESTAMP.updateAndGet(last -> Math.max(System.currentTimeMillis(), last + 1));
        Register unsigned = new Register(nextTxid(), cookie, name, identity.publicKey(),
                Octets.zeros(Wire.KEY_SIZE), 0, privateAddresses, Octets.of(sessionKey.publicKey()), timestamp,
                Octets.zeros(Wire.SIGNATURE_SIZE));
        return unsigned.withSignature(identity.signatureFor(unsigned));
    }

    /** Registers and, when accepted, remembers the name, the token and the fresh cookie. */
    public Transaction register(Identity identity, String name) {
        Transaction reply = request(registerRequest(identity, name, List.of()));
        if (reply instanceof Registered registered) {
            this.name = name;
            this.token = registered.token();
            this.cookie = registered.cookie();
        }
        return reply;
    }

    public Transaction keepalive() {
        return request(keepaliveRequest());
    }

    /** A KEEPALIVE of this client's registration, not sent (nor sealed). */
    public Keepalive keepaliveRequest() {
        return new Keepalive(nextTxid(), cookie, token, name);
    }

    /** Looks {@code target} up as the registered requester (so the target is introduced). */
    public Transaction lookup(String target) {
        return request(new Lookup(nextTxid(), cookie, token, name, target));
    }

    /**
     * Asks the tracker to pass {@code payload} on to the peer holding {@code target}, with this client's token, sealed
     * in its session.
     */
    public Relay relay(Octets target, byte[] payload) {
        Relay relay = new Relay(token, target, Octets.of(payload));
        send(seal(relay));
        return relay;
    }

    /**
     * The next RELAYED, or null when none arrives within {@code timeout}; other messages (introductions) are kept in
     * {@link #unsolicited()}.
     */
    public Relayed receiveRelayed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TrackerMessage message = receive(Duration.ofNanos(left));
            if (message == null) {
                return null;
            }
            if (message instanceof Relayed relayed) {
                return relayed;
            }
            unsolicited.add(message);
        }
    }

    public Transaction list(int cursor) {
        return request(new ListRequest(nextTxid(), cookie, cursor));
    }

    public Transaction rename(Identity identity, String newName) {
        Transaction reply = request(renameRequest(identity, newName));
        if (reply instanceof TrackerMessage.Ok) {
            name = newName;
        }
        return reply;
    }

    /** A signed RENAME of this client's registration to {@code newName}, not sent (nor sealed). */
    public Rename renameRequest(Identity identity, String newName) {
        Rename unsigned = new Rename(nextTxid(), cookie, token, name, newName, Octets.zeros(Wire.SIGNATURE_SIZE));
        return unsigned.withSignature(identity.signatureFor(unsigned));
    }

    public Transaction unregister(Identity identity) {
        return request(unregisterRequest(identity));
    }

    /** A signed UNREGISTER of this client's registration, not sent (nor sealed). */
    public Unregister unregisterRequest(Identity identity) {
        Unregister unsigned = new Unregister(nextTxid(), cookie, token, name, Octets.zeros(Wire.SIGNATURE_SIZE));
        return unsigned.withSignature(identity.signatureFor(unsigned));
    }

    public String name() {
        return name;
    }

    public long token() {
        return token;
    }

    /** Pretends to hold {@code name} with {@code token}, for impostor tests. */
    public void claim(String name, long token) {
        this.name = name;
        this.token = token;
    }

    public Queue<TrackerMessage> unsolicited() {
        return unsolicited;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    @Override
    public void close() {
        socket.close();
    }
}
