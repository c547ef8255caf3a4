package dev.p2pchat.protocol;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Valid random values of the fields tracker messages and peer frames share, from one seeded {@link Random}, often
 * at the edges of their range: names of 1 and 32 bytes, empty and full address lists, IPv4, IPv6 and IPv4-mapped
 * IPv6 addresses, ports 1 and 65535. {@code tracker.RandomTrackerMessages} and {@code peer.RandomPeerFrames} build
 * their messages from these.
 */
public final class RandomFields {
    private final Random random;

    public RandomFields(long seed) {
        this.random = new Random(seed);
    }

    /** The generator itself, for the integers of a message: every value of theirs is valid. */
    public Random random() {
        return random;
    }

    /** A wire-valid name: 1..32 bytes of 0x21..0x7E, often at the length limits. */
    public String name() {
        int length = switch (random.nextInt(4)) {
            case 0 -> 1;
            case 1 -> Wire.MAX_NAME_LENGTH;
            default -> 1 + random.nextInt(Wire.MAX_NAME_LENGTH);
        };
        return name(length);
    }

    public String name(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) (Wire.MIN_NAME_BYTE + random.nextInt(Wire.MAX_NAME_BYTE - Wire.MIN_NAME_BYTE + 1));
        }
        return new String(chars);
    }

    /** An X25519 key, or the all-zero key of a peer that announces none. */
    public Octets agreementKey() {
        return random.nextInt(4) == 0 ? Octets.zeros(Wire.KEY_SIZE) : octets(Wire.KEY_SIZE);
    }

    /** A private address list of 0 to {@value Wire#MAX_PRIVATE_ADDRESSES} addresses. */
    public List<InetSocketAddress> addresses() {
        int count = random.nextInt(Wire.MAX_PRIVATE_ADDRESSES + 1);
        List<InetSocketAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(address());
        }
        return addresses;
    }

    public InetSocketAddress address() {
        int port = switch (random.nextInt(5)) {
            case 0 -> 1;
            case 1 -> 65535;
            default -> 1 + random.nextInt(65535);
        };
        try {
            InetAddress address = switch (random.nextInt(3)) {
                case 0 -> InetAddress.getByAddress(bytes(Wire.IPV4_SIZE));
                case 1 -> Inet6Address.getByAddress(null, bytes(Wire.IPV6_SIZE), -1);
                default -> {
                    byte[] mapped = new byte[Wire.IPV6_SIZE];
                    mapped[10] = (byte) 0xFF;
                    mapped[11] = (byte) 0xFF;
                    System.arraycopy(bytes(Wire.IPV4_SIZE), 0, mapped, 12, 4);
                    yield Inet6Address.getByAddress(null, mapped, -1);
                }
            };
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }

    public Octets octets(int length) {
        return Octets.of(bytes(length));
    }

    public byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
