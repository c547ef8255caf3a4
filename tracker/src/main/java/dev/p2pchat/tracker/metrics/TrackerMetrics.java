package dev.p2pchat.tracker.metrics;

import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import dev.p2pchat.tracker.mailbox.Mailbox;
import dev.p2pchat.tracker.relay.RelayTable;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The tracker's counters. Updated from the event loop, read from anywhere (the stats log line, the metrics
 * endpoint, tests).
 */
public final class TrackerMetrics {
    private final LongAdder[] received = adders(TrackerMessageType.values().length);
    private final LongAdder[] sent = adders(TrackerMessageType.values().length);
    private final LongAdder[] dropped = adders(DropReason.values().length);
    private final LongAdder[] errors = adders(ErrorCode.values().length);
    private final LongAdder[] relayEvents = adders(RelayTable.Event.values().length);
    private final LongAdder datagramsIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder datagramsOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder unvalidatedBytesIn = new LongAdder();
    private final LongAdder unvalidatedBytesOut = new LongAdder();
    private final LongAdder introductions = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final LongAdder stunAnswers = new LongAdder();
    private final LongAdder relayedDatagrams = new LongAdder();
    private final LongAdder relayedBytes = new LongAdder();
    private volatile IntSupplier registeredPeers = () -> 0;
    private volatile Mailbox mailbox;
    private volatile IntSupplier relayPeers = () -> 0;
    private volatile IntSupplier relayWishes = () -> 0;

    /** The mailbox whose counters are reported with the tracker's. */
    public void mailbox(Mailbox mailbox) {
        this.mailbox = mailbox;
    }

    public void registeredPeers(IntSupplier gauge) {
        this.registeredPeers = gauge;
    }

    /** How many peers hold relay permissions, read when the counters are. */
    public void relayPeers(IntSupplier gauge) {
        this.relayPeers = gauge;
    }

    /** How many one-sided wishes to relay the relay keeps, read when the counters are. */
    public void relayWishes(IntSupplier gauge) {
        this.relayWishes = gauge;
    }

    /** Something the relay gave up (an idle entry, an old wish) or refused (a pair, for lack of room). */
    public void relayEvent(RelayTable.Event event) {
        relayEvents[event.ordinal()].increment();
    }

    public long relayEvents(RelayTable.Event event) {
        return relayEvents[event.ordinal()].sum();
    }

    /** A RELAY passed on, carrying a peer datagram of {@code bytes} bytes. */
    public void relayed(int bytes) {
        relayedDatagrams.increment();
        relayedBytes.add(bytes);
    }

    public long relayedDatagrams() {
        return relayedDatagrams.sum();
    }

    public long relayedBytes() {
        return relayedBytes.sum();
    }

    public void datagramIn(int bytes) {
        datagramsIn.increment();
        bytesIn.add(bytes);
    }

    /** A datagram written to the socket; {@code typeCode} is its header's type byte. */
    public void datagramOut(int typeCode, int bytes) {
        datagramsOut.increment();
        bytesOut.add(bytes);
        TrackerMessageType type = TrackerMessageType.ofCode(typeCode);
        if (type != null) {
            sent[type.ordinal()].increment();
            if (type == TrackerMessageType.COOKIE_CHALLENGE || type == TrackerMessageType.SESSION_UNKNOWN) {
                // The only replies a sender gets before proving its address.
                unvalidatedBytesOut.add(bytes);
            }
        }
    }

    /** A STUN Binding answer written to the socket: the one reply besides the cookie an unproven sender gets. */
    public void stunAnswerOut(int bytes) {
        datagramsOut.increment();
        bytesOut.add(bytes);
        unvalidatedBytesOut.add(bytes);
        stunAnswers.increment();
    }

    /**
     * A message sealed into a SEALED for a session: counted as sent by its own type, as the message a SEALED carried
     * in is counted as received by its own type (the datagram itself counts as a SEALED when it is written).
     */
    public void countSealed(TrackerMessageType type) {
        sent[type.ordinal()].increment();
    }

    public void countReceived(TrackerMessageType type) {
        received[type.ordinal()].increment();
    }

    /** A datagram from a sender that has not (in this datagram) proven its address. */
    public void unvalidated(int bytes) {
        unvalidatedBytesIn.add(bytes);
    }

    public void countDrop(DropReason reason) {
        dropped[reason.ordinal()].increment();
    }

    public void error(ErrorCode code) {
        errors[code.ordinal()].increment();
    }

    public void introduced() {
        introductions.increment();
    }

    public void expired(int count) {
        expired.add(count);
    }

    public long received(TrackerMessageType type) {
        return received[type.ordinal()].sum();
    }

    public long sent(TrackerMessageType type) {
        return sent[type.ordinal()].sum();
    }

    public long dropped(DropReason reason) {
        return dropped[reason.ordinal()].sum();
    }

    public long droppedTotal() {
        long total = 0;
        for (LongAdder adder : dropped) {
            total += adder.sum();
        }
        return total;
    }

    public long errors(ErrorCode code) {
        return errors[code.ordinal()].sum();
    }

    public long datagramsIn() {
        return datagramsIn.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long datagramsOut() {
        return datagramsOut.sum();
    }

    public long unvalidatedBytesIn() {
        return unvalidatedBytesIn.sum();
    }

    public long unvalidatedBytesOut() {
        return unvalidatedBytesOut.sum();
    }

    public long introductions() {
        return introductions.sum();
    }

    public long expired() {
        return expired.sum();
    }

    public long stunAnswers() {
        return stunAnswers.sum();
    }

    public int registered() {
        return registeredPeers.getAsInt();
    }

    /** One line for the periodic log: totals, then only the counters that are not zero. */
    public String statsLine() {
        StringBuilder line = new StringBuilder()
                .append("peers=").append(registered())
                .append(" in=").append(datagramsIn()).append('/').append(bytesIn()).append('B')
                .append(" out=").append(datagramsOut()).append('/').append(bytesOut.sum()).append('B')
                .append(" unvalidated_in=").append(unvalidatedBytesIn()).append('B')
                .append(" unvalidated_out=").append(unvalidatedBytesOut()).append('B')
                .append(" introductions=").append(introductions())
                .append(" expired=").append(expired())
                .append(" stun=").append(stunAnswers())
                .append(" relayed=").append(relayedDatagrams()).append('/').append(relayedBytes()).append('B')
                .append(" relay_peers=").append(relayPeers.getAsInt())
                .append(" relay_wishes=").append(relayWishes.getAsInt());
        appendNonZero(line, " recv", received, TrackerMessageType.values());
        appendNonZero(line, " sent", sent, TrackerMessageType.values());
        appendNonZero(line, " drop", dropped, DropReason.values());
        appendNonZero(line, " error", errors, ErrorCode.values());
        appendNonZero(line, " relay", relayEvents, RelayTable.Event.values());
        Mailbox mail = mailbox;
        if (mail != null) {
            line.append(" mail=").append(mail.pieces()).append('/').append(mail.bytes()).append('B')
                    .append(" mail_deposited=").append(mail.deposited())
                    .append(" mail_fetched=").append(mail.fetched())
                    .append(" mail_acknowledged=").append(mail.acknowledged())
                    .append(" mail_expired=").append(mail.expired());
            for (Mailbox.Refusal refusal : Mailbox.Refusal.values()) {
                if (mail.refused(refusal) > 0) {
                    line.append(" mail_refused.").append(refusal.name().toLowerCase(Locale.ROOT))
                            .append('=').append(mail.refused(refusal));
                }
            }
        }
        return line.toString();
    }

    /** Every counter in the Prometheus text exposition format. */
    public String prometheusText() {
        StringBuilder text = new StringBuilder();
        gauge(text, "p2pchat_tracker_registered_peers", "Peers with a live registration.", registered());
        counter(text, "p2pchat_tracker_datagrams_in_total", "Datagrams received.", datagramsIn());
        counter(text, "p2pchat_tracker_bytes_in_total", "Bytes received.", bytesIn());
        counter(text, "p2pchat_tracker_datagrams_out_total", "Datagrams handed to the socket.", datagramsOut());
        counter(text, "p2pchat_tracker_bytes_out_total", "Bytes handed to the socket.", bytesOut.sum());
        counter(text, "p2pchat_tracker_unvalidated_bytes_in_total",
                "Bytes received in datagrams without a valid cookie.", unvalidatedBytesIn());
        counter(text, "p2pchat_tracker_unvalidated_bytes_out_total",
                "Bytes written to senders that had not proven their address.", unvalidatedBytesOut());
        counter(text, "p2pchat_tracker_introductions_total", "Introductions sent.", introductions());
        counter(text, "p2pchat_tracker_expired_total", "Registrations whose lease ended.", expired());
        counter(text, "p2pchat_tracker_stun_answers_total", "STUN Binding requests answered.", stunAnswers());
        counter(text, "p2pchat_tracker_relayed_datagrams_total", "Peer datagrams passed on by the relay.",
                relayedDatagrams());
        counter(text, "p2pchat_tracker_relayed_bytes_total", "Bytes of peer datagrams passed on by the relay.",
                relayedBytes());
        gauge(text, "p2pchat_tracker_relay_peers", "Peers holding relay permissions.", relayPeers.getAsInt());
        gauge(text, "p2pchat_tracker_relay_wishes",
                "Lookups kept until the looked-up peer wants the relay too.", relayWishes.getAsInt());
        labelled(text, "p2pchat_tracker_received_total",
                "Messages received, by type (a SEALED, and again the message it carried).", "type", received,
                TrackerMessageType.values());
        labelled(text, "p2pchat_tracker_sent_total",
                "Messages written, by type (a SEALED, and again the message it carried).", "type", sent,
                TrackerMessageType.values());
        labelled(text, "p2pchat_tracker_dropped_total", "Datagrams dropped, by reason.", "reason", dropped,
                DropReason.values());
        labelled(text, "p2pchat_tracker_errors_total", "Error replies, by code.", "code", errors,
                ErrorCode.values());
        labelled(text, "p2pchat_tracker_relay_events_total",
                "What the relay gave up or refused to stay within its bounds, by event.", "event", relayEvents,
                RelayTable.Event.values());
        Mailbox mail = mailbox;
        if (mail != null) {
            gauge(text, "p2pchat_tracker_mail_pieces", "Pieces of mail waiting for their recipients.", mail.pieces());
            gauge(text, "p2pchat_tracker_mail_bytes", "Bytes of mail waiting for their recipients.", mail.bytes());
            counter(text, "p2pchat_tracker_mail_deposited_total", "Pieces of mail stored.", mail.deposited());
            counter(text, "p2pchat_tracker_mail_fetched_total", "Pieces of mail handed to their recipients.",
                    mail.fetched());
            counter(text, "p2pchat_tracker_mail_acknowledged_total",
                    "Pieces of mail deleted once their recipients stored them.", mail.acknowledged());
            counter(text, "p2pchat_tracker_mail_expired_total", "Pieces of mail deleted unfetched after the TTL.",
                    mail.expired());
            describe(text, "p2pchat_tracker_mail_refused_total", "Deposits refused, by reason.", "counter");
            for (Mailbox.Refusal refusal : Mailbox.Refusal.values()) {
                text.append("p2pchat_tracker_mail_refused_total{reason=\"")
                        .append(refusal.name().toLowerCase(Locale.ROOT)).append("\"} ")
                        .append(mail.refused(refusal)).append('\n');
            }
        }
        return text.toString();
    }

    private static void gauge(StringBuilder text, String name, String help, long value) {
        describe(text, name, help, "gauge").append(name).append(' ').append(value).append('\n');
    }

    private static void counter(StringBuilder text, String name, String help, long value) {
        describe(text, name, help, "counter").append(name).append(' ').append(value).append('\n');
    }

    private static StringBuilder describe(StringBuilder text, String name, String help, String type) {
        text.append("# HELP ").append(name).append(' ').append(help).append('\n');
        return text.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void labelled(
            StringBuilder text, String name, String help, String label, LongAdder[] adders, Enum<?>[] keys) {
        describe(text, name, help, "counter");
        for (Enum<?> key : keys) {
            text.append(name).append('{').append(label).append("=\"").append(lower(key)).append("\"} ")
                    .append(adders[key.ordinal()].sum()).append('\n');
        }
    }

    private static void appendNonZero(StringBuilder line, String prefix, LongAdder[] adders, Enum<?>[] keys) {
        for (Enum<?> key : keys) {
            long value = adders[key.ordinal()].sum();
            if (value != 0) {
                line.append(prefix).append('.').append(lower(key)).append('=').append(value);
            }
        }
    }

    private static String lower(Enum<?> key) {
        return key.name().toLowerCase(Locale.ROOT);
    }

    private static LongAdder[] adders(int count) {
        LongAdder[] adders = new LongAdder[count];
        for (int i = 0; i < count; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }
}
