package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.link.MailSeal;
import dev.p2pchat.protocol.Octets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts mail envelopes back together from the pieces fetched from the tracker, in any order. A piece that is not
 * needed (a copy of one already here, a DEPOSIT the tracker got twice, a piece of an envelope taken already, of one
 * that stayed incomplete for {@value #ABANDON_AFTER_MILLIS} ms) comes back at once as an envelope without pieces,
 * for the tracker to delete. Bounded: at most {@value #MAX_ENVELOPES} envelopes and {@value #MAX_BYTES} bytes wait
 * for their other pieces; beyond that the oldest incomplete one is dropped here (its pieces stay at the tracker and
 * come again; when it first came is remembered, so one kept incomplete on purpose is abandoned all the same). Owned
 * by the event loop.
 */
final class MailInbox {
    static final int MAX_ENVELOPES = 256;
    static final long MAX_BYTES = 8L * 1024 * 1024;
    /** An honest sender deposits an envelope's pieces one after another, within seconds. */
    static final long ABANDON_AFTER_MILLIS = 10 * 60 * 1000;
    /** Envelopes whose fate is remembered: taken, or first seen when (so abandoned in time). */
    static final int REMEMBERED = 4_096;

    /**
     * A whole envelope: its pieces in order, and the tracker's ids of every piece that made it; no pieces when the
     * ids are only to be deleted.
     */
    record Envelope(Octets id, List<MailSeal.Piece> pieces, List<Long> ids) {}

    private static final class Partial {
        final MailSeal.Piece[] pieces;
        final List<Long> ids = new ArrayList<>();
        int present;
        long bytes;

        Partial(int count) {
            pieces = new MailSeal.Piece[count];
        }
    }

    private final Map<Octets, Partial> partial = new LinkedHashMap<>();
    private final Map<Octets, Boolean> taken = bounded();
    private final Map<Octets, Long> firstSeen = bounded();
    private long bytes;
    private long dropped;

    private static <V> Map<Octets, V> bounded() {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Octets, V> eldest) {
                return size() > REMEMBERED;
            }
        };
    }

    /** Adds a piece fetched at {@code now}; the envelope once its last piece came, an envelope of ids to delete, or null. */
    Envelope add(long mailId, MailSeal.Piece piece, long now) {
        Octets id = piece.envelope();
        Long first = firstSeen.putIfAbsent(id, now);
        if (taken.containsKey(id) || (first != null && now - first > ABANDON_AFTER_MILLIS)) {
            if (!taken.containsKey(id)) {
                dropped++; // counted once per piece: abandoned for good
                forgetPartial(id);
            }
            return new Envelope(id, List.of(), List.of(mailId));
        }
        Partial envelope = partial.get(id);
        if (envelope != null && envelope.pieces.length != piece.count()) {
            return null; // a piece that disagrees with its envelope's count is not from its sealer: left as it is
        }
        if (envelope == null) {
            envelope = new Partial(piece.count());
            partial.put(id, envelope);
        }
        if (envelope.ids.contains(mailId)) {
            return null; // the same piece fetched again, before its envelope is whole
        }
        if (envelope.pieces[piece.index()] != null) {
            return new Envelope(id, List.of(), List.of(mailId)); // another copy of a piece here already
        }
        envelope.ids.add(mailId);
        envelope.pieces[piece.index()] = piece;
        envelope.present++;
        envelope.bytes += piece.bytes().length();
        bytes += piece.bytes().length();
        if (envelope.present == envelope.pieces.length) {
            forgetPartial(id);
            return new Envelope(id, List.of(envelope.pieces), List.copyOf(envelope.ids));
        }
        makeRoom();
        return null;
    }

    /** The envelope's content is stored (or worthless): later copies of its pieces are only to be deleted. */
    void taken(Octets id) {
        taken.put(id, Boolean.TRUE);
    }

    private void forgetPartial(Octets id) {
        Partial gone = partial.remove(id);
        if (gone != null) {
            bytes -= gone.bytes;
        }
    }

    private void makeRoom() {
        Iterator<Partial> oldest = partial.values().iterator();
        while ((partial.size() > MAX_ENVELOPES || bytes > MAX_BYTES) && oldest.hasNext()) {
            bytes -= oldest.next().bytes;
            oldest.remove();
            dropped++;
        }
    }

    /** Incomplete envelopes dropped to stay within the bounds, and pieces of abandoned ones. */
    long dropped() {
        return dropped;
    }
}
