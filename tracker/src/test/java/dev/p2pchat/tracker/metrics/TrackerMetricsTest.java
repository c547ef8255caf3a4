package dev.p2pchat.tracker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.tracker.TrackerMessageType;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class TrackerMetricsTest {
    private final TrackerMetrics metrics = new TrackerMetrics();

    @Test
    void shouldExportEveryDropReasonIncludingTheSessionsOnesByItsLowerCaseName() {
        for (DropReason reason : DropReason.values()) {
            metrics.countDrop(reason);
        }
        metrics.countDrop(DropReason.STALE_REGISTER);

        String text = metrics.prometheusText();
        String line = metrics.statsLine();
        for (DropReason reason : DropReason.values()) {
            String name = reason.name().toLowerCase(Locale.ROOT);
            long expected = reason == DropReason.STALE_REGISTER ? 2 : 1;
            assertThat(text).contains("p2pchat_tracker_dropped_total{reason=\"" + name + "\"} " + expected + "\n");
            assertThat(line).contains(" drop." + name + "=" + expected);
        }
        assertThat(text).contains("reason=\"unsealed\"", "reason=\"session_unknown\"", "reason=\"bad_seal\"",
                "reason=\"stale_register\"");
        assertThat(metrics.droppedTotal()).isEqualTo(DropReason.values().length + 1);
    }

    @Test
    void shouldCountASessionUnknownAsWrittenToAnUnprovenSenderAndASealedMessageByItsOwnType() {
        metrics.datagramOut(TrackerMessageType.COOKIE_CHALLENGE.code(), 56);
        metrics.datagramOut(TrackerMessageType.SESSION_UNKNOWN.code(), 12);
        metrics.countSealed(TrackerMessageType.KEEPALIVE_ACK);
        metrics.datagramOut(TrackerMessageType.SEALED.code(), 90);

        assertThat(metrics.unvalidatedBytesOut()).isEqualTo(56 + 12);
        assertThat(metrics.datagramsOut()).isEqualTo(3);
        assertThat(metrics.sent(TrackerMessageType.SEALED)).isEqualTo(1);
        assertThat(metrics.sent(TrackerMessageType.KEEPALIVE_ACK)).isEqualTo(1);
        assertThat(metrics.prometheusText()).contains("p2pchat_tracker_sent_total{type=\"session_unknown\"} 1\n",
                "p2pchat_tracker_sent_total{type=\"keepalive_ack\"} 1\n");
        assertThat(metrics.statsLine()).contains(" sent.sealed=1", " sent.keepalive_ack=1", " unvalidated_out=68B");
    }
}
