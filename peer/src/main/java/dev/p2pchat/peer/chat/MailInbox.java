package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.link.MailSeal;
import dev.p2pchat.protocol.Octets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts mail envelopes back together from the pieces fetched from the tracker, in any order, a piece fetched twice
 * counted once, and a piece of an envelope opened already (a DEPOSIT the tracker got twice, its answer lost) only to
 * be deleted. Bounded: at most {@value #MAX_ENVELOPES} envelopes and {@value #MAX_BYTES} bytes wait for their
 * other pieces; beyond that the oldest incomplete one is dropped here (its pieces stay at the tracker, which was not
 * told to delete them, and come again at the next fetch). Owned by the event loop.
 */
final class MailInbox {
    static final int MAX_ENVELOPES = 256;
    static final long MAX_BYTES = 8L * 1024 * 1024;

    /**
     * A whole envelope: its pieces in order, and the tracker's ids of every piece that made it; no pieces for a late
     * copy of a piece of an envelope taken already, which is only to be deleted.
     */
    record Envelope(List<MailSeal.Piece> pieces, List<Long> ids) {}

    /** How many opened envelopes are remembered, so late copies of their pieces are recognised. */
    static final int REMEMBERED = 4_096;

    private static final class Partial {
        final MailSeal.Piece[] pieces;
        final List<Long> ids = new ArrayList<>();
        int present;
        long bytes;
        /** Whether a whole fetch of the mailbox ended with it incomplete already. */
        boolean incompleteAtEnd;

        Partial(int count) {
            pieces = new MailSeal.Piece[count];
        }
    }

    private final Map<Octets, Partial> partial = new LinkedHashMap<>();
    private final Map<Octets, Boolean> completed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Octets, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };
    private long bytes;
    private long dropped;

    /** Adds a piece; the envelope once its last piece came, else null. */
    Envelope add(long mailId, MailSeal.Piece piece) {
        if (completed.containsKey(piece.envelope())) {
            return new Envelope(List.of(), List.of(mailId));
        }
        Partial envelope = partial.get(piece.envelope());
        if (envelope != null && envelope.pieces.length != piece.count()) {
            return null; // a piece that disagrees with its envelope's count is not from its sealer: its id is kept
        }
        if (envelope == null) {
            envelope = new Partial(piece.count());
            partial.put(piece.envelope(), envelope);
        }
        envelope.ids.add(mailId);
        if (envelope.pieces[piece.index()] == null) {
            envelope.pieces[piece.index()] = piece;
            envelope.present++;
            envelope.bytes += piece.bytes().length();
            bytes += piece.bytes().length();
        }
        if (envelope.present == envelope.pieces.length) {
            partial.remove(piece.envelope());
            completed.put(piece.envelope(), Boolean.TRUE);
            bytes -= envelope.bytes;
            return new Envelope(List.of(envelope.pieces), List.copyOf(envelope.ids));
        }
        makeRoom();
        return null;
    }

    private void makeRoom() {
        Iterator<Partial> oldest = partial.values().iterator();
        while ((partial.size() > MAX_ENVELOPES || bytes > MAX_BYTES) && oldest.hasNext()) {
            bytes -= oldest.next().bytes;
            oldest.remove();
            dropped++;
        }
    }

    /**
     * A fetch went through the whole mailbox: the ids of the pieces of envelopes that were incomplete at the end of
     * this fetch and of the one before, for the tracker to delete. An honest sender deposits an envelope's pieces one
     * after another; pieces that stay alone (a sender that died half way, or pieces made to fill this inbox) would
     * otherwise come back at every fetch.
     */
    List<Long> fetchEnded() {
        List<Long> abandoned = new ArrayList<>();
        Iterator<Partial> all = partial.values().iterator();
        while (all.hasNext()) {
            Partial envelope = all.next();
            if (envelope.incompleteAtEnd) {
                abandoned.addAll(envelope.ids);
                bytes -= envelope.bytes;
                all.remove();
                dropped++;
            } else {
                envelope.incompleteAtEnd = true;
            }
        }
        return abandoned;
    }

    /** Incomplete envelopes dropped to stay within the bounds, or abandoned. */
    long dropped() {
        return dropped;
    }
}
