package dev.p2pchat.protocol.tracker;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.RandomFields;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.protocol.peer.RandomPeerFrames;
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
import dev.p2pchat.protocol.tracker.TrackerMessage.Unregister;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Valid random tracker messages of every type from seeded {@link RandomFields}, reaching the edges of every field:
 * names of 1 and 32 bytes, empty and full address lists, IPv4, IPv6 and IPv4-mapped IPv6 addresses, ports 1 and
 * 65535, integers with the high bit set, list pages that fill a SEALED to the last byte; RELAY and RELAYED
 * carrying the encoding of every peer frame type, among them the largest TRANSPORT, and opaque payloads of every
 * length from {@value TrackerWire#MIN_RELAY_PAYLOAD} to {@value Wire#MAX_PEER_DATAGRAM_SIZE} bytes, so that some
 * RELAY fills a SEALED to the last byte; SEALED boxes of every length, so that some SEALED fills a datagram; mail
 * of 1 to {@value TrackerWire#MAX_MAIL_SIZE} bytes, so that some DEPOSIT fills a SEALED, MAILs with and without a
 * piece, MAIL_ACKs of 1 to {@value TrackerWire#MAX_MAIL_ACK_IDS} ids.
 */
final class RandomTrackerMessages {
    private final RandomFields fields;
    private final Random random;
    private final RandomPeerFrames frames;

    RandomTrackerMessages(long seed) {
        this.fields = new RandomFields(seed);
        this.random = fields.random();
        this.frames = new RandomPeerFrames(fields);
    }

    TrackerMessage next() {
        TrackerMessageType[] types = TrackerMessageType.values();
        return next(types[random.nextInt(types.length)]);
    }

    TrackerMessage next(TrackerMessageType type) {
        return switch (type) {
            case COOKIE_REQUEST -> new CookieRequest(random.nextInt());
            case COOKIE_CHALLENGE -> new CookieChallenge(random.nextInt(), cookie(), fields.octets(Wire.KEY_SIZE));
            case REGISTER -> new Register(random.nextInt(), cookie(), fields.name(), fields.octets(Wire.KEY_SIZE),
                    fields.octets(Wire.KEY_SIZE), random.nextInt(), fields.addresses(), fields.octets(Wire.KEY_SIZE),
                    random.nextLong(), fields.octets(Wire.SIGNATURE_SIZE));
            case REGISTERED -> new Registered(random.nextInt(), random.nextLong(), random.nextInt(),
                    random.nextInt(), fields.address(), cookie(), resetProof());
            case KEEPALIVE -> new Keepalive(random.nextInt(), cookie(), random.nextLong(), fields.name());
            case KEEPALIVE_ACK -> new KeepaliveAck(random.nextInt(), random.nextInt(), fields.address(), cookie());
            case LOOKUP -> random.nextBoolean()
                    ? new Lookup(random.nextInt(), cookie(), 0, "", fields.name())
                    : new Lookup(random.nextInt(), cookie(), random.nextLong(), fields.name(), fields.name());
            case LOOKUP_RESULT -> new LookupResult(random.nextInt(), peerInfo());
            case INTRODUCTION -> new Introduction(peerInfo());
            case LIST -> new ListRequest(random.nextInt(), cookie(), random.nextInt());
            case LIST_PAGE -> listPage();
            case RENAME -> new Rename(random.nextInt(), cookie(), random.nextLong(), fields.name(), fields.name(),
                    fields.octets(Wire.SIGNATURE_SIZE));
            case UNREGISTER -> new Unregister(random.nextInt(), cookie(), random.nextLong(), fields.name(),
                    fields.octets(Wire.SIGNATURE_SIZE));
            case OK -> new Ok(random.nextInt());
            case ERROR -> new ErrorReply(random.nextInt(), errorCode());
            case RELAY -> new Relay(random.nextLong(), fields.octets(Wire.KEY_SIZE), payload());
            case RELAYED -> new Relayed(fields.octets(Wire.KEY_SIZE), payload());
            case SEALED -> new Sealed(random.nextInt(4) == 0 ? 0 : random.nextLong(), random.nextLong(), box());
            case SESSION_UNKNOWN -> new SessionUnknown(random.nextLong(), resetProof());
            case DEPOSIT -> new Deposit(random.nextInt(), cookie(), random.nextLong(), fields.octets(Wire.KEY_SIZE),
                    mail(1));
            case FETCH -> new Fetch(random.nextInt(), cookie(), random.nextLong(), random.nextLong() & Long.MAX_VALUE);
            case MAIL -> random.nextInt(4) == 0 ? new Mail(random.nextInt(), 0, 0, Octets.zeros(0))
                    : new Mail(random.nextInt(), mailId(), random.nextInt() & Integer.MAX_VALUE, mail(1));
            case MAIL_ACK -> {
                List<Long> ids = new ArrayList<>();
                int count = random.nextBoolean() ? TrackerWire.MAX_MAIL_ACK_IDS
                        : 1 + random.nextInt(TrackerWire.MAX_MAIL_ACK_IDS);
                for (int i = 0; i < count; i++) {
                    ids.add(mailId());
                }
                yield new MailAck(random.nextInt(), cookie(), random.nextLong(), ids);
            }
        };
    }

    /** Mail bytes, often of the shortest or longest length a DEPOSIT carries: the tracker never reads them. */
    Octets mail(int shortest) {
        int length = switch (random.nextInt(4)) {
            case 0 -> shortest;
            case 1 -> TrackerWire.MAX_MAIL_SIZE;
            default -> shortest + random.nextInt(TrackerWire.MAX_MAIL_SIZE - shortest + 1);
        };
        return fields.octets(length);
    }

    /** A mail id: 1 to 2^63 - 1, often the first or the last. */
    private long mailId() {
        return switch (random.nextInt(4)) {
            case 0 -> 1;
            case 1 -> Long.MAX_VALUE;
            default -> 1 + random.nextLong(Long.MAX_VALUE);
        };
    }

    /** A SEALED's box: any bytes, since the codec never opens it, often of the shortest or longest length. */
    Octets box() {
        int shortest = TrackerWire.MIN_SEALED_MESSAGE_SIZE + TrackerWire.SEAL_TAG_SIZE;
        int longest = TrackerWire.MAX_SEALED_MESSAGE_SIZE + TrackerWire.SEAL_TAG_SIZE;
        int length = switch (random.nextInt(4)) {
            case 0 -> shortest;
            case 1 -> longest;
            default -> shortest + random.nextInt(longest - shortest + 1);
        };
        return fields.octets(length);
    }

    /**
     * What a RELAY or RELAYED carries: half the time the encoding of a random peer frame, as peers send; otherwise
     * any bytes, often of the shortest or longest length a relay carries, since the tracker never reads them.
     */
    Octets payload() {
        if (random.nextBoolean()) {
            return Octets.of(PeerFrameCodec.encode(frames.next()));
        }
        int length = switch (random.nextInt(4)) {
            case 0 -> TrackerWire.MIN_RELAY_PAYLOAD;
            case 1 -> Wire.MAX_PEER_DATAGRAM_SIZE;
            default -> TrackerWire.MIN_RELAY_PAYLOAD
                    + random.nextInt(Wire.MAX_PEER_DATAGRAM_SIZE - TrackerWire.MIN_RELAY_PAYLOAD + 1);
        };
        return fields.octets(length);
    }

    private Octets cookie() {
        return fields.octets(TrackerWire.COOKIE_SIZE);
    }

    private Octets resetProof() {
        return fields.octets(TrackerWire.RESET_PROOF_SIZE);
    }

    private ErrorCode errorCode() {
        ErrorCode[] codes = ErrorCode.values();
        return codes[random.nextInt(codes.length)];
    }

    private ListPage listPage() {
        int budget = TrackerWire.MAX_SEALED_MESSAGE_SIZE - TrackerWire.LIST_PAGE_FIXED_SIZE;
        // A third of the pages fill what a SEALED carries as far as entries go; the rest stop at a random count.
        int wanted = random.nextInt(3) == 0 ? Integer.MAX_VALUE : random.nextInt(TrackerWire.MAX_LIST_ENTRIES + 1);
        List<ListPage.Entry> entries = new ArrayList<>();
        while (entries.size() < wanted && budget >= TrackerWire.MIN_LIST_ENTRY_SIZE) {
            int longest = Math.min(Wire.MAX_NAME_LENGTH, budget - 1 - Wire.KEY_SIZE);
            // Mostly short names, so that pages of many entries occur; exactly filling the rest when it fits.
            int length = random.nextInt(4) == 0 ? longest : 1 + random.nextInt(Math.min(longest, 8));
            ListPage.Entry entry = new ListPage.Entry(fields.name(length), fields.octets(Wire.KEY_SIZE));
            entries.add(entry);
            budget -= TrackerWire.listEntrySize(entry);
        }
        return new ListPage(random.nextInt(), random.nextInt(), random.nextInt(), entries);
    }

    private PeerInfo peerInfo() {
        return new PeerInfo(fields.name(), fields.octets(Wire.KEY_SIZE), fields.agreementKey(), random.nextInt(),
                fields.address(), fields.addresses());
    }
}
