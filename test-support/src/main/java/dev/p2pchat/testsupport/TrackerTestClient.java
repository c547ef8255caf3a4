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
import dev.p2pchat.protocol.tracker.TrackerMessage.Transaction;
import dev.p2pchat.protocol.tracker.TrackerMessage.Unregister;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;

/**
 * A scripted tracker client for tests: one blocking UDP socket, requests built from the protocol records, and
 * counters of the bytes it sent and received. Messages that are not the awaited reply (introductions) are kept
 * in {@link #unsolicited()}.
 */
public final class TrackerTestClient implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final DatagramSocket socket;
    private final InetSocketAddress tracker;
    private final Queue<TrackerMessage> unsolicited = new ArrayDeque<>();
    private int nextTxid = 1;
    private long bytesSent;
    private long bytesReceived;
    private Octets cookie;
    private String name;
    private long token;

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

    /** The next message, or null when none arrives within {@code timeout}. */
    public TrackerMessage receive(Duration timeout) {
        byte[] datagram = receiveRaw(timeout);
        if (datagram == null) {
            return null;
        }
        try {
            return TrackerCodec.decode(datagram);
        } catch (ProtocolException e) {
            throw new AssertionError("the tracker sent a malformed datagram: " + e.getMessage(), e);
        }
    }

    /** Sends {@code request} and returns the reply with its txid, or null if none comes within the timeout. */
    public Transaction request(Transaction request, Duration timeout) {
        send(request);
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
            if (reply instanceof Transaction transaction && transaction.txid() == request.txid()) {
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
        return cookie;
    }

    public Octets cookie() {
        return cookie;
    }

    /** Uses {@code cookie} for the requests below (a test's forged or stale cookie, for example). */
    public void useCookie(Octets cookie) {
        this.cookie = cookie;
    }

    public Register registerRequest(Identity identity, String name, List<InetSocketAddress> privateAddresses) {
        Register unsigned = new Register(nextTxid(), cookie, name, identity.publicKey(),
                Octets.zeros(Wire.KEY_SIZE), 0, privateAddresses, Octets.zeros(Wire.SIGNATURE_SIZE));
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
        return request(new Keepalive(nextTxid(), cookie, token, name));
    }

    /** Looks {@code target} up as the registered requester (so the target is introduced). */
    public Transaction lookup(String target) {
        return request(new Lookup(nextTxid(), cookie, token, name, target));
    }

    /** Asks the tracker to pass {@code payload} on to the peer holding {@code target}, with this client's token. */
    public Relay relay(Octets target, byte[] payload) {
        Relay relay = new Relay(token, target, Octets.of(payload));
        send(relay);
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

    public Transaction anonymousLookup(String target) {
        return request(new Lookup(nextTxid(), cookie, 0, "", target));
    }

    public Transaction list(int cursor) {
        return request(new ListRequest(nextTxid(), cookie, cursor));
    }

    public Transaction rename(Identity identity, String newName) {
        Rename unsigned = new Rename(nextTxid(), cookie, token, name, newName, Octets.zeros(Wire.SIGNATURE_SIZE));
        Transaction reply = request(unsigned.withSignature(identity.signatureFor(unsigned)));
        if (reply instanceof TrackerMessage.Ok) {
            name = newName;
        }
        return reply;
    }

    public Transaction unregister(Identity identity) {
        Unregister unsigned = new Unregister(nextTxid(), cookie, token, name, Octets.zeros(Wire.SIGNATURE_SIZE));
        return request(unsigned.withSignature(identity.signatureFor(unsigned)));
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
