package dev.p2pchat.protocol.tracker;

import dev.p2pchat.protocol.Addresses;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Every message between a peer and the tracker, one record per type. {@link TrackerCodec} turns them into datagrams
 * and back; records validate their fields on construction, so every record can be encoded.
 */
public sealed interface TrackerMessage {

    TrackerMessageType type();

    /** A request or its reply, matched by a transaction id the requester chooses. */
    sealed interface Transaction extends TrackerMessage {
        int txid();
    }

    /** A request that proves its source address with a cookie from a {@link CookieChallenge}. */
    sealed interface CookieBearing extends Transaction {
        Octets cookie();
    }

    /** A request signed with the sender's Ed25519 identity key over every byte before the signature. */
    sealed interface Signed extends TrackerMessage, dev.p2pchat.protocol.Signed {
        @Override
        Signed withSignature(Octets signature);

        @Override
        default byte[] signedBytes() {
            return TrackerCodec.signedBytes(this);
        }
    }

    /** Asks for a cookie. Padded to the size of the challenge, so the tracker never amplifies. */
    record CookieRequest(int txid) implements Transaction {
        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.COOKIE_REQUEST;
        }
    }

    /**
     * The cookie that proves the requester receives at its source address, and the tracker's X25519 key, which the
     * sessions of its registrations are sealed with. A peer checks the key against the one it pinned.
     */
    record CookieChallenge(int txid, Octets cookie, Octets trackerKey) implements Transaction {
        public CookieChallenge {
            Octets.requireLength(cookie, TrackerWire.COOKIE_SIZE, "cookie");
            Octets.requireLength(trackerKey, Wire.KEY_SIZE, "trackerKey");
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.COOKIE_CHALLENGE;
        }
    }

    /**
     * Claims {@code name} for the identity key, announces how to reach the sender, and opens a session with the
     * tracker: every later message of this registration, both ways, is sealed under keys from {@code sessionKey}.
     *
     * @param sessionKey a fresh X25519 public key of this registration's session
     * @param timestamp the sender's clock in milliseconds, larger in each new REGISTER of one identity key: the
     *     tracker refuses one older than the registration it holds, so a captured REGISTER cannot be replayed
     */
    record Register(
            int txid,
            Octets cookie,
            String name,
            Octets identityKey,
            Octets agreementKey,
            int capabilities,
            List<InetSocketAddress> privateAddresses,
            Octets sessionKey,
            long timestamp,
            Octets signature)
            implements CookieBearing, Signed {
        public Register {
            Octets.requireLength(cookie, TrackerWire.COOKIE_SIZE, "cookie");
            Names.requireWireName(name, false, "name");
            Octets.requireLength(identityKey, Wire.KEY_SIZE, "identityKey");
            Octets.requireLength(agreementKey, Wire.KEY_SIZE, "agreementKey");
            privateAddresses = Addresses.requireEncodableList(privateAddresses);
            Octets.requireLength(sessionKey, Wire.KEY_SIZE, "sessionKey");
            Octets.requireLength(signature, Wire.SIGNATURE_SIZE, "signature");
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.REGISTER;
        }

        @Override
        public Register withSignature(Octets signature) {
            return new Register(txid, cookie, name, identityKey, agreementKey, capabilities, privateAddresses,
                    sessionKey, timestamp, signature);
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
     * @param resetProof what a SESSION_UNKNOWN for this session carries, so that the peer believes only the
     *     tracker's word that it lost the session (it travels sealed: nobody else learns it before the tracker uses it)
     */
    record Registered(int txid, long token, int leaseSeconds, int keepaliveMillis, InetSocketAddress observed,
            Octets cookie, Octets resetProof) implements Transaction {
        public Registered {
            Addresses.requireEncodable(observed, "observed");
            Octets.requireLength(cookie, TrackerWire.COOKIE_SIZE, "cookie");
            Octets.requireLength(resetProof, TrackerWire.RESET_PROOF_SIZE, "resetProof");
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.REGISTERED;
        }
    }

    /** Renews the lease of {@code name}; the token, not a signature, proves the sender holds it. */
    record Keepalive(int txid, Octets cookie, long token, String name) implements CookieBearing {
        public Keepalive {
            Octets.requireLength(cookie, TrackerWire.COOKIE_SIZE, "cookie");
            Names.requireWireName(name, false, "name");
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.KEEPALIVE;
        }
    }

    /** The lease is renewed; also reports the observed address, so a peer notices its NAT mapping change. */
    record KeepaliveAck(int txid, int keepaliveMillis, InetSocketAddress observed, Octets cookie)
            implements Transaction {
        public KeepaliveAck {
            Addresses.requireEncodable(observed, "observed");
            Octets.requireLength(cookie, TrackerWire.COOKIE_SIZE, "cookie");
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.KEEPALIVE_ACK;
        }
    }

    /**
     * Asks for the peer registered as {@code target}. A registered requester names itself and proves it with
     * its token; the tracker then introduces it to the target. An empty {@code requester} (token 0) asks
     * anonymously, without an introduction.
     */
    record Lookup(int txid, Octets cookie, long token, String requester, String target) implements CookieBearing {
        public Lookup {
            Octets.requireLength(cookie, TrackerWire.COOKIE_SIZE, "cookie");
            Names.requireWireName(requester, true, "requester");
            Names.requireWireName(target, false, "target");
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.LOOKUP;
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
        public TrackerMessageType type() {
            return TrackerMessageType.LOOKUP_RESULT;
        }
    }

    /** Sent by the tracker to a looked-up peer: {@code peer} wants to talk, so both sides send at once. */
    record Introduction(PeerInfo peer) implements TrackerMessage {
        public Introduction {
            if (peer == null) {
                throw new NullPointerException("peer");
            }
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.INTRODUCTION;
        }
    }

    /** Asks for one page of registered peers, from {@code cursor} (0 for the first page). */
    record ListRequest(int txid, Octets cookie, int cursor) implements CookieBearing {
        public ListRequest {
            Octets.requireLength(cookie, TrackerWire.COOKIE_SIZE, "cookie");
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.LIST;
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
            int size = TrackerWire.LIST_PAGE_FIXED_SIZE;
            for (Entry entry : entries) {
                size += TrackerWire.listEntrySize(entry);
            }
            if (size > TrackerWire.MAX_SEALED_MESSAGE_SIZE) {
                throw new IllegalArgumentException("list page of " + size + " bytes exceeds one sealed datagram");
            }
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.LIST_PAGE;
        }
    }

    /** Moves the registration held as {@code name} to {@code newName}. */
    record Rename(int txid, Octets cookie, long token, String name, String newName, Octets signature)
            implements CookieBearing, Signed {
        public Rename {
            Octets.requireLength(cookie, TrackerWire.COOKIE_SIZE, "cookie");
            Names.requireWireName(name, false, "name");
            Names.requireWireName(newName, false, "newName");
            Octets.requireLength(signature, Wire.SIGNATURE_SIZE, "signature");
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.RENAME;
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
            Octets.requireLength(cookie, TrackerWire.COOKIE_SIZE, "cookie");
            Names.requireWireName(name, false, "name");
            Octets.requireLength(signature, Wire.SIGNATURE_SIZE, "signature");
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.UNREGISTER;
        }

        @Override
        public Unregister withSignature(Octets signature) {
            return new Unregister(txid, cookie, token, name, signature);
        }
    }

    /**
     * Leaves mail at the tracker for the peer whose identity key is {@code recipient}, while it is not registered:
     * bytes only the recipient can open (the tracker sees their size and the recipient's key). Answered by OK once
     * the tracker has stored them, or by ERROR (MAILBOX_FULL).
     */
    record Deposit(int txid, Octets cookie, long token, Octets recipient, Octets mail) implements CookieBearing {
        public Deposit {
            Octets.requireLength(cookie, TrackerWire.COOKIE_SIZE, "cookie");
            Octets.requireLength(recipient, Wire.KEY_SIZE, "recipient");
            if (mail == null || mail.length() < 1 || mail.length() > TrackerWire.MAX_MAIL_SIZE) {
                throw new IllegalArgumentException("mail must be 1 to " + TrackerWire.MAX_MAIL_SIZE + " bytes");
            }
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.DEPOSIT;
        }
    }

    /** Asks for the sender's own mail: the oldest piece whose id is above {@code after} (0 for the first). */
    record Fetch(int txid, Octets cookie, long token, long after) implements CookieBearing {
        public Fetch {
            Octets.requireLength(cookie, TrackerWire.COOKIE_SIZE, "cookie");
            if (after < 0) {
                throw new IllegalArgumentException("after must not be negative");
            }
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.FETCH;
        }
    }

    /**
     * One piece of the asker's mail, with its id (above the FETCH's {@code after}) and {@code remaining}: 0 when it is
     * the last, else at least 1 and at most all the asker's waiting pieces; id 0 with no bytes says there is none.
     */
    record Mail(int txid, long id, int remaining, Octets mail) implements Transaction {
        public Mail {
            if (id < 0 || remaining < 0) {
                throw new IllegalArgumentException("id and remaining must not be negative");
            }
            if (mail == null || mail.length() > TrackerWire.MAX_MAIL_SIZE || (id == 0) != (mail.length() == 0)) {
                throw new IllegalArgumentException("mail is 1 to " + TrackerWire.MAX_MAIL_SIZE
                        + " bytes, or empty with id 0");
            }
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.MAIL;
        }
    }

    /** The asker has stored these pieces of its mail: the tracker deletes them and answers OK. */
    record MailAck(int txid, Octets cookie, long token, List<Long> ids) implements CookieBearing {
        public MailAck {
            Octets.requireLength(cookie, TrackerWire.COOKIE_SIZE, "cookie");
            ids = List.copyOf(ids);
            if (ids.isEmpty() || ids.size() > TrackerWire.MAX_MAIL_ACK_IDS) {
                throw new IllegalArgumentException("a MAIL_ACK names 1 to " + TrackerWire.MAX_MAIL_ACK_IDS + " ids");
            }
            for (long id : ids) {
                if (id <= 0) {
                    throw new IllegalArgumentException("mail ids are positive");
                }
            }
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.MAIL_ACK;
        }
    }

    /** A rename, unregister, deposit or mail acknowledgement succeeded. */
    record Ok(int txid) implements Transaction {
        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.OK;
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
        public TrackerMessageType type() {
            return TrackerMessageType.ERROR;
        }
    }

    /**
     * Asks the tracker to pass {@code payload}, a whole peer frame, on to the registered peer holding {@code target},
     * for peers that have no direct path. {@code token} is the sender's session token: with the source address it
     * proves which registration sends, so the tracker can attribute what it relays and hold each sender to its
     * budget. The tracker never reads the payload; it budgets it by length alone.
     */
    record Relay(long token, Octets target, Octets payload) implements TrackerMessage {
        public Relay {
            Octets.requireLength(target, Wire.KEY_SIZE, "target");
            TrackerWire.requireRelayPayload(payload);
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.RELAY;
        }
    }

    /** A peer frame the tracker relays, byte for byte, from the registered peer holding {@code sender}. */
    record Relayed(Octets sender, Octets payload) implements TrackerMessage {
        public Relayed {
            Octets.requireLength(sender, Wire.KEY_SIZE, "sender");
            TrackerWire.requireRelayPayload(payload);
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.RELAYED;
        }
    }

    /**
     * A message of a registration's session, sealed: {@code box} is the encoded message encrypted and authenticated
     * under the session's key for this direction, with the header, session and counter as associated data. Only
     * {@link SessionCipher} makes and opens one.
     *
     * @param session the session token the tracker gave the registration (a fresh random number for the refusal of a
     *     REGISTER)
     * @param counter this direction's message counter, never used twice under one key
     * @param box the ciphertext of the message, then the tag
     */
    record Sealed(long session, long counter, Octets box) implements TrackerMessage {
        public Sealed {
            if (box == null) {
                throw new NullPointerException("box");
            }
            int length = box.length() - TrackerWire.SEAL_TAG_SIZE;
            if (length < TrackerWire.MIN_SEALED_MESSAGE_SIZE || length > TrackerWire.MAX_SEALED_MESSAGE_SIZE) {
                throw new IllegalArgumentException("a sealed message has " + TrackerWire.MIN_SEALED_MESSAGE_SIZE
                        + " to " + TrackerWire.MAX_SEALED_MESSAGE_SIZE + " bytes, not " + length);
            }
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.SEALED;
        }
    }

    /**
     * The tracker holds no session {@code session} (it restarted, or the lease ended): register again. Not sealed (the tracker has no session key left to seal it with);
     * {@code proof} is the session's reset proof, which the tracker computes from its own key alone and told the peer
     * sealed in REGISTERED, so a peer believes it only from the tracker, and only for its own current session.
     */
    record SessionUnknown(long session, Octets proof) implements TrackerMessage {
        public SessionUnknown {
            Octets.requireLength(proof, TrackerWire.RESET_PROOF_SIZE, "proof");
        }

        @Override
        public TrackerMessageType type() {
            return TrackerMessageType.SESSION_UNKNOWN;
        }
    }
}
