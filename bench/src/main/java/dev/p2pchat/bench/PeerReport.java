package dev.p2pchat.bench;

import dev.p2pchat.peer.link.LinkTable;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Renders one peer benchmark run as markdown, for its own section of {@code docs/benchmarks.md} (between
 * {@link #START} and {@link #END}), so that the run replaces only what it measured.
 */
final class PeerReport {
    static final String START = "<!-- peer-benchmark:start (written by bench/run.sh, do not edit) -->";
    static final String END = "<!-- peer-benchmark:end -->";

    /**
     * The targets, sealed: round trip p50 within 3 x the UDP ping-pong's (and at or below ENet's), 150,000
     * acknowledged 64-byte messages/s and 120,000 of 1 KiB.
     */
    private static final double ROUND_TRIP_FACTOR = 3;
    private static final double SMALL_TARGET = 150_000;
    private static final double LARGE_TARGET = 120_000;
    /** A thread at or above this share of one core is taken as saturated. */
    private static final double SATURATED = 0.9;
    /** Other processes using this share of one core or more took enough CPU to change a throughput figure. */
    private static final double STARVED = 0.25;

    /** Everything one run measured. */
    record Figures(
            UdpPingPong.Result baseline,
            UdpPingPong.Result transport,
            EnetPingPong.Result enet,
            double ikHandshakesPerSecond,
            double xxHandshakesPerSecond,
            PeerPair.RoundTrips fromCaller,
            PeerPair.RoundTrips onLoop,
            List<PeerPair.Throughput> throughput,
            List<UdpEchoRate.Result> echo,
            PeerStartup.Timings firstStart,
            List<PeerStartup.Timings> starts,
            List<PeerStartup.Timings> fastStarts,
            double others) {}

    private PeerReport() {}

    static String render(Figures f) {
        StringBuilder md = new StringBuilder();
        md.append(START).append("\n## Peer\n\n");
        boolean pinned = f.baseline().pinned() && f.transport().pinned() && f.fromCaller().pinned()
                && f.onLoop().pinned() && f.echo().stream().allMatch(UdpEchoRate.Result::pinned)
                && f.throughput().stream().allMatch(PeerPair.Throughput::pinned);
        int outstanding = f.throughput().isEmpty() ? 0 : f.throughput().get(0).outstanding();
        md.append("Measured ").append(LocalDate.now()).append(" by `bench/run.sh peer` on ").append(Report.machine())
                .append(". Two peers (`PeerNode`, one Netty event loop thread each) in one JVM over 127.0.0.1, ")
                .append("connected by address, without a tracker. Round trips have one message outstanding; the ")
                .append("receiver's event handler answers each message with the same text. Throughput: the sender ")
                .append("keeps ").append(outstanding).append(" messages queued, sending the next one from its ")
                .append("handler of each `Delivered` event (the library puts at most ").append(LinkTable.WINDOW)
                .append(" pieces on the wire); ")
                .append("each text carries a sequence number that the receiver checks. ")
                .append(pinned
                        ? "Round trips run with every thread involved on one core (the caller, both event loops; "
                                + "for the baseline, both threads), throughput with each event loop on a core of its "
                                + "own (`taskset`; see `CorePinning` for why)."
                        : "Threads were not pinned to cores (no `taskset`, or one core), so figures vary more "
                                + "between runs.")
                .append(Double.isNaN(f.others()) ? "" : String.format(Locale.ROOT, " Other processes used %.0f%% "
                        + "of one core on average during the run (from `/proc/stat`): the more, the more the figures "
                        + "below vary.", f.others() * 100))
                .append("\n\n");

        LatencyHistogram baseline = f.baseline().latency();
        double baselineP50 = baseline.percentileNanos(50);
        double roundTripP50 = f.fromCaller().reply().percentileNanos(50);
        double roundTripLimit = ROUND_TRIP_FACTOR * baselineP50;
        md.append("| Figure | Measured | p50 | p99 | Target | Result |\n|---|---:|---:|---:|---|---|\n");
        row(md, "UDP ping-pong baseline (plain Java, 64-byte datagrams, one outstanding)", roundTrips(baseline),
                baseline, "baseline", "");
        LatencyHistogram transport = f.transport().latency();
        row(md, "Netty ping-pong: the peers' transport alone (a frame the size of a sealed 64-byte DATA each way, "
                + "sent from the event loop; nothing sealed, no acknowledgements, no sessions)", roundTrips(transport)
                + String.format(Locale.ROOT, " (p50 %.1f x baseline)", transport.percentileNanos(50) / baselineP50),
                transport, "for comparison", "");
        EnetPingPong.Result enet = f.enet();
        if (enet.measured()) {
            md.append(String.format(Locale.ROOT, "| ENet ping-pong: a 64-byte reliable message answered, one "
                    + "outstanding, both threads on one core (`bench/enet`, Debian's libenet-dev) | %,d round trips "
                    + "(p50 %.1f x baseline) | %.1f us | %.1f us | the outside anchor | |%n", enet.count(),
                    enet.p50Micros() * 1000 / baselineP50, enet.p50Micros(), enet.p99Micros()));
        } else {
            md.append("| ENet ping-pong | not measured: ").append(enet.missing().replace('|', '/'))
                    .append(" | | | the outside anchor | |\n");
        }
        row(md, "Message round trip, sealed (64 bytes, answered by the receiver), from the application's thread",
                roundTrips(f.fromCaller().reply()) + String.format(Locale.ROOT, " (p50 %.1f x baseline%s)",
                        roundTripP50 / baselineP50, enet.measured() ? String.format(Locale.ROOT, ", %.2f x ENet",
                                roundTripP50 / 1000 / enet.p50Micros()) : ""), f.fromCaller().reply(),
                String.format(Locale.ROOT, "p50 <= 3 x baseline = %.1f us%s", roundTripLimit / 1000,
                        enet.measured() ? String.format(Locale.ROOT, "; goal <= ENet = %.1f us", enet.p50Micros())
                                : ""),
                Report.verdict(roundTripP50 <= roundTripLimit) + (enet.measured()
                        ? "; ENet: " + Report.verdict(roundTripP50 / 1000 <= enet.p50Micros()) : ""));
        row(md, "&nbsp;&nbsp;send to `Delivered` (the acknowledgement)", "", f.fromCaller().delivered(), "", "");
        row(md, "Message round trip, sent from the sender's event loop (no application thread)",
                roundTrips(f.onLoop().reply()) + String.format(Locale.ROOT, " (p50 %.1f x baseline)",
                        f.onLoop().reply().percentileNanos(50) / baselineP50), f.onLoop().reply(),
                "for comparison", "");
        row(md, "&nbsp;&nbsp;send to `Delivered` (the acknowledgement)", "", f.onLoop().delivered(), "", "");
        for (int i = 0; i < f.throughput().size(); i++) {
            PeerPair.Throughput run = f.throughput().get(i);
            UdpEchoRate.Result echo = f.echo().get(i);
            double target = run.size() == PeerBenchmark.SMALL ? SMALL_TARGET : LARGE_TARGET;
            md.append("| UDP echo baseline: ").append(size(run.size())).append(" datagrams echoed per second, ")
                    .append(LinkTable.WINDOW).append(" outstanding, two threads on cores apart | ").append(Report.count(echo.perSecond()))
                    .append("/s | | | baseline | |\n");
            String measured = Report.count(run.perSecond()) + "/s" + String.format(Locale.ROOT, " (%.1f MB/s of "
                    + "text; %.2f x the UDP echo)", run.perSecond() * run.size() / 1e6,
                    run.perSecond() / echo.perSecond()) + (run.exact() ? "" : ", **not exact: see checks**");
            md.append("| Acknowledged ").append(size(run.size())).append(" messages per second, sealed | ")
                    .append(measured).append(" | | | >= ").append(Report.count(target)).append("/s | ")
                    .append(Report.verdict(run.exact() && run.perSecond() >= target)).append(" |\n");
        }
        md.append(String.format(Locale.ROOT, "| Handshakes per second on one thread (both sides, confirmed, then "
                + "closed): IK / XX | %,.0f/s / %,.0f/s | | | for the record | |%n", f.ikHandshakesPerSecond(),
                f.xxHandshakesPerSecond()));
        PeerStartup.Timings first = f.firstStart();
        md.append(String.format(Locale.ROOT, "| Start to first delivered message: first peer of the run / median "
                        + "of %d fresh peers (new data directory: key generation included) | %s / %s | | | | |%n",
                f.starts().size(), millis(first.delivered()),
                millis(median(f.starts(), PeerStartup.Timings::delivered))));
        md.append(String.format(Locale.ROOT, "| &nbsp;&nbsp;the same with a %d ms timer tick instead of the default "
                        + "100 ms (median of %d) | %s | | | for comparison | |%n", PeerBenchmark.FAST_TICK.toMillis(),
                f.fastStarts().size(), millis(median(f.fastStarts(), PeerStartup.Timings::delivered))));

        md.append("\nEach round trip series starts with as many unrecorded round trips as it records, for warm-up.\n");

        md.append("\n### What a message round trip is made of (derived from this run)\n\n");
        double transportP50 = transport.percentileNanos(50);
        double onLoopP50 = f.onLoop().reply().percentileNanos(50);
        md.append(String.format(Locale.ROOT, "- Plain Java UDP, two datagrams, blocking sockets: %.1f us (p50).%n",
                baselineP50 / 1000));
        md.append(String.format(Locale.ROOT, "- The peers' transport alone, two datagrams between two Netty event "
                + "loops (epoll or NIO, codec, pipeline): %.1f us, %+.1f us: Netty's event loops (readiness wait, "
                + "then read) instead of a blocking receive.%n", transportP50 / 1000,
                (transportP50 - baselineP50) / 1000));
        md.append(String.format(Locale.ROOT, "- A message answered by the other peer, sent from the sender's event "
                + "loop: %.1f us, %+.1f us: sealing and opening each way, the conversation, events and the answer's "
                + "trip through the receiver's task queue; still two datagrams, since the answer carries the "
                + "acknowledgement.%n", onLoopP50 / 1000, (onLoopP50 - transportP50) / 1000));
        md.append(String.format(Locale.ROOT, "- The same from the application's thread: %.1f us, %+.1f us: handing "
                + "the message to the sender's event loop and waking the application up for the answer.%n",
                roundTripP50 / 1000, (roundTripP50 - onLoopP50) / 1000));

        md.append("\n### Start to first delivered message\n\n");
        md.append("From just before `PeerNode.start` on an empty data directory. Started: the key pair generated ")
                .append("and written, the socket bound, the event loop running. Connected: `connect(\"host:port\")` ")
                .append("called, the Noise XX handshake answered and confirmed, the `Connected` event. Delivered: a message ")
                .append("sent by name and acknowledged, the `Delivered` event.\n\n");
        md.append("| Series | peers | started | connected | first message delivered |\n|---|---:|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| first peer of the run (the sender), default timers | 1 | %s | %s | "
                + "%s |%n", millis(first.started()), millis(first.connected()), millis(first.delivered())));
        startRow(md, "fresh peers, default timers (100 ms tick)", f.starts());
        startRow(md, "fresh peers, " + PeerBenchmark.FAST_TICK.toMillis() + " ms tick", f.fastStarts());

        md.append("\n### Throughput runs: load, CPU and checks\n\n");
        md.append("CPU is a share of one core over the measured window (thread CPU time, user and kernel); the ")
                .append("process total is at most ").append(Runtime.getRuntime().availableProcessors())
                .append(". Sent, acknowledged and received count the whole run (warm-up and the final drain ")
                .append("included): received counts messages the receiver got in sequence, each once.\n\n");
        md.append("| Size | outstanding | measured | acknowledged in window | sent | acknowledged | received | "
                + "out of sequence | failed | refused | sender loop CPU (of it in kernel) | receiver loop CPU (of it "
                + "in kernel) | process CPU | other processes | GC |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (PeerPair.Throughput run : f.throughput()) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %.1f s | %s | %s | %s | %s | %s | %s | %s | %.0f%% "
                            + "(%.0f%%) | %.0f%% (%.0f%%) | %.0f%% | %s | %d, %d ms |%n", size(run.size()),
                    run.outstanding(), run.measuredNanos() / 1e9, Report.count(run.delivered()),
                    Report.count(run.sent()), Report.count(run.acknowledged()), Report.count(run.received()),
                    Report.count(run.outOfSequence()), Report.count(run.failed()), Report.count(run.refused()),
                    run.sender().share() * 100, run.sender().kernel() * 100, run.receiver().share() * 100,
                    run.receiver().kernel() * 100, run.process() * 100, percent(run.others()), run.gcCount(),
                    run.gcMillis()));
        }

        md.append("\n### What limits each throughput (derived from this run)\n\n");
        for (PeerPair.Throughput run : f.throughput()) {
            md.append("- ").append(limit(run)).append('\n');
        }
        md.append(END).append('\n');
        return md.toString();
    }

    private static String limit(PeerPair.Throughput run) {
        double seconds = run.measuredNanos() / 1e9;
        double perMessage = 1e6 / Math.max(1, run.delivered());
        double senderMicros = run.sender().share() * seconds * perMessage;
        double receiverMicros = run.receiver().share() * seconds * perMessage;
        String who;
        if (run.sender().share() >= SATURATED && run.receiver().share() >= SATURATED) {
            who = "both event loops saturated";
        } else if (run.sender().share() >= SATURATED) {
            who = "sender-bound: its event loop was saturated";
        } else if (run.receiver().share() >= SATURATED) {
            who = "receiver-bound: its event loop was saturated";
        } else {
            who = String.format(Locale.ROOT, "neither event loop saturated (this process %.0f%%, other processes "
                    + "%s, of %d cores): %s", run.process() * 100, percent(run.others()),
                    Runtime.getRuntime().availableProcessors(), run.others() >= STARVED
                            ? "other processes took the CPU; rerun on a quiet machine"
                            : "the window of unacknowledged fragments bounds it");
        }
        return String.format(Locale.ROOT, "**%s** (%s/s): %s; per message %.2f us on the sender's loop (%.2f us in "
                        + "the kernel), %.2f us on the receiver's (%.2f us in the kernel).", size(run.size()),
                Report.count(run.perSecond()), who, senderMicros, senderMicros * run.sender().kernel(),
                receiverMicros, receiverMicros * run.receiver().kernel());
    }

    private static void startRow(StringBuilder md, String series, List<PeerStartup.Timings> timings) {
        md.append(String.format(Locale.ROOT, "| %s, median (max) | %d | %s (%s) | %s (%s) | %s (%s) |%n", series,
                timings.size(), millis(median(timings, PeerStartup.Timings::started)),
                millis(max(timings, PeerStartup.Timings::started)),
                millis(median(timings, PeerStartup.Timings::connected)),
                millis(max(timings, PeerStartup.Timings::connected)),
                millis(median(timings, PeerStartup.Timings::delivered)),
                millis(max(timings, PeerStartup.Timings::delivered))));
    }

    private static long median(List<PeerStartup.Timings> timings, ToLongFunction<PeerStartup.Timings> field) {
        long[] values = timings.stream().mapToLong(field).sorted().toArray();
        return values.length == 0 ? 0 : values[(values.length - 1) / 2];
    }

    private static long max(List<PeerStartup.Timings> timings, ToLongFunction<PeerStartup.Timings> field) {
        return timings.stream().mapToLong(field).max().orElse(0);
    }

    private static void row(StringBuilder md, String figure, String measured, LatencyHistogram latency,
            String target, String result) {
        md.append("| ").append(figure).append(" | ").append(measured).append(" | ")
                .append(Report.micros(latency, 50)).append(" | ").append(Report.micros(latency, 99)).append(" | ")
                .append(target).append(" | ").append(result).append(" |\n");
    }

    private static String roundTrips(LatencyHistogram latency) {
        return Report.count(latency.count()) + " round trips";
    }

    private static String size(int bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + "-byte";
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    private static String millis(long nanos) {
        double ms = nanos / 1e6;
        return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : "%.1f ms", ms);
    }
}
