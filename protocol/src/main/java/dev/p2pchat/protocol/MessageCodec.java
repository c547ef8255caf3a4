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
import dev.p2pchat.protocol.Message.Signed;
import dev.p2pchat.protocol.Message.Unregister;
import dev.p2pchat.protocol.ProtocolException.Reason;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes messages to datagrams and decodes them back; each type's encoder sits beside its decoder, on the
 * constants of {@link Wire}. Decoding treats every length as hostile: it checks before each read, caps every
 * string and list, rejects trailing bytes, and throws nothing but {@link ProtocolException}.
 *
 * <p>Peer-to-peer datagrams end with a CRC-32C trailer ({@link Wire#hasChecksum}): encoding appends it, and
 * decoding checks it right after the type byte, before it reads any field of the body, so a corrupted datagram
 * is rejected as {@link Reason#BAD_CHECKSUM} whatever the flipped bit would have turned its fields into.
 */
public final class MessageCodec {
    private MessageCodec() {}

    /**
     * Encodes {@code message} at the position of {@code out}, which needs {@link Wire#MAX_DATAGRAM_SIZE} bytes;
     * sets {@code out} to network byte order.
     */
    public static void encode(Message message, ByteBuffer out) {
        int start = out.position();
        encodeFields(message, out);
        if (Wire.hasChecksum(message.type().code())) {
            out.putInt(checksum(out, start, out.position()));
        }
    }

    /** The header and body of {@code message}: its whole encoding but the checksum trailer. */
    private static void encodeFields(Message message, ByteBuffer out) {
        out.order(ByteOrder.BIG_ENDIAN);
        out.putShort((short) Wire.MAGIC);
        out.put((byte) Wire.VERSION);
        out.put((byte) message.type().code());
        switch (message.type()) {
            case COOKIE_REQUEST -> encodeCookieRequest((CookieRequest) message, out);
            case COOKIE_CHALLENGE -> encodeCookieChallenge((CookieChallenge) message, out);
            case REGISTER -> encodeRegister((Register) message, out);
            case REGISTERED -> encodeRegistered((Registered) message, out);
            case KEEPALIVE -> encodeKeepalive((Keepalive) message, out);
            case KEEPALIVE_ACK -> encodeKeepaliveAck((KeepaliveAck) message, out);
            case LOOKUP -> encodeLookup((Lookup) message, out);
            case LOOKUP_RESULT -> encodeLookupResult((LookupResult) message, out);
            case INTRODUCTION -> putPeerInfo(out, ((Introduction) message).peer());
            case LIST -> encodeListRequest((ListRequest) message, out);
            case LIST_PAGE -> encodeListPage((ListPage) message, out);
            case RENAME -> encodeRename((Rename) message, out);
            case UNREGISTER -> encodeUnregister((Unregister) message, out);
            case OK -> out.putInt(((Ok) message).txid());
            case ERROR -> encodeError((ErrorReply) message, out);
            case RELAY -> encodeRelay((Relay) message, out);
            case RELAYED -> encodeRelayed((Relayed) message, out);
            case HELLO -> encodeHello((Hello) message, out);
            case HELLO_ACK -> encodeHelloAck((HelloAck) message, out);
            case PING -> encodePing(((Ping) message).session(), ((Ping) message).sequence(), out);
            case PONG -> encodePing(((Pong) message).session(), ((Pong) message).sequence(), out);
            case DATA -> encodeData((Data) message, out);
            case ACK -> encodeAck((Ack) message, out);
            case GOODBYE -> out.putLong(((Goodbye) message).session());
        }
    }

    /** The encoded size of a peer datagram, checksum included, without encoding it. */
    public static int encodedSize(Message.PeerDatagram datagram) {
        int body = switch (datagram.type()) {
            case HELLO -> greetingSize(((Hello) datagram).name());
            case HELLO_ACK -> greetingSize(((HelloAck) datagram).name());
            case PING, PONG -> Wire.SESSION_SIZE + 4;
            case DATA -> Wire.DATA_PAYLOAD_OFFSET - Wire.HEADER_SIZE + ((Data) datagram).payload().length();
            case ACK -> Wire.SESSION_SIZE + Wire.MESSAGE_ID_SIZE + 2;
            case GOODBYE -> Wire.SESSION_SIZE;
            default -> throw new IllegalStateException("not a peer type: " + datagram.type());
        };
        return Wire.HEADER_SIZE + body + Wire.CHECKSUM_SIZE;
    }

    private static int greetingSize(String name) {
        return Wire.SESSION_SIZE + 8 + Wire.nameSize(name) + 2 * Wire.KEY_SIZE + Wire.CAPABILITIES_SIZE
                + Wire.SIGNATURE_SIZE;
    }

    /** Encodes {@code message} into a new array of exactly its encoded length. */
    public static byte[] encode(Message message) {
        ByteBuffer out = ByteBuffer.allocate(Wire.MAX_DATAGRAM_SIZE);
        encode(message, out);
        return Arrays.copyOf(out.array(), out.position());
    }

    /**
     * The bytes a {@link Signed} message's signature covers: every byte of its encoding before the signature,
     * header included. The signature is the last field of the body; a checksum trailer after it is not covered.
     */
    public static byte[] signedBytes(Signed message) {
        ByteBuffer out = ByteBuffer.allocate(Wire.MAX_DATAGRAM_SIZE);
        encodeFields(message, out);
        return Arrays.copyOf(out.array(), out.position() - Wire.SIGNATURE_SIZE);
    }

    /** The CRC-32C of the bytes of {@code buffer} from {@code from} to {@code to}, as the u32 the wire carries. */
    private static int checksum(ByteBuffer buffer, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().limit(to).position(from));
        return (int) crc.getValue();
    }

    /** Decodes the remaining bytes of {@code in} as exactly one message; sets {@code in} to network byte order. */
    public static Message decode(ByteBuffer in) throws ProtocolException {
        in.order(ByteOrder.BIG_ENDIAN);
        int start = in.position();
        int end = in.limit();
        if (in.remaining() > Wire.MAX_DATAGRAM_SIZE) {
            throw new ProtocolException(Reason.TOO_LONG, in.remaining() + " bytes");
        }
        if (in.remaining() < Wire.HEADER_SIZE) {
            throw new ProtocolException(Reason.TOO_SHORT, in.remaining() + " bytes");
        }
        WireReader reader = new WireReader(in);
        int magic = reader.u16("magic");
        if (magic != Wire.MAGIC) {
            throw new ProtocolException(Reason.BAD_MAGIC, Integer.toHexString(magic));
        }
        int version = reader.u8("version");
        if (version != Wire.VERSION) {
            throw new ProtocolException(Reason.BAD_VERSION, Integer.toString(version));
        }
        int code = reader.u8("type");
        MessageType type = MessageType.ofCode(code);
        if (type == null) {
            throw new ProtocolException(Reason.UNKNOWN_TYPE, "0x" + Integer.toHexString(code));
        }
        if (Wire.hasChecksum(code)) {
            int bodyEnd = verifyChecksum(in, start, end);
            // The body's fields end where the trailer starts: a field that runs into it is truncated.
            reader = new WireReader(in.duplicate().limit(bodyEnd).order(ByteOrder.BIG_ENDIAN));
        }
        Message message = switch (type) {
            case COOKIE_REQUEST -> decodeCookieRequest(reader);
            case COOKIE_CHALLENGE -> decodeCookieChallenge(reader);
            case REGISTER -> decodeRegister(reader);
            case REGISTERED -> decodeRegistered(reader);
            case KEEPALIVE -> decodeKeepalive(reader);
            case KEEPALIVE_ACK -> decodeKeepaliveAck(reader);
            case LOOKUP -> decodeLookup(reader);
            case LOOKUP_RESULT -> new LookupResult(reader.u32("txid"), peerInfo(reader));
            case INTRODUCTION -> new Introduction(peerInfo(reader));
            case LIST -> decodeListRequest(reader);
            case LIST_PAGE -> decodeListPage(reader);
            case RENAME -> decodeRename(reader);
            case UNREGISTER -> decodeUnregister(reader);
            case OK -> new Ok(reader.u32("txid"));
            case ERROR -> decodeError(reader);
            case RELAY -> new Relay(reader.u64("token"), reader.octets(Wire.KEY_SIZE, "target"),
                    reader.peerDatagram("relayed datagram"));
            case RELAYED -> new Relayed(reader.octets(Wire.KEY_SIZE, "sender"),
                    reader.peerDatagram("relayed datagram"));
            case HELLO -> decodeHello(reader);
            case HELLO_ACK -> decodeHelloAck(reader);
            case PING -> new Ping(reader.u64("session"), reader.u32("sequence"));
            case PONG -> new Pong(reader.u64("session"), reader.u32("sequence"));
            case DATA -> decodeData(reader);
            case ACK -> decodeAck(reader);
            case GOODBYE -> new Goodbye(reader.u64("session"));
        };
        reader.finish();
        in.position(end);
        return message;
    }

    /**
     * Checks the trailer of the peer-to-peer datagram between {@code start} and {@code end} of {@code in}, whose
     * header has been read; returns where the body ends and the trailer starts. Fewer bytes after the header than
     * the trailer needs is {@link Reason#TRUNCATED}; otherwise the last {@value Wire#CHECKSUM_SIZE} bytes are the
     * trailer, so a datagram cut short or lengthened almost surely fails as {@link Reason#BAD_CHECKSUM}.
     */
    private static int verifyChecksum(ByteBuffer in, int start, int end) throws ProtocolException {
        if (end - in.position() < Wire.CHECKSUM_SIZE) {
            throw new ProtocolException(Reason.TRUNCATED, "checksum needs " + Wire.CHECKSUM_SIZE + " bytes, "
                    + (end - in.position()) + " left");
        }
        int bodyEnd = end - Wire.CHECKSUM_SIZE;
        int carried = in.getInt(bodyEnd);
        int computed = checksum(in, start, bodyEnd);
        if (carried != computed) {
            throw new ProtocolException(Reason.BAD_CHECKSUM, "carried " + Integer.toHexString(carried)
                    + ", computed " + Integer.toHexString(computed));
        }
        return bodyEnd;
    }

    /** Decodes all of {@code datagram}. */
    public static Message decode(byte[] datagram) throws ProtocolException {
        return decode(ByteBuffer.wrap(datagram));
    }

    // COOKIE_REQUEST: txid:u32 | zero padding:16

    private static void encodeCookieRequest(CookieRequest m, ByteBuffer out) {
        out.putInt(m.txid());
        out.put(new byte[Wire.COOKIE_REQUEST_PADDING]);
    }

    private static CookieRequest decodeCookieRequest(WireReader in) throws ProtocolException {
        int txid = in.u32("txid");
        in.zeros(Wire.COOKIE_REQUEST_PADDING, "padding");
        return new CookieRequest(txid);
    }

    // COOKIE_CHALLENGE: txid:u32 | cookie:16

    private static void encodeCookieChallenge(CookieChallenge m, ByteBuffer out) {
        out.putInt(m.txid());
        putOctets(out, m.cookie());
    }

    private static CookieChallenge decodeCookieChallenge(WireReader in) throws ProtocolException {
        return new CookieChallenge(in.u32("txid"), in.octets(Wire.COOKIE_SIZE, "cookie"));
    }

    // REGISTER: txid:u32 | cookie:16 | name | identity-key:32 | agreement-key:32 | capabilities:u32
    //           | count:u8 | private:address * count | signature:64

    private static void encodeRegister(Register m, ByteBuffer out) {
        out.putInt(m.txid());
        putOctets(out, m.cookie());
        putName(out, m.name());
        putOctets(out, m.identityKey());
        putOctets(out, m.agreementKey());
        out.putInt(m.capabilities());
        putAddresses(out, m.privateAddresses());
        putOctets(out, m.signature());
    }

    private static Register decodeRegister(WireReader in) throws ProtocolException {
        return new Register(
                in.u32("txid"),
                in.octets(Wire.COOKIE_SIZE, "cookie"),
                in.name(false, "name"),
                in.octets(Wire.KEY_SIZE, "identity key"),
                in.octets(Wire.KEY_SIZE, "agreement key"),
                in.u32("capabilities"),
                addresses(in),
                in.octets(Wire.SIGNATURE_SIZE, "signature"));
    }

    // REGISTERED: txid:u32 | token:8 | lease seconds:u32 | keepalive millis:u32 | observed:address | cookie:16

    private static void encodeRegistered(Registered m, ByteBuffer out) {
        out.putInt(m.txid());
        out.putLong(m.token());
        out.putInt(m.leaseSeconds());
        out.putInt(m.keepaliveMillis());
        AddressCodec.put(out, m.observed());
        putOctets(out, m.cookie());
    }

    private static Registered decodeRegistered(WireReader in) throws ProtocolException {
        return new Registered(
                in.u32("txid"),
                in.u64("token"),
                in.u32("lease seconds"),
                in.u32("keepalive millis"),
                in.address("observed"),
                in.octets(Wire.COOKIE_SIZE, "cookie"));
    }

    // KEEPALIVE: txid:u32 | cookie:16 | token:8 | name

    private static void encodeKeepalive(Keepalive m, ByteBuffer out) {
        out.putInt(m.txid());
        putOctets(out, m.cookie());
        out.putLong(m.token());
        putName(out, m.name());
    }

    private static Keepalive decodeKeepalive(WireReader in) throws ProtocolException {
        return new Keepalive(
                in.u32("txid"), in.octets(Wire.COOKIE_SIZE, "cookie"), in.u64("token"), in.name(false, "name"));
    }

    // KEEPALIVE_ACK: txid:u32 | keepalive millis:u32 | observed:address | cookie:16

    private static void encodeKeepaliveAck(KeepaliveAck m, ByteBuffer out) {
        out.putInt(m.txid());
        out.putInt(m.keepaliveMillis());
        AddressCodec.put(out, m.observed());
        putOctets(out, m.cookie());
    }

    private static KeepaliveAck decodeKeepaliveAck(WireReader in) throws ProtocolException {
        return new KeepaliveAck(
                in.u32("txid"),
                in.u32("keepalive millis"),
                in.address("observed"),
                in.octets(Wire.COOKIE_SIZE, "cookie"));
    }

    // LOOKUP: txid:u32 | cookie:16 | token:8 | requester name (may be empty) | target name

    private static void encodeLookup(Lookup m, ByteBuffer out) {
        out.putInt(m.txid());
        putOctets(out, m.cookie());
        out.putLong(m.token());
        putName(out, m.requester());
        putName(out, m.target());
    }

    private static Lookup decodeLookup(WireReader in) throws ProtocolException {
        return new Lookup(
                in.u32("txid"),
                in.octets(Wire.COOKIE_SIZE, "cookie"),
                in.u64("token"),
                in.name(true, "requester"),
                in.name(false, "target"));
    }

    // LOOKUP_RESULT: txid:u32 | peer-info       INTRODUCTION: peer-info

    private static void encodeLookupResult(LookupResult m, ByteBuffer out) {
        out.putInt(m.txid());
        putPeerInfo(out, m.peer());
    }

    private static void putPeerInfo(ByteBuffer out, PeerInfo peer) {
        putName(out, peer.name());
        putOctets(out, peer.identityKey());
        putOctets(out, peer.agreementKey());
        out.putInt(peer.capabilities());
        AddressCodec.put(out, peer.observed());
        putAddresses(out, peer.privateAddresses());
    }

    private static PeerInfo peerInfo(WireReader in) throws ProtocolException {
        return new PeerInfo(
                in.name(false, "name"),
                in.octets(Wire.KEY_SIZE, "identity key"),
                in.octets(Wire.KEY_SIZE, "agreement key"),
                in.u32("capabilities"),
                in.address("observed"),
                addresses(in));
    }

    // LIST: txid:u32 | cookie:16 | cursor:u32

    private static void encodeListRequest(ListRequest m, ByteBuffer out) {
        out.putInt(m.txid());
        putOctets(out, m.cookie());
        out.putInt(m.cursor());
    }

    private static ListRequest decodeListRequest(WireReader in) throws ProtocolException {
        return new ListRequest(in.u32("txid"), in.octets(Wire.COOKIE_SIZE, "cookie"), in.u32("cursor"));
    }

    // LIST_PAGE: txid:u32 | next cursor:u32 | total:u32 | count:u8 | (name | identity-key:32) * count

    private static void encodeListPage(ListPage m, ByteBuffer out) {
        out.putInt(m.txid());
        out.putInt(m.nextCursor());
        out.putInt(m.total());
        out.put((byte) m.entries().size());
        for (ListPage.Entry entry : m.entries()) {
            putName(out, entry.name());
            putOctets(out, entry.identityKey());
        }
    }

    private static ListPage decodeListPage(WireReader in) throws ProtocolException {
        int txid = in.u32("txid");
        int nextCursor = in.u32("next cursor");
        int total = in.u32("total");
        int count = in.u8("count");
        if (count > Wire.MAX_LIST_ENTRIES) {
            throw new ProtocolException(Reason.BAD_FIELD, "list count " + count);
        }
        List<ListPage.Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(new ListPage.Entry(in.name(false, "name"), in.octets(Wire.KEY_SIZE, "identity key")));
        }
        return new ListPage(txid, nextCursor, total, entries);
    }

    // RENAME: txid:u32 | cookie:16 | token:8 | name | new name | signature:64

    private static void encodeRename(Rename m, ByteBuffer out) {
        out.putInt(m.txid());
        putOctets(out, m.cookie());
        out.putLong(m.token());
        putName(out, m.name());
        putName(out, m.newName());
        putOctets(out, m.signature());
    }

    private static Rename decodeRename(WireReader in) throws ProtocolException {
        return new Rename(
                in.u32("txid"),
                in.octets(Wire.COOKIE_SIZE, "cookie"),
                in.u64("token"),
                in.name(false, "name"),
                in.name(false, "new name"),
                in.octets(Wire.SIGNATURE_SIZE, "signature"));
    }

    // UNREGISTER: txid:u32 | cookie:16 | token:8 | name | signature:64

    private static void encodeUnregister(Unregister m, ByteBuffer out) {
        out.putInt(m.txid());
        putOctets(out, m.cookie());
        out.putLong(m.token());
        putName(out, m.name());
        putOctets(out, m.signature());
    }

    private static Unregister decodeUnregister(WireReader in) throws ProtocolException {
        return new Unregister(
                in.u32("txid"),
                in.octets(Wire.COOKIE_SIZE, "cookie"),
                in.u64("token"),
                in.name(false, "name"),
                in.octets(Wire.SIGNATURE_SIZE, "signature"));
    }

    // ERROR: txid:u32 | code:u8          OK: txid:u32

    private static void encodeError(ErrorReply m, ByteBuffer out) {
        out.putInt(m.txid());
        out.put((byte) m.code().code());
    }

    private static ErrorReply decodeError(WireReader in) throws ProtocolException {
        int txid = in.u32("txid");
        int code = in.u8("error code");
        ErrorCode error = ErrorCode.ofCode(code);
        if (error == null) {
            throw new ProtocolException(Reason.BAD_FIELD, "error code " + code);
        }
        return new ErrorReply(txid, error);
    }

    // RELAY: token:u64 | target identity key:32 | peer datagram (the rest, its checksum included)
    // RELAYED: sender identity key:32 | peer datagram (the rest)

    private static void encodeRelay(Relay m, ByteBuffer out) {
        out.putLong(m.token());
        putOctets(out, m.target());
        encode(m.datagram(), out);
    }

    private static void encodeRelayed(Relayed m, ByteBuffer out) {
        putOctets(out, m.sender());
        encode(m.datagram(), out);
    }

    // Peer-to-peer bodies. Each is followed by checksum:u32, which encode appends and decode checks and cuts off.

    // HELLO and HELLO_ACK: session:8 | nonce:8 | name | identity-key:32 | agreement-key:32 | capabilities:u32
    //                     | signature:64      (HELLO_ACK's nonce is the one from the HELLO it answers)

    private static void encodeHello(Hello m, ByteBuffer out) {
        putHello(out, m.session(), m.nonce(), m.name(), m.identityKey(), m.agreementKey(), m.capabilities(),
                m.signature());
    }

    private static void encodeHelloAck(HelloAck m, ByteBuffer out) {
        putHello(out, m.session(), m.nonce(), m.name(), m.identityKey(), m.agreementKey(), m.capabilities(),
                m.signature());
    }

    private static void putHello(ByteBuffer out, long session, long nonce, String name, Octets identityKey,
            Octets agreementKey, int capabilities, Octets signature) {
        out.putLong(session);
        out.putLong(nonce);
        putName(out, name);
        putOctets(out, identityKey);
        putOctets(out, agreementKey);
        out.putInt(capabilities);
        putOctets(out, signature);
    }

    private static Hello decodeHello(WireReader in) throws ProtocolException {
        return new Hello(in.u64("session"), in.u64("nonce"), in.name(false, "name"),
                in.octets(Wire.KEY_SIZE, "identity key"), in.octets(Wire.KEY_SIZE, "agreement key"),
                in.u32("capabilities"), in.octets(Wire.SIGNATURE_SIZE, "signature"));
    }

    private static HelloAck decodeHelloAck(WireReader in) throws ProtocolException {
        Hello fields = decodeHello(in);
        return new HelloAck(fields.session(), fields.nonce(), fields.name(), fields.identityKey(),
                fields.agreementKey(), fields.capabilities(), fields.signature());
    }

    // PING and PONG: session:8 | sequence:u32          GOODBYE: session:8

    private static void encodePing(long session, int sequence, ByteBuffer out) {
        out.putLong(session);
        out.putInt(sequence);
    }

    // DATA: session:8 | message id:u64 | kind:u8 | fragment:u16 | fragments:u16 | length:u16 | payload
    //       (every fragment but the last carries exactly MAX_FRAGMENT_PAYLOAD bytes)

    private static void encodeData(Data m, ByteBuffer out) {
        out.putLong(m.session());
        out.putLong(m.messageId());
        out.put((byte) m.kind().code());
        out.putShort((short) m.fragment());
        out.putShort((short) m.fragments());
        out.putShort((short) m.payload().length());
        putOctets(out, m.payload());
    }

    private static Data decodeData(WireReader in) throws ProtocolException {
        long session = in.u64("session");
        long messageId = in.u64("message id");
        int code = in.u8("kind");
        ContentKind kind = ContentKind.ofCode(code);
        if (kind == null) {
            throw new ProtocolException(Reason.BAD_FIELD, "content kind " + code);
        }
        int fragment = in.u16("fragment");
        int fragments = in.u16("fragments");
        if (fragments < 1 || fragments > Wire.MAX_FRAGMENTS || fragment >= fragments) {
            throw new ProtocolException(Reason.BAD_FIELD, "fragment " + fragment + " of " + fragments);
        }
        int length = in.u16("payload length");
        if (length > Wire.MAX_FRAGMENT_PAYLOAD) {
            throw new ProtocolException(Reason.BAD_FIELD, "payload length " + length);
        }
        // The sender cuts a message into full fragments and the rest, so only the last may be shorter. A fragment
        // count that grew in transit would otherwise make the receiver wait for fragments that never come.
        if (fragment < fragments - 1 && length != Wire.MAX_FRAGMENT_PAYLOAD) {
            throw new ProtocolException(Reason.BAD_FIELD, "fragment " + fragment + " of " + fragments + " carries "
                    + length + " bytes, not " + Wire.MAX_FRAGMENT_PAYLOAD);
        }
        return new Data(session, messageId, kind, fragment, fragments, in.octets(length, "payload"));
    }

    // ACK: session:8 | message id:u64 | fragment:u16

    private static void encodeAck(Ack m, ByteBuffer out) {
        out.putLong(m.session());
        out.putLong(m.messageId());
        out.putShort((short) m.fragment());
    }

    private static Ack decodeAck(WireReader in) throws ProtocolException {
        long session = in.u64("session");
        long messageId = in.u64("message id");
        int fragment = in.u16("fragment");
        if (fragment >= Wire.MAX_FRAGMENTS) {
            throw new ProtocolException(Reason.BAD_FIELD, "fragment " + fragment);
        }
        return new Ack(session, messageId, fragment);
    }

    // Composite fields.

    private static void putOctets(ByteBuffer out, Octets value) {
        out.put(value.unsafeArray());
    }

    private static void putName(ByteBuffer out, String name) {
        out.put((byte) name.length());
        out.put(name.getBytes(StandardCharsets.US_ASCII));
    }

    private static void putAddresses(ByteBuffer out, List<InetSocketAddress> addresses) {
        out.put((byte) addresses.size());
        for (InetSocketAddress address : addresses) {
            AddressCodec.put(out, address);
        }
    }

    private static List<InetSocketAddress> addresses(WireReader in) throws ProtocolException {
        int count = in.u8("address count");
        if (count > Wire.MAX_PRIVATE_ADDRESSES) {
            throw new ProtocolException(Reason.BAD_FIELD, "address count " + count);
        }
        List<InetSocketAddress> addresses = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            addresses.add(in.address("private address"));
        }
        return addresses;
    }
}
