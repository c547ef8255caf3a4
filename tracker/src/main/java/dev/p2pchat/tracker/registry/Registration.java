package dev.p2pchat.tracker.registry;

import dev.p2pchat.protocol.AddressCodec;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.PeerInfo;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.SessionCipher;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One registered peer, stored compactly: a tracker holds up to millions of these, so fields are raw byte arrays
 * and the addresses are kept in their wire encoding (observed address, count, private addresses) rather than as
 * {@link InetSocketAddress} objects. Mutated only by {@link Registry}.
 */
public final class Registration {
    private static final byte[] NO_AGREEMENT_KEY = new byte[Wire.KEY_SIZE];

    byte[] name;
    final byte[] identityKey;
    byte[] agreementKey;
    byte[] addresses;
    int capabilities;
    long token;
    SessionCipher session;
    byte[] sessionKey;
    long timestamp;
    long expiresAtMillis;

    Registration(byte[] name, byte[] identityKey) {
        this.name = name;
        this.identityKey = identityKey;
    }

    public String name() {
        return new String(name, StandardCharsets.US_ASCII);
    }

    public Octets identityKey() {
        return Octets.of(identityKey);
    }

    /** The session token: a SEALED names its session with it. */
    public long token() {
        return token;
    }

    /** The cipher of this registration's session, which seals what the tracker sends it and opens what it sent. */
    public SessionCipher session() {
        return session;
    }

    /** Whether the session was opened with {@code key}: a REGISTER carrying it again is a retransmission. */
    public boolean hasSessionKey(Octets key) {
        return sessionKey != null && Arrays.equals(sessionKey, key.toByteArray());
    }

    /** The timestamp of the REGISTER that opened the session; an older REGISTER is a replay. */
    public long timestamp() {
        return timestamp;
    }

    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    public InetSocketAddress observed() {
        try {
            return AddressCodec.get(ByteBuffer.wrap(addresses), "observed");
        } catch (ProtocolException e) {
            throw new IllegalStateException("stored address does not decode", e);
        }
    }

    /**
     * What {@code viewer} is told about this peer: its key, name and observed address, and its LAN addresses only
     * when both sit behind the same public address (the one case where a LAN address reaches this peer; to anyone
     * else it maps the peer's network and reaches some other host).
     */
    public PeerInfo toPeerInfoFor(Registration viewer) {
        ByteBuffer in = ByteBuffer.wrap(addresses);
        try {
            InetSocketAddress observed = AddressCodec.get(in, "observed");
            int count = in.get();
            boolean neighbour = viewer.observed().getAddress().equals(observed.getAddress());
            List<InetSocketAddress> privateAddresses = new ArrayList<>(neighbour ? count : 0);
            for (int i = 0; i < count && neighbour; i++) {
                privateAddresses.add(AddressCodec.get(in, "private"));
            }
            return new PeerInfo(name(), Octets.of(identityKey),
                    agreementKey == null ? Octets.of(NO_AGREEMENT_KEY) : Octets.of(agreementKey),
                    capabilities, observed, privateAddresses);
        } catch (ProtocolException e) {
            throw new IllegalStateException("stored address does not decode", e);
        }
    }

    void setAgreementKey(Octets key) {
        // Most peers share the all-zero "none" key; not storing it saves an array per peer.
        agreementKey = key.isAllZeros() ? null : key.toByteArray();
    }

    static byte[] encodeAddresses(InetSocketAddress observed, List<InetSocketAddress> privateAddresses) {
        int size = AddressCodec.encodedSize(observed) + 1;
        for (InetSocketAddress address : privateAddresses) {
            size += AddressCodec.encodedSize(address);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        AddressCodec.put(out, observed);
        out.put((byte) privateAddresses.size());
        for (InetSocketAddress address : privateAddresses) {
            AddressCodec.put(out, address);
        }
        return out.array();
    }

    /** Whether {@code address} is the observed address this registration was made from. */
    public boolean isObservedAt(InetSocketAddress address) {
        int size = AddressCodec.encodedSize(address);
        if (addresses.length < size) {
            return false;
        }
        ByteBuffer encoded = ByteBuffer.allocate(size);
        AddressCodec.put(encoded, address);
        return Arrays.equals(encoded.array(), 0, size, addresses, 0, size);
    }
}
