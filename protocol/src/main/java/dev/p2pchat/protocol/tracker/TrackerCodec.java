package dev.p2pchat.protocol.tracker;

import dev.p2pchat.protocol.AddressCodec;
import dev.p2pchat.protocol.Header;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.WireReader;
import dev.p2pchat.protocol.WireWriter;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieChallenge;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage.Deposit;
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.Fetch;
import dev.p2pchat.protocol.tracker.TrackerMessage.Introduction;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.KeepaliveAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Mail;
import dev.p2pchat.protocol.tracker.TrackerMessage.MailAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Rename;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.protocol.tracker.TrackerMessage.SessionUnknown;
import dev.p2pchat.protocol.tracker.TrackerMessage.Signed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Unregister;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes the messages between a peer and the tracker to datagrams and decodes them back; each type's encoder sits
 * beside its decoder, on the constants of {@link TrackerWire} and {@link Wire}. Decoding treats every length as
 * hostile: it checks before each read, caps every string and list, rejects trailing bytes, and throws nothing but
 * {@link ProtocolException}. A peer frame (type 0x40-0x7F) is not a tracker message: {@code UNKNOWN_TYPE}.
 */
public final class TrackerCodec {
    private TrackerCodec() {}

    /**
     * Encodes {@code message} at the position of {@code out}, which needs {@link Wire#MAX_DATAGRAM_SIZE} bytes;
     * sets {@code out} to network byte order.
     */
    public static void encode(TrackerMessage message, ByteBuffer out) {
        Header.put(out, message.type().code());
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
            case RELAY -> {
                Relay relay = (Relay) message;
                out.putLong(relay.token());
                WireWriter.octets(out, relay.target());
                WireWriter.octets(out, relay.payload());
            }
            case RELAYED -> {
                Relayed relayed = (Relayed) message;
                WireWriter.octets(out, relayed.sender());
                WireWriter.octets(out, relayed.payload());
            }
            case SEALED -> {
                Sealed sealed = (Sealed) message;
                out.putLong(sealed.session());
                out.putLong(sealed.counter());
                WireWriter.octets(out, sealed.box());
            }
            case SESSION_UNKNOWN -> {
                SessionUnknown unknown = (SessionUnknown) message;
                out.putLong(unknown.session());
                WireWriter.octets(out, unknown.proof());
            }
            case DEPOSIT -> encodeDeposit((Deposit) message, out);
            case FETCH -> {
                Fetch fetch = (Fetch) message;
                out.putInt(fetch.txid());
                WireWriter.octets(out, fetch.cookie());
                out.putLong(fetch.token());
                out.putLong(fetch.after());
            }
            case MAIL -> encodeMail((Mail) message, out);
            case MAIL_ACK -> encodeMailAck((MailAck) message, out);
        }
    }

    /** Encodes {@code message} into a new array of exactly its encoded length. */
    public static byte[] encode(TrackerMessage message) {
        ByteBuffer out = ByteBuffer.allocate(Wire.MAX_DATAGRAM_SIZE);
        encode(message, out);
        return Arrays.copyOf(out.array(), out.position());
    }

    /**
     * The bytes a {@link Signed} message's signature covers: every byte of its encoding before the signature,
     * header included. The signature is the last field of the body.
     */
    public static byte[] signedBytes(Signed message) {
        ByteBuffer out = ByteBuffer.allocate(Wire.MAX_DATAGRAM_SIZE);
        encode(message, out);
        return Arrays.copyOf(out.array(), out.position() - Wire.SIGNATURE_SIZE);
    }

    /** Decodes the remaining bytes of {@code in} as exactly one message; sets {@code in} to network byte order. */
    public static TrackerMessage decode(ByteBuffer in) throws ProtocolException {
        in.order(ByteOrder.BIG_ENDIAN);
        int code = Header.type(in);
        TrackerMessageType type = TrackerMessageType.ofCode(code);
        if (type == null) {
            throw new ProtocolException(Reason.UNKNOWN_TYPE, "0x" + Integer.toHexString(code));
        }
        in.position(in.position() + Wire.HEADER_SIZE);
        WireReader reader = new WireReader(in);
        TrackerMessage message = switch (type) {
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
            case RELAY -> new Relay(reader.u64("token"), reader.octets(Wire.KEY_SIZE, "target"), relayPayload(reader));
            case RELAYED -> new Relayed(reader.octets(Wire.KEY_SIZE, "sender"), relayPayload(reader));
            case SEALED -> decodeSealed(reader);
            case SESSION_UNKNOWN -> new SessionUnknown(reader.u64("session"),
                    reader.octets(TrackerWire.RESET_PROOF_SIZE, "reset proof"));
            case DEPOSIT -> decodeDeposit(reader);
            case FETCH -> new Fetch(reader.u32("txid"), reader.octets(TrackerWire.COOKIE_SIZE, "cookie"),
                    reader.u64("token"), nonNegative(reader.u64("after"), "after"));
            case MAIL -> decodeMail(reader);
            case MAIL_ACK -> decodeMailAck(reader);
        };
        reader.finish();
        return message;
    }

    /** Decodes all of {@code datagram}. */
    public static TrackerMessage decode(byte[] datagram) throws ProtocolException {
        return decode(ByteBuffer.wrap(datagram));
    }

    // COOKIE_REQUEST: txid:u32 | zero padding:48 (the length of the challenge)

    private static void encodeCookieRequest(CookieRequest m, ByteBuffer out) {
        out.putInt(m.txid());
        out.put(new byte[TrackerWire.COOKIE_REQUEST_PADDING]);
    }

    private static CookieRequest decodeCookieRequest(WireReader in) throws ProtocolException {
        int txid = in.u32("txid");
        in.zeros(TrackerWire.COOKIE_REQUEST_PADDING, "padding");
        return new CookieRequest(txid);
    }

    // COOKIE_CHALLENGE: txid:u32 | cookie:16 | tracker key:32

    private static void encodeCookieChallenge(CookieChallenge m, ByteBuffer out) {
        out.putInt(m.txid());
        WireWriter.octets(out, m.cookie());
        WireWriter.octets(out, m.trackerKey());
    }

    private static CookieChallenge decodeCookieChallenge(WireReader in) throws ProtocolException {
        return new CookieChallenge(in.u32("txid"), in.octets(TrackerWire.COOKIE_SIZE, "cookie"),
                in.octets(Wire.KEY_SIZE, "tracker key"));
    }

    // REGISTER: txid:u32 | cookie:16 | name | identity-key:32 | agreement-key:32 | capabilities:u32
    //           | count:u8 | private:address * count | session key:32 | timestamp:u64 | signature:64

    private static void encodeRegister(Register m, ByteBuffer out) {
        out.putInt(m.txid());
        WireWriter.octets(out, m.cookie());
        WireWriter.name(out, m.name());
        WireWriter.octets(out, m.identityKey());
        WireWriter.octets(out, m.agreementKey());
        out.putInt(m.capabilities());
        WireWriter.addresses(out, m.privateAddresses());
        WireWriter.octets(out, m.sessionKey());
        out.putLong(m.timestamp());
        WireWriter.octets(out, m.signature());
    }

    private static Register decodeRegister(WireReader in) throws ProtocolException {
        return new Register(
                in.u32("txid"),
                in.octets(TrackerWire.COOKIE_SIZE, "cookie"),
                in.name(false, "name"),
                in.octets(Wire.KEY_SIZE, "identity key"),
                in.octets(Wire.KEY_SIZE, "agreement key"),
                in.u32("capabilities"),
                in.addresses("private address"),
                in.octets(Wire.KEY_SIZE, "session key"),
                in.u64("timestamp"),
                in.octets(Wire.SIGNATURE_SIZE, "signature"));
    }

    // REGISTERED: txid:u32 | token:8 | lease seconds:u32 | keepalive millis:u32 | observed:address | cookie:16
    //             | reset proof:16

    private static void encodeRegistered(Registered m, ByteBuffer out) {
        out.putInt(m.txid());
        out.putLong(m.token());
        out.putInt(m.leaseSeconds());
        out.putInt(m.keepaliveMillis());
        AddressCodec.put(out, m.observed());
        WireWriter.octets(out, m.cookie());
        WireWriter.octets(out, m.resetProof());
    }

    private static Registered decodeRegistered(WireReader in) throws ProtocolException {
        return new Registered(
                in.u32("txid"),
                in.u64("token"),
                in.u32("lease seconds"),
                in.u32("keepalive millis"),
                in.address("observed"),
                in.octets(TrackerWire.COOKIE_SIZE, "cookie"),
                in.octets(TrackerWire.RESET_PROOF_SIZE, "reset proof"));
    }

    // KEEPALIVE: txid:u32 | cookie:16 | token:8 | name

    private static void encodeKeepalive(Keepalive m, ByteBuffer out) {
        out.putInt(m.txid());
        WireWriter.octets(out, m.cookie());
        out.putLong(m.token());
        WireWriter.name(out, m.name());
    }

    private static Keepalive decodeKeepalive(WireReader in) throws ProtocolException {
        return new Keepalive(
                in.u32("txid"), in.octets(TrackerWire.COOKIE_SIZE, "cookie"), in.u64("token"), in.name(false, "name"));
    }

    // KEEPALIVE_ACK: txid:u32 | keepalive millis:u32 | observed:address | cookie:16

    private static void encodeKeepaliveAck(KeepaliveAck m, ByteBuffer out) {
        out.putInt(m.txid());
        out.putInt(m.keepaliveMillis());
        AddressCodec.put(out, m.observed());
        WireWriter.octets(out, m.cookie());
    }

    private static KeepaliveAck decodeKeepaliveAck(WireReader in) throws ProtocolException {
        return new KeepaliveAck(
                in.u32("txid"),
                in.u32("keepalive millis"),
                in.address("observed"),
                in.octets(TrackerWire.COOKIE_SIZE, "cookie"));
    }

    // LOOKUP: txid:u32 | cookie:16 | token:8 | requester name (may be empty) | target name

    private static void encodeLookup(Lookup m, ByteBuffer out) {
        out.putInt(m.txid());
        WireWriter.octets(out, m.cookie());
        out.putLong(m.token());
        WireWriter.name(out, m.requester());
        WireWriter.name(out, m.target());
    }

    private static Lookup decodeLookup(WireReader in) throws ProtocolException {
        return new Lookup(
                in.u32("txid"),
                in.octets(TrackerWire.COOKIE_SIZE, "cookie"),
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
        WireWriter.name(out, peer.name());
        WireWriter.octets(out, peer.identityKey());
        WireWriter.octets(out, peer.agreementKey());
        out.putInt(peer.capabilities());
        AddressCodec.put(out, peer.observed());
        WireWriter.addresses(out, peer.privateAddresses());
    }

    private static PeerInfo peerInfo(WireReader in) throws ProtocolException {
        return new PeerInfo(
                in.name(false, "name"),
                in.octets(Wire.KEY_SIZE, "identity key"),
                in.octets(Wire.KEY_SIZE, "agreement key"),
                in.u32("capabilities"),
                in.address("observed"),
                in.addresses("private address"));
    }

    // LIST: txid:u32 | cookie:16 | cursor:u32

    private static void encodeListRequest(ListRequest m, ByteBuffer out) {
        out.putInt(m.txid());
        WireWriter.octets(out, m.cookie());
        out.putInt(m.cursor());
    }

    private static ListRequest decodeListRequest(WireReader in) throws ProtocolException {
        return new ListRequest(in.u32("txid"), in.octets(TrackerWire.COOKIE_SIZE, "cookie"), in.u32("cursor"));
    }

    // LIST_PAGE: txid:u32 | next cursor:u32 | total:u32 | count:u8 | (name | identity-key:32) * count

    private static void encodeListPage(ListPage m, ByteBuffer out) {
        out.putInt(m.txid());
        out.putInt(m.nextCursor());
        out.putInt(m.total());
        out.put((byte) m.entries().size());
        for (ListPage.Entry entry : m.entries()) {
            WireWriter.name(out, entry.name());
            WireWriter.octets(out, entry.identityKey());
        }
    }

    private static ListPage decodeListPage(WireReader in) throws ProtocolException {
        // A page must fit a SEALED: the record refuses a larger one, so the decoder does first, with a reason.
        if (Wire.HEADER_SIZE + in.remaining() > TrackerWire.MAX_SEALED_MESSAGE_SIZE) {
            throw new ProtocolException(Reason.BAD_FIELD, "list page of " + (Wire.HEADER_SIZE + in.remaining())
                    + " bytes does not fit a sealed datagram");
        }
        int txid = in.u32("txid");
        int nextCursor = in.u32("next cursor");
        int total = in.u32("total");
        int count = in.u8("count");
        if (count > TrackerWire.MAX_LIST_ENTRIES) {
            throw new ProtocolException(Reason.BAD_FIELD, "list count " + count);
        }
        List<ListPage.Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(new ListPage.Entry(in.name(false, "name"), in.octets(Wire.KEY_SIZE, "identity key")));
        }
        return new ListPage(txid, nextCursor, total, entries);
    }

    // DEPOSIT: txid:u32 | cookie:16 | token:8 | recipient key:32 | length:u16 | mail (1..MAX_MAIL_SIZE)
    // FETCH: txid:u32 | cookie:16 | token:8 | after:u64 (below 2^63)

    private static void encodeDeposit(Deposit m, ByteBuffer out) {
        out.putInt(m.txid());
        WireWriter.octets(out, m.cookie());
        out.putLong(m.token());
        WireWriter.octets(out, m.recipient());
        out.putShort((short) m.mail().length());
        WireWriter.octets(out, m.mail());
    }

    private static Deposit decodeDeposit(WireReader in) throws ProtocolException {
        int txid = in.u32("txid");
        Octets cookie = in.octets(TrackerWire.COOKIE_SIZE, "cookie");
        long token = in.u64("token");
        Octets recipient = in.octets(Wire.KEY_SIZE, "recipient");
        return new Deposit(txid, cookie, token, recipient, mail(in, 1));
    }

    /** A mail's length (at least {@code min}, at most {@link TrackerWire#MAX_MAIL_SIZE}) and its bytes. */
    private static Octets mail(WireReader in, int min) throws ProtocolException {
        int length = in.u16("mail length");
        if (length < min || length > TrackerWire.MAX_MAIL_SIZE) {
            throw new ProtocolException(Reason.BAD_FIELD, "mail length " + length);
        }
        return in.octets(length, "mail");
    }

    private static long nonNegative(long value, String field) throws ProtocolException {
        if (value < 0) {
            throw new ProtocolException(Reason.BAD_FIELD, field + " " + Long.toUnsignedString(value));
        }
        return value;
    }

    // MAIL: txid:u32 | id:u64 | remaining:u32 | length:u16 | mail (id 0: none, length 0)

    private static void encodeMail(Mail m, ByteBuffer out) {
        out.putInt(m.txid());
        out.putLong(m.id());
        out.putInt(m.remaining());
        out.putShort((short) m.mail().length());
        WireWriter.octets(out, m.mail());
    }

    private static Mail decodeMail(WireReader in) throws ProtocolException {
        int txid = in.u32("txid");
        long id = nonNegative(in.u64("id"), "id");
        int remaining = in.u32("remaining");
        if (remaining < 0) {
            throw new ProtocolException(Reason.BAD_FIELD, "remaining " + Integer.toUnsignedString(remaining));
        }
        Octets mail = mail(in, id == 0 ? 0 : 1);
        if (id == 0 && mail.length() != 0) {
            throw new ProtocolException(Reason.BAD_FIELD, "mail with id 0");
        }
        return new Mail(txid, id, remaining, mail);
    }

    // MAIL_ACK: txid:u32 | cookie:16 | token:8 | count:u8 (1..64) | ids:u64 each (1..2^63-1)

    private static void encodeMailAck(MailAck m, ByteBuffer out) {
        out.putInt(m.txid());
        WireWriter.octets(out, m.cookie());
        out.putLong(m.token());
        out.put((byte) m.ids().size());
        for (long id : m.ids()) {
            out.putLong(id);
        }
    }

    private static MailAck decodeMailAck(WireReader in) throws ProtocolException {
        int txid = in.u32("txid");
        Octets cookie = in.octets(TrackerWire.COOKIE_SIZE, "cookie");
        long token = in.u64("token");
        int count = in.u8("count");
        if (count < 1 || count > TrackerWire.MAX_MAIL_ACK_IDS) {
            throw new ProtocolException(Reason.BAD_FIELD, "mail ack count " + count);
        }
        List<Long> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long id = in.u64("id");
            if (id <= 0) {
                throw new ProtocolException(Reason.BAD_FIELD, "mail id " + Long.toUnsignedString(id));
            }
            ids.add(id);
        }
        return new MailAck(txid, cookie, token, ids);
    }

    // RENAME: txid:u32 | cookie:16 | token:8 | name | new name | signature:64

    private static void encodeRename(Rename m, ByteBuffer out) {
        out.putInt(m.txid());
        WireWriter.octets(out, m.cookie());
        out.putLong(m.token());
        WireWriter.name(out, m.name());
        WireWriter.name(out, m.newName());
        WireWriter.octets(out, m.signature());
    }

    private static Rename decodeRename(WireReader in) throws ProtocolException {
        return new Rename(
                in.u32("txid"),
                in.octets(TrackerWire.COOKIE_SIZE, "cookie"),
                in.u64("token"),
                in.name(false, "name"),
                in.name(false, "new name"),
                in.octets(Wire.SIGNATURE_SIZE, "signature"));
    }

    // UNREGISTER: txid:u32 | cookie:16 | token:8 | name | signature:64

    private static void encodeUnregister(Unregister m, ByteBuffer out) {
        out.putInt(m.txid());
        WireWriter.octets(out, m.cookie());
        out.putLong(m.token());
        WireWriter.name(out, m.name());
        WireWriter.octets(out, m.signature());
    }

    private static Unregister decodeUnregister(WireReader in) throws ProtocolException {
        return new Unregister(
                in.u32("txid"),
                in.octets(TrackerWire.COOKIE_SIZE, "cookie"),
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

    // RELAY: token:u64 | target identity key:32 | payload (the rest: a whole peer frame, never read here)
    // RELAYED: sender identity key:32 | payload (the rest)

    private static Octets relayPayload(WireReader in) throws ProtocolException {
        int length = in.remaining();
        if (length < TrackerWire.MIN_RELAY_PAYLOAD) {
            throw new ProtocolException(Reason.TRUNCATED, "relayed payload needs " + TrackerWire.MIN_RELAY_PAYLOAD
                    + " bytes, " + length + " left");
        }
        if (length > Wire.MAX_PEER_DATAGRAM_SIZE) {
            throw new ProtocolException(Reason.BAD_FIELD, "relayed payload of " + length + " bytes");
        }
        return in.rest();
    }

    // SEALED: session:u64 | counter:u64 | box (the rest: the sealed message, then the tag)

    private static Sealed decodeSealed(WireReader in) throws ProtocolException {
        long session = in.u64("session");
        long counter = in.u64("counter");
        int length = in.remaining() - TrackerWire.SEAL_TAG_SIZE;
        if (length < TrackerWire.MIN_SEALED_MESSAGE_SIZE) {
            throw new ProtocolException(Reason.TRUNCATED, "a sealed message needs "
                    + (TrackerWire.MIN_SEALED_MESSAGE_SIZE + TrackerWire.SEAL_TAG_SIZE) + " bytes, "
                    + in.remaining() + " left");
        }
        if (length > TrackerWire.MAX_SEALED_MESSAGE_SIZE) {
            throw new ProtocolException(Reason.TOO_LONG, "a sealed message of " + length + " bytes");
        }
        return new Sealed(session, counter, in.rest());
    }
}
