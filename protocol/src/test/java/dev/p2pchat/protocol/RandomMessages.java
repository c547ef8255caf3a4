package dev.p2pchat.protocol;

import dev.p2pchat.protocol.Message.Ack;
import dev.p2pchat.protocol.Message.CookieChallenge;
import dev.p2pchat.protocol.Message.CookieRequest;
import dev.p2pchat.protocol.Message.Data;
import dev.p2pchat.protocol.Message.ErrorReply;
import dev.p2pchat.protocol.Message.Goodbye;
import dev.p2pchat.protocol.Message.Hello;
import dev.p2pchat.protocol.Message.HelloAck;
import dev.p2pchat.protocol.Message.Introduction;
import dev.p2pchat.protocol.Message.Keepalive;
import dev.p2pchat.protocol.Message.KeepaliveAck;
import dev.p2pchat.protocol.Message.ListPage;
import dev.p2pchat.protocol.Message.ListRequest;
import dev.p2pchat.protocol.Message.Lookup;
import dev.p2pchat.protocol.Message.LookupResult;
import dev.p2pchat.protocol.Message.Ok;
import dev.p2pchat.protocol.Message.Ping;
import dev.p2pchat.protocol.Message.Pong;
import dev.p2pchat.protocol.Message.Register;
import dev.p2pchat.protocol.Message.Registered;
import dev.p2pchat.protocol.Message.Relay;
import dev.p2pchat.protocol.Message.Relayed;
import dev.p2pchat.protocol.Message.Rename;
import dev.p2pchat.protocol.Message.Unregister;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Valid random messages of every type from a seeded {@link Random}, reaching the edges of every field: names of
 * 1 and 32 bytes, empty and full address lists, IPv4, IPv6 and IPv4-mapped IPv6 addresses, ports 1 and 65535,
 * integers with the high bit set, list pages that fill a datagram to the last byte, DATA fragments with empty
 * and full payloads, every content kind and the first, last and 59th fragment; RELAY and RELAYED carrying every
 * peer-to-peer type, among them full DATA fragments that make a RELAY fill a datagram to the last byte.
 */
final class RandomMessages {
    /** The types of peer-to-peer datagrams, the ones a RELAY or RELAYED carries. */
    private static final MessageType[] PEER_TYPES = Arrays.stream(MessageType.values())
            .filter(type -> Wire.hasChecksum(type.code()))
            .toArray(MessageType[]::new);

    private final Random random;

    RandomMessages(long seed) {
        this.random = new Random(seed);
    }

    Message next() {
        MessageType[] types = MessageType.values();
        return next(types[random.nextInt(types.length)]);
    }

    Message next(MessageType type) {
        return switch (type) {
            case COOKIE_REQUEST -> new CookieRequest(random.nextInt());
            case COOKIE_CHALLENGE -> new CookieChallenge(random.nextInt(), octets(Wire.COOKIE_SIZE));
            case REGISTER -> new Register(random.nextInt(), octets(Wire.COOKIE_SIZE), name(), octets(Wire.KEY_SIZE),
                    octets(Wire.KEY_SIZE), random.nextInt(), addresses(), octets(Wire.SIGNATURE_SIZE));
            case REGISTERED -> new Registered(random.nextInt(), random.nextLong(), random.nextInt(),
                    random.nextInt(), address(), octets(Wire.COOKIE_SIZE));
            case KEEPALIVE -> new Keepalive(random.nextInt(), octets(Wire.COOKIE_SIZE), random.nextLong(), name());
            case KEEPALIVE_ACK -> new KeepaliveAck(random.nextInt(), random.nextInt(), address(),
                    octets(Wire.COOKIE_SIZE));
            case LOOKUP -> random.nextBoolean()
                    ? new Lookup(random.nextInt(), octets(Wire.COOKIE_SIZE), 0, "", name())
                    : new Lookup(random.nextInt(), octets(Wire.COOKIE_SIZE), random.nextLong(), name(), name());
            case LOOKUP_RESULT -> new LookupResult(random.nextInt(), peerInfo());
            case INTRODUCTION -> new Introduction(peerInfo());
            case LIST -> new ListRequest(random.nextInt(), octets(Wire.COOKIE_SIZE), random.nextInt());
            case LIST_PAGE -> listPage();
            case RENAME -> new Rename(random.nextInt(), octets(Wire.COOKIE_SIZE), random.nextLong(), name(), name(),
                    octets(Wire.SIGNATURE_SIZE));
            case UNREGISTER -> new Unregister(random.nextInt(), octets(Wire.COOKIE_SIZE), random.nextLong(), name(),
                    octets(Wire.SIGNATURE_SIZE));
            case OK -> new Ok(random.nextInt());
            case ERROR -> new ErrorReply(random.nextInt(), errorCode());
            case RELAY -> new Relay(random.nextLong(), octets(Wire.KEY_SIZE), peerDatagram());
            case RELAYED -> new Relayed(octets(Wire.KEY_SIZE), peerDatagram());
            case HELLO -> new Hello(random.nextLong(), random.nextLong(), name(), octets(Wire.KEY_SIZE),
                    agreementKey(), random.nextInt(), octets(Wire.SIGNATURE_SIZE));
            case HELLO_ACK -> new HelloAck(random.nextLong(), random.nextLong(), name(), octets(Wire.KEY_SIZE),
                    agreementKey(), random.nextInt(), octets(Wire.SIGNATURE_SIZE));
            case PING -> new Ping(random.nextLong(), random.nextInt());
            case PONG -> new Pong(random.nextLong(), random.nextInt());
            case DATA -> data();
            case ACK -> new Ack(random.nextLong(), messageId(), fragment(Wire.MAX_FRAGMENTS));
            case GOODBYE -> new Goodbye(random.nextLong());
        };
    }

    /** A random peer-to-peer datagram (types 0x40-0x46), as one peer sends another directly or through a relay. */
    Message.PeerDatagram peerDatagram() {
        return (Message.PeerDatagram) next(PEER_TYPES[random.nextInt(PEER_TYPES.length)]);
    }

    private Data data() {
        int fragments = switch (random.nextInt(4)) {
            case 0 -> 1;
            case 1 -> Wire.MAX_FRAGMENTS;
            default -> 1 + random.nextInt(Wire.MAX_FRAGMENTS);
        };
        int fragment = fragment(fragments);
        // Every fragment but the last is full; the last carries the rest.
        int length = fragment < fragments - 1 ? Wire.MAX_FRAGMENT_PAYLOAD : switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Wire.MAX_FRAGMENT_PAYLOAD;
            default -> random.nextInt(Wire.MAX_FRAGMENT_PAYLOAD + 1);
        };
        ContentKind[] kinds = ContentKind.values();
        return new Data(random.nextLong(), messageId(), kinds[random.nextInt(kinds.length)], fragment, fragments,
                octets(length));
    }

    /** A fragment number below {@code fragments}, often the first or the last. */
    private int fragment(int fragments) {
        return switch (random.nextInt(3)) {
            case 0 -> 0;
            case 1 -> fragments - 1;
            default -> random.nextInt(fragments);
        };
    }

    /** Message ids count from 1; a random u64 also reaches the high bit. */
    private long messageId() {
        return random.nextBoolean() ? 1 + random.nextInt(1000) : random.nextLong();
    }

    private Octets agreementKey() {
        return random.nextInt(4) == 0 ? Octets.zeros(Wire.KEY_SIZE) : octets(Wire.KEY_SIZE);
    }

    private ErrorCode errorCode() {
        ErrorCode[] codes = ErrorCode.values();
        return codes[random.nextInt(codes.length)];
    }

    private ListPage listPage() {
        int budget = Wire.MAX_DATAGRAM_SIZE - Wire.LIST_PAGE_FIXED_SIZE;
        // A third of the pages fill the datagram as far as entries go; the rest stop at a random count.
        int wanted = random.nextInt(3) == 0 ? Integer.MAX_VALUE : random.nextInt(Wire.MAX_LIST_ENTRIES + 1);
        List<ListPage.Entry> entries = new ArrayList<>();
        while (entries.size() < wanted && budget >= Wire.MIN_LIST_ENTRY_SIZE) {
            int longest = Math.min(Wire.MAX_NAME_LENGTH, budget - 1 - Wire.KEY_SIZE);
            // Mostly short names, so that pages of many entries occur; exactly filling the rest when it fits.
            int length = random.nextInt(4) == 0 ? longest : 1 + random.nextInt(Math.min(longest, 8));
            ListPage.Entry entry = new ListPage.Entry(name(length), octets(Wire.KEY_SIZE));
            entries.add(entry);
            budget -= Wire.listEntrySize(entry);
        }
        return new ListPage(random.nextInt(), random.nextInt(), random.nextInt(), entries);
    }

    private PeerInfo peerInfo() {
        return new PeerInfo(name(), octets(Wire.KEY_SIZE), agreementKey(), random.nextInt(), address(), addresses());
    }

    /** A wire-valid name: 1..32 bytes of 0x21..0x7E, often at the length limits. */
    String name() {
        int length = switch (random.nextInt(4)) {
            case 0 -> 1;
            case 1 -> Wire.MAX_NAME_LENGTH;
            default -> 1 + random.nextInt(Wire.MAX_NAME_LENGTH);
        };
        return name(length);
    }

    private String name(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) (Wire.MIN_NAME_BYTE + random.nextInt(Wire.MAX_NAME_BYTE - Wire.MIN_NAME_BYTE + 1));
        }
        return new String(chars);
    }

    private List<InetSocketAddress> addresses() {
        int count = random.nextInt(Wire.MAX_PRIVATE_ADDRESSES + 1);
        List<InetSocketAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(address());
        }
        return addresses;
    }

    InetSocketAddress address() {
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

    private Octets octets(int length) {
        return Octets.of(bytes(length));
    }

    private byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
