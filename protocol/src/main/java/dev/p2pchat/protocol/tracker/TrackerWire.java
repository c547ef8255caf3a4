package dev.p2pchat.protocol.tracker;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;

/** Field sizes and limits of the messages between a peer and the tracker (the shared ones are in {@link Wire}). */
public final class TrackerWire {
    public static final int TRANSACTION_ID_SIZE = 4;
    public static final int COOKIE_SIZE = 16;
    public static final int TOKEN_SIZE = 8;
    /** A cookie request is padded with zeros so that it is exactly as long as the challenge it asks for. */
    public static final int COOKIE_REQUEST_PADDING = COOKIE_SIZE + Wire.KEY_SIZE;
    /** Size of a whole COOKIE_REQUEST, and so of the COOKIE_CHALLENGE that answers it. */
    public static final int COOKIE_REQUEST_SIZE = Wire.HEADER_SIZE + TRANSACTION_ID_SIZE + COOKIE_REQUEST_PADDING;

    /** The largest message a SEALED carries: what fits a datagram with the seal around it. */
    public static final int MAX_SEALED_MESSAGE_SIZE = Wire.MAX_DATAGRAM_SIZE - Wire.SEALED_OVERHEAD;
    /** The smallest: a header and a txid (OK). */
    public static final int MIN_SEALED_MESSAGE_SIZE = Wire.HEADER_SIZE + TRANSACTION_ID_SIZE;
    /** The tag that ends a SEALED and authenticates it. */
    public static final int SEAL_TAG_SIZE = Wire.SEALED_OVERHEAD - Wire.HEADER_SIZE - 2 * Long.BYTES;
    /** The proof that a SESSION_UNKNOWN comes from the tracker, which REGISTERED told the peer in confidence. */
    public static final int RESET_PROOF_SIZE = 16;
    /** A SESSION_UNKNOWN: header, the session it answers, and that session's reset proof. */
    public static final int SESSION_UNKNOWN_SIZE = Wire.HEADER_SIZE + Long.BYTES + RESET_PROOF_SIZE;

    /** Bytes of a LIST_PAGE before its entries: header, txid, next cursor, total, count. */
    public static final int LIST_PAGE_FIXED_SIZE = Wire.HEADER_SIZE + TRANSACTION_ID_SIZE + 4 + 4 + 1;
    /** Smallest list entry: a one-byte name (plus its length byte) and the identity key. */
    public static final int MIN_LIST_ENTRY_SIZE = 1 + 1 + Wire.KEY_SIZE;
    /** Most entries one LIST_PAGE can hold; a larger count is malformed. */
    public static final int MAX_LIST_ENTRIES = (MAX_SEALED_MESSAGE_SIZE - LIST_PAGE_FIXED_SIZE) / MIN_LIST_ENTRY_SIZE;

    /** RELAY's fields before the peer frame it carries: header, the sender's token, the target's identity key. */
    public static final int RELAY_FIXED_SIZE = Wire.HEADER_SIZE + TOKEN_SIZE + Wire.KEY_SIZE;
    /** RELAYED's fields before the peer frame it carries: header, the sender's identity key. */
    public static final int RELAYED_FIXED_SIZE = Wire.HEADER_SIZE + Wire.KEY_SIZE;
    /** The smallest payload a RELAY carries: a peer frame has at least a header. */
    public static final int MIN_RELAY_PAYLOAD = Wire.HEADER_SIZE;

    /** DEPOSIT's fields before its mail: header, txid, cookie, token, the recipient's key, the mail's length. */
    public static final int DEPOSIT_FIXED_SIZE = Wire.HEADER_SIZE + TRANSACTION_ID_SIZE + COOKIE_SIZE + TOKEN_SIZE
            + Wire.KEY_SIZE + 2;
    /** The most bytes of mail one DEPOSIT carries: what fills a SEALED. A MAIL, with fewer fields, always fits. */
    public static final int MAX_MAIL_SIZE = MAX_SEALED_MESSAGE_SIZE - DEPOSIT_FIXED_SIZE;
    /** MAIL's fields before its bytes: header, txid, id, remaining, the mail's length. */
    public static final int MAIL_FIXED_SIZE = Wire.HEADER_SIZE + TRANSACTION_ID_SIZE + Long.BYTES + 4 + 2;
    /** MAIL_ACK's fields before its ids: header, txid, cookie, token, count. */
    public static final int MAIL_ACK_FIXED_SIZE = Wire.HEADER_SIZE + TRANSACTION_ID_SIZE + COOKIE_SIZE + TOKEN_SIZE
            + 1;
    /** The most ids one MAIL_ACK names. */
    public static final int MAX_MAIL_ACK_IDS = 64;

    private TrackerWire() {}

    /** Encoded size of one LIST_PAGE entry. */
    public static int listEntrySize(TrackerMessage.ListPage.Entry entry) {
        return Wire.nameSize(entry.name()) + Wire.KEY_SIZE;
    }

    /** Checks the payload of a RELAY or RELAYED: {@link #MIN_RELAY_PAYLOAD} to {@link Wire#MAX_PEER_DATAGRAM_SIZE}. */
    static Octets requireRelayPayload(Octets payload) {
        if (payload == null) {
            throw new NullPointerException("payload");
        }
        if (payload.length() < MIN_RELAY_PAYLOAD || payload.length() > Wire.MAX_PEER_DATAGRAM_SIZE) {
            throw new IllegalArgumentException("a relayed payload has " + MIN_RELAY_PAYLOAD + " to "
                    + Wire.MAX_PEER_DATAGRAM_SIZE + " bytes, not " + payload.length());
        }
        return payload;
    }
}
