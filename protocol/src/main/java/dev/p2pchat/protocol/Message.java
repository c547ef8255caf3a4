package dev.p2pchat.protocol;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Every message of the wire protocol, one record per type. {@link MessageCodec} turns them into datagrams and
 * back; records validate their fields on construction, so every record can be encoded.
 */
public sealed interface Message {

    MessageType type();

    /** A request or its reply, matched by a transaction id the requester chooses. */
    sealed interface Transaction extends Message {
        int txid();
    }

    /** A request that proves its source address with a cookie from a {@link CookieChallenge}. */
    sealed interface CookieBearing extends Transaction {
        Octets cookie();
    }

    /** A message signed with the sender's Ed25519 identity key over every byte before the signature. */
    sealed interface Signed extends Message {
        Octets signature();

        /** The same message with {@code signature} in place of the current one. */
        Signed withSignature(Octets signature);
    }

    /** Asks for a cookie. Padded to the size of the challenge, so the tracker never amplifies. */
    record CookieRequest(int txid) implements Transaction {
        @Override
        public MessageType type() {
            return MessageType.COOKIE_REQUEST;
        }
    }

    /** The cookie that proves the requester receives at its source address. */
    record CookieChallenge(int txid, Octets cookie) implements Transaction {
        public CookieChallenge {
            Octets.requireLength(cookie, Wire.COOKIE_SIZE, "cookie");
        }

        @Override
        public MessageType type() {
            return MessageType.COOKIE_CHALLENGE;
        }
    }

    /** Claims {@code name} for the identity key and announces how to reach the sender. */
    record Register(
            int txid,
            Octets cookie,
            String name,
            Octets identityKey,
            Octets agreementKey,
            int capabilities,
            List<InetSocketAddress> privateAddresses,
            Octets signature)
            implements CookieBearing, Signed {
        public Register {
            Octets.requireLength(cookie, Wire.COOKIE_SIZE, "cookie");
            Names.requireWireName(name, false, "name");
            Octets.requireLength(identityKey, Wire.KEY_SIZE, "identityKey");
            Octets.requireLength(agreementKey, Wire.KEY_SIZE, "agreementKey");
            privateAddresses = Addresses.requireEncodableList(privateAddresses);
            Octets.requireLength(signature, Wire.SIGNATURE_SIZE, "signature");
        }

        @Override
        public MessageType type() {
            return MessageType.REGISTER;
        }

        @Override
        public Register withSignature(Octets signature) {
            return new Register(txid, cookie, name, identityKey, agreementKey, capabilities, privateAddresses,
                    signature);
        }
    }

    /**
     * A registration was accepted.
     *
     * @param token the session token that authenticates keepalives and lookups of this registration
     * @param leaseSeconds how long the registration lives without a keepalive
     * @param keepaliveMillis when to send the next keepalive (jittered by the tracker)
     * @param observed the source address the tracker saw
     * @param cookie a fresh cookie for the next requests
     */
    record Registered(
            int txid, long token, int leaseSeconds, int keepaliveMillis, InetSocketAddress observed, Octets cookie)
            implements Transaction {
        public Registered {
            Addresses.requireEncodable(observed, "observed");
            Octets.requireLength(cookie, Wire.COOKIE_SIZE, "cookie");
        }

        @Override
        public MessageType type() {
            return MessageType.REGISTERED;
        }
    }

    /** Renews the lease of {@code name}; the token, not a signature, proves the sender holds it. */
    record Keepalive(int txid, Octets cookie, long token, String name) implements CookieBearing {
        public Keepalive {
            Octets.requireLength(cookie, Wire.COOKIE_SIZE, "cookie");
            Names.requireWireName(name, false, "name");
        }

        @Override
        public MessageType type() {
            return MessageType.KEEPALIVE;
        }
    }

    /** The lease is renewed; also reports the observed address, so a peer notices its NAT mapping change. */
    record KeepaliveAck(int txid, int keepaliveMillis, InetSocketAddress observed, Octets cookie)
            implements Transaction {
        public KeepaliveAck {
            Addresses.requireEncodable(observed, "observed");
            Octets.requireLength(cookie, Wire.COOKIE_SIZE, "cookie");
        }

        @Override
        public MessageType type() {
            return MessageType.KEEPALIVE_ACK;
        }
    }

    /**
     * Asks for the peer registered as {@code target}. A registered requester names itself and proves it with
     * its token; the tracker then introduces it to the target. An empty {@code requester} (token 0) asks
     * anonymously, without an introduction.
     */
    record Lookup(int txid, Octets cookie, long token, String requester, String target) implements CookieBearing {
        public Lookup {
            Octets.requireLength(cookie, Wire.COOKIE_SIZE, "cookie");
            Names.requireWireName(requester, true, "requester");
            Names.requireWireName(target, false, "target");
        }

        @Override
        public MessageType type() {
            return MessageType.LOOKUP;
        }
    }

    /** The looked-up peer. */
    record LookupResult(int txid, PeerInfo peer) implements Transaction {
        public LookupResult {
            if (peer == null) {
                throw new NullPointerException("peer");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.LOOKUP_RESULT;
        }
    }

    /** Sent by the tracker to a looked-up peer: {@code peer} wants to talk, so both sides send at once. */
    record Introduction(PeerInfo peer) implements Message {
        public Introduction {
            if (peer == null) {
                throw new NullPointerException("peer");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.INTRODUCTION;
        }
    }

    /** Asks for one page of registered peers, from {@code cursor} (0 for the first page). */
    record ListRequest(int txid, Octets cookie, int cursor) implements CookieBearing {
        public ListRequest {
            Octets.requireLength(cookie, Wire.COOKIE_SIZE, "cookie");
        }

        @Override
        public MessageType type() {
            return MessageType.LIST;
        }
    }

    /**
     * One page of registered peers.
     *
     * @param nextCursor where the next page starts, 0 when this is the last page
     * @param total how many peers are registered
     */
    record ListPage(int txid, int nextCursor, int total, List<Entry> entries) implements Transaction {
        /** One listed peer. */
        public record Entry(String name, Octets identityKey) {
            public Entry {
                Names.requireWireName(name, false, "name");
                Octets.requireLength(identityKey, Wire.KEY_SIZE, "identityKey");
            }
        }

        public ListPage {
            entries = List.copyOf(entries);
            int size = Wire.LIST_PAGE_FIXED_SIZE;
            for (Entry entry : entries) {
                size += Wire.listEntrySize(entry);
            }
            if (size > Wire.MAX_DATAGRAM_SIZE) {
                throw new IllegalArgumentException("list page of " + size + " bytes exceeds one datagram");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.LIST_PAGE;
        }
    }

    /** Moves the registration held as {@code name} to {@code newName}. */
    record Rename(int txid, Octets cookie, long token, String name, String newName, Octets signature)
            implements CookieBearing, Signed {
        public Rename {
            Octets.requireLength(cookie, Wire.COOKIE_SIZE, "cookie");
            Names.requireWireName(name, false, "name");
            Names.requireWireName(newName, false, "newName");
            Octets.requireLength(signature, Wire.SIGNATURE_SIZE, "signature");
        }

        @Override
        public MessageType type() {
            return MessageType.RENAME;
        }

        @Override
        public Rename withSignature(Octets signature) {
            return new Rename(txid, cookie, token, name, newName, signature);
        }
    }

    /** Ends the registration held as {@code name}. */
    record Unregister(int txid, Octets cookie, long token, String name, Octets signature)
            implements CookieBearing, Signed {
        public Unregister {
            Octets.requireLength(cookie, Wire.COOKIE_SIZE, "cookie");
            Names.requireWireName(name, false, "name");
            Octets.requireLength(signature, Wire.SIGNATURE_SIZE, "signature");
        }

        @Override
        public MessageType type() {
            return MessageType.UNREGISTER;
        }

        @Override
        public Unregister withSignature(Octets signature) {
            return new Unregister(txid, cookie, token, name, signature);
        }
    }

    /** A rename or unregister succeeded. */
    record Ok(int txid) implements Transaction {
        @Override
        public MessageType type() {
            return MessageType.OK;
        }
    }

    /** The request was refused, for the reason in {@code code}. */
    record ErrorReply(int txid, ErrorCode code) implements Transaction {
        public ErrorReply {
            if (code == null) {
                throw new NullPointerException("code");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.ERROR;
        }
    }

    /**
     * Asks the tracker to pass {@code datagram} on to the registered peer holding {@code target}, for peers that
     * have no direct path. {@code token} is the sender's session token: with the source address it proves which
     * registration sends, so the tracker can attribute what it relays and hold each sender to its budget.
     */
    record Relay(long token, Octets target, PeerDatagram datagram) implements Message {
        public Relay {
            Octets.requireLength(target, Wire.KEY_SIZE, "target");
            if (datagram == null) {
                throw new NullPointerException("datagram");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.RELAY;
        }
    }

    /** A peer datagram the tracker relays, from the registered peer holding {@code sender}. */
    record Relayed(Octets sender, PeerDatagram datagram) implements Message {
        public Relayed {
            Octets.requireLength(sender, Wire.KEY_SIZE, "sender");
            if (datagram == null) {
                throw new NullPointerException("datagram");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.RELAYED;
        }
    }

    // Peer-to-peer messages (type codes 0x40-0x7F).

    /**
     * Any datagram one peer sends another: at most {@link Wire#MAX_PEER_DATAGRAM_SIZE} bytes, so that it can travel
     * directly or inside a {@link Relay}.
     */
    sealed interface PeerDatagram extends Message {}

    /** A message between peers; {@code session} is the id the receiver chose for this conversation. */
    sealed interface PeerMessage extends PeerDatagram {
        long session();
    }

    /**
     * Opens (or re-opens) a conversation and punches the sender's NAT towards the receiver. {@code session} is the
     * id the sender chose: the receiver puts it in everything it sends back, so an off-path sender who cannot see
     * it cannot inject into the conversation. {@code nonce} is the challenge the HELLO_ACK must sign.
     */
    record Hello(
            long session,
            long nonce,
            String name,
            Octets identityKey,
            Octets agreementKey,
            int capabilities,
            Octets signature)
            implements Signed, PeerDatagram {
        public Hello {
            requireGreeting(name, identityKey, agreementKey, signature);
        }

        @Override
        public MessageType type() {
            return MessageType.HELLO;
        }

        @Override
        public Hello withSignature(Octets signature) {
            return new Hello(session, nonce, name, identityKey, agreementKey, capabilities, signature);
        }
    }

    /**
     * Answers a HELLO: signs the HELLO's {@code nonce} with the responder's key (proving it holds the key) and
     * gives the responder's own {@code session} id.
     */
    record HelloAck(
            long session,
            long nonce,
            String name,
            Octets identityKey,
            Octets agreementKey,
            int capabilities,
            Octets signature)
            implements Signed, PeerDatagram {
        public HelloAck {
            requireGreeting(name, identityKey, agreementKey, signature);
        }

        @Override
        public MessageType type() {
            return MessageType.HELLO_ACK;
        }

        @Override
        public HelloAck withSignature(Octets signature) {
            return new HelloAck(session, nonce, name, identityKey, agreementKey, capabilities, signature);
        }
    }

    /** The fields HELLO and HELLO_ACK share: who the sender is, and its signature. */
    private static void requireGreeting(String name, Octets identityKey, Octets agreementKey, Octets signature) {
        Names.requireWireName(name, false, "name");
        Octets.requireLength(identityKey, Wire.KEY_SIZE, "identityKey");
        Octets.requireLength(agreementKey, Wire.KEY_SIZE, "agreementKey");
        Octets.requireLength(signature, Wire.SIGNATURE_SIZE, "signature");
    }

    /** Asks for a PONG: liveness of an idle path and a round-trip sample. */
    record Ping(long session, int sequence) implements PeerMessage {
        @Override
        public MessageType type() {
            return MessageType.PING;
        }
    }

    /** Answers the PING with the same {@code sequence}. */
    record Pong(long session, int sequence) implements PeerMessage {
        @Override
        public MessageType type() {
            return MessageType.PONG;
        }
    }

    /**
     * One fragment of a chat message. Messages are numbered per conversation and direction from 1, so the
     * receiver keeps the sender's order and recognises duplicates; a message of up to
     * {@value Wire#MAX_MESSAGE_SIZE} bytes travels in at most {@value Wire#MAX_FRAGMENTS} fragments.
     *
     * <p>On the wire every fragment but the last carries exactly {@value Wire#MAX_FRAGMENT_PAYLOAD} bytes, and
     * {@link MessageCodec#decode} refuses one that does not. The record itself does not insist, so that the
     * reassembly logic can be exercised with small fragments; a sender must cut messages that way.
     */
    record Data(long session, long messageId, ContentKind kind, int fragment, int fragments, Octets payload)
            implements PeerMessage {
        public Data {
            if (kind == null || payload == null) {
                throw new NullPointerException(kind == null ? "kind" : "payload");
            }
            if (fragments < 1 || fragments > Wire.MAX_FRAGMENTS || fragment < 0 || fragment >= fragments) {
                throw new IllegalArgumentException("fragment " + fragment + " of " + fragments);
            }
            if (payload.length() > Wire.MAX_FRAGMENT_PAYLOAD) {
                throw new IllegalArgumentException("fragment payload of " + payload.length() + " bytes");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.DATA;
        }
    }

    /** Acknowledges one fragment of a message. */
    record Ack(long session, long messageId, int fragment) implements PeerMessage {
        public Ack {
            if (fragment < 0 || fragment >= Wire.MAX_FRAGMENTS) {
                throw new IllegalArgumentException("fragment " + fragment);
            }
        }

        @Override
        public MessageType type() {
            return MessageType.ACK;
        }
    }

    /** The sender closes the conversation (a clean exit or a disconnect). */
    record Goodbye(long session) implements PeerMessage {
        @Override
        public MessageType type() {
            return MessageType.GOODBYE;
        }
    }
}
