package dev.p2pchat.bench;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieChallenge;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;

/**
 * The load generator's sockets towards the tracker, each with its own cookie: the tracker binds a cookie to the
 * source address and port. The sockets live across phases, because a peer's registration records the socket it
 * registered from as its observed address. The cookie challenges also bring the tracker's X25519 key, which every
 * simulated peer's session is agreed with; they must all announce the same one.
 */
final class TrackerClients implements AutoCloseable {
    private static final int COOKIE_TIMEOUT_MILLIS = 500;
    private static final int COOKIE_ATTEMPTS = 10;

    private final List<DatagramChannel> channels;
    private final Octets[] cookies;
    private Octets trackerKey;

    private TrackerClients(List<DatagramChannel> channels) {
        this.channels = channels;
        this.cookies = new Octets[channels.size()];
    }

    static TrackerClients open(InetSocketAddress tracker, int count) throws IOException {
        return new TrackerClients(LoadGenerator.connect(tracker, count));
    }

    int size() {
        return channels.size();
    }

    List<DatagramChannel> channels() {
        return channels;
    }

    Octets cookie(int client) {
        return cookies[client];
    }

    /** The tracker's key, as the cookie challenges announced it; null before {@link #fetchCookies}. */
    Octets trackerKey() {
        return trackerKey;
    }

    /**
     * Fetches a fresh cookie for every socket, before each phase: a cookie lives at least one cookie epoch (60 s by
     * default), longer than any phase.
     */
    void fetchCookies() throws IOException {
        for (int i = 0; i < channels.size(); i++) {
            CookieChallenge challenge = fetchCookie(channels.get(i), i + 1);
            if (trackerKey != null && !trackerKey.equals(challenge.trackerKey())) {
                throw new IOException("the tracker announced key " + challenge.trackerKey().toHex() + ", not "
                        + trackerKey.toHex() + " as before");
            }
            trackerKey = challenge.trackerKey();
            cookies[i] = challenge.cookie();
        }
    }

    private static CookieChallenge fetchCookie(DatagramChannel channel, int txid) throws IOException {
        byte[] request = TrackerCodec.encode(new CookieRequest(txid));
        byte[] buffer = new byte[Wire.MAX_DATAGRAM_SIZE];
        channel.socket().setSoTimeout(COOKIE_TIMEOUT_MILLIS);
        for (int attempt = 0; attempt < COOKIE_ATTEMPTS; attempt++) {
            channel.socket().send(new DatagramPacket(request, request.length));
            try {
                // Skip stray replies of the previous phase until the challenge arrives or the socket times out.
                while (true) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    channel.socket().receive(packet);
                    TrackerMessage reply = TrackerCodec.decode(ByteBuffer.wrap(buffer, 0, packet.getLength()));
                    if (reply instanceof CookieChallenge challenge && challenge.txid() == txid) {
                        return challenge;
                    }
                }
            } catch (SocketTimeoutException | ProtocolException retry) {
                // Lost, or garbage: ask again.
            }
        }
        throw new IOException("no cookie from the tracker after " + COOKIE_ATTEMPTS + " attempts");
    }

    @Override
    public void close() throws IOException {
        for (DatagramChannel channel : channels) {
            channel.close();
        }
    }
}
