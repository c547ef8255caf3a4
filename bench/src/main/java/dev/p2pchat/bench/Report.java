package dev.p2pchat.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders one run as markdown, and writes it into {@code docs/benchmarks.md} between markers, so that a new run
 * replaces the tracker section and leaves everything else in the file (notes written by hand) as it is.
 */
final class Report {
    static final String START = "<!-- tracker-benchmark:start (written by bench/run.sh, do not edit) -->";
    static final String END = "<!-- tracker-benchmark:end -->";

    /** The targets: keepalive + lookup at least half the echo, 5,000 REGISTER/s, 300 bytes per peer. */
    private static final double ECHO_SHARE_TARGET = 0.5;
    private static final double REGISTER_TARGET = 5_000;
    private static final double HEAP_TARGET = 300;
    /** A thread at or above this share of one core is taken as saturated. */
    private static final double SATURATED = 0.9;

    /** Everything one run measured. */
    record Figures(
            PhaseResult echo,
            PhaseResult echoLight,
            List<PhaseResult> transports,
            PhaseResult register,
            PhaseResult mix,
            PhaseResult keepalives,
            PhaseResult mixLight,
            boolean pinned,
            int peers,
            int registeredPeers,
            double identitiesPerSecond,
            double registersBuiltPerSecond,
            List<CostBreakdown.Step> steps,
            HeapPerPeer.Result heap) {}

    private Report() {}

    static String render(Figures f) {
        StringBuilder md = new StringBuilder();
        md.append(START).append("\n## Tracker\n\n");
        md.append("Measured ").append(LocalDate.now()).append(" by `bench/run.sh` on ").append(machine())
                .append(". Everything runs in one JVM over 127.0.0.1: the tracker (one Netty event loop thread) or ")
                .append("an echo server (one thread), and a closed-loop load generator on one thread with a bounded ")
                .append("window of outstanding requests per client socket. Latencies are round trips at the load ")
                .append("generator, including its own queueing. Every message after the cookie exchange and the ")
                .append("REGISTER is sealed in the peer's session with the tracker (ChaCha20-Poly1305), both ways: ")
                .append("the generator seals each request as it sends it and opens each reply of a request in ")
                .append("flight, as a peer does (introductions it counts by their session token, unopened). ")
                .append(f.pinned()
                        ? "Saturated phases pin the generator and the server thread to different cores, phases with "
                                + "one request outstanding to the same core (`taskset`; see `CorePinning` for why)."
                        : "Threads were not pinned to cores (no `taskset`, or one core), so saturated figures vary "
                                + "more between runs.")
                .append("\n\n");

        double echoRate = f.echo().perSecond();
        double mixTarget = ECHO_SHARE_TARGET * echoRate;
        md.append("| Figure | Measured | p50 | p99 | Target | Result |\n|---|---:|---:|---:|---|---|\n");
        row(md, "UDP echo baseline (Java, one thread), saturated", rate(f.echo()), f.echo(), "baseline", "");
        for (PhaseResult transport : f.transports()) {
            row(md, transport.name() + " (transport alone, no work), saturated", rate(transport), transport,
                    "for comparison", "");
        }
        row(md, "KEEPALIVE + LOOKUP (50/50, sealed; each lookup also sends a sealed introduction), saturated",
                rate(f.mix()) + String.format(Locale.ROOT, " (%.2f x echo)", f.mix().perSecond() / echoRate),
                f.mix(), String.format(Locale.ROOT, ">= 0.5 x echo = %s/s", count(mixTarget)),
                verdict(f.mix().perSecond() >= mixTarget));
        for (int kind = 0; kind < f.mix().kinds().size(); kind++) {
            LatencyHistogram h = f.mix().latencies()[kind];
            md.append("| &nbsp;&nbsp;of which ").append(f.mix().kinds().get(kind).toUpperCase(Locale.ROOT))
                    .append(" | ").append(count(f.mix().perSecond(kind))).append("/s | ").append(micros(h, 50))
                    .append(" | ").append(micros(h, 99)).append(" | | |\n");
        }
        row(md, "KEEPALIVE alone (sealed; no lookups, no introductions), saturated",
                rate(f.keepalives()) + String.format(Locale.ROOT, " (%.2f x echo)",
                        f.keepalives().perSecond() / echoRate), f.keepalives(), "for comparison", "");
        row(md, "REGISTER, Ed25519 verification and X25519 session agreement included", rate(f.register()),
                f.register(), ">= 5,000/s", verdict(f.register().perSecond() >= REGISTER_TARGET));
        md.append(String.format(Locale.ROOT,
                "| Heap per registered peer, %s peers, each with its session | %.0f bytes (%,d MiB in all; %.0f of "
                        + "them its own session cipher) | | | <= 300 bytes | %s |%n",
                count(f.heap().peers()), f.heap().bytesPerPeer(), f.heap().bytes() >> 20,
                f.heap().cipherBytesPerPeer(), verdict(f.heap().bytesPerPeer() <= HEAP_TARGET)));
        row(md, "UDP echo, one request outstanding", rate(f.echoLight()), f.echoLight(), "", "");
        row(md, "KEEPALIVE + LOOKUP, one request outstanding", rate(f.mixLight()), f.mixLight(), "", "");

        md.append("\n### Load and CPU per phase\n\n");
        md.append("CPU is a share of one core over the measured window (thread CPU time, user and kernel); the ")
                .append("process total is at most ").append(Runtime.getRuntime().availableProcessors())
                .append(". Lost: no reply within the timeout. Unsolicited: datagrams that answer no request in ")
                .append("flight, that is the introductions the tracker sealed to the looked-up peers, which live on ")
                .append("the generator's sockets (and a sealed reply that came after its request timed out, since ")
                .append("it opens in no session in flight). Other processes: the rest of the machine, from ")
                .append("`/proc/stat`, as a share of one core: the more, the less these figures are the tracker's ")
                .append("alone.\n\n");
        md.append("| Phase | clients x window | measured | answered | refused | lost | late | unsolicited "
                + "| generator CPU | busiest other thread (of it in kernel) | process CPU | other processes | GC |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|\n");
        for (PhaseResult phase : allPhases(f)) {
            CpuMeter.Usage cpu = phase.cpu();
            md.append(String.format(Locale.ROOT,
                    "| %s | %d x %d | %.1f s | %s | %s | %s | %s | %s | %.0f%% | %s %.0f%% (%.0f%%) | %.0f%% "
                            + "| %s | %d, %d ms |%n",
                    phase.name(), phase.clients(), phase.window(), phase.measuredNanos() / 1e9,
                    count(phase.answered()), count(phase.refused()), count(phase.lost()), count(phase.late()),
                    count(phase.unsolicited()), cpu.generator() * 100, cpu.busiestOtherName(),
                    cpu.busiestOther() * 100, cpu.busiestOtherKernel() * 100, cpu.process() * 100,
                    Double.isNaN(cpu.others()) ? "?" : String.format(Locale.ROOT, "%.0f%%", cpu.others() * 100),
                    cpu.gcCount(), cpu.gcMillis()));
        }
        md.append(String.format(Locale.ROOT, "%nSetup, not timed: %s peers registered of %s; Ed25519 key generation "
                + "%s/s on all cores, and REGISTER requests built at %s/s on all cores (each a fresh X25519 session "
                + "key, the peer's side of its session secret, an Ed25519 signature). The heap phase registered "
                + "directly on `Registry` (no sockets, no signatures, one session secret for all: the registry "
                + "derives each registration's cipher from it and the token) at %s/s.%n",
                count(f.registeredPeers()), count(f.peers()), count(f.identitiesPerSecond()),
                count(f.registersBuiltPerSecond()), count(f.heap().registrationsPerSecond())));

        md.append("\n### Server CPU per request\n\n");
        md.append("The busiest server thread's CPU time divided by the requests it answered; its kernel part (CPU ")
                .append("time less user time) is the system calls and, on loopback, the delivery of every datagram ")
                .append("the server sends into the receiving socket. Then the tracker's own steps, timed one by one ")
                .append("in a loop on one thread, without sockets or Netty (`CostBreakdown`). What the ")
                .append("tracker spends beyond the Netty echo on the same transport plus its steps is its pipeline ")
                .append("(decoder, encoder, envelopes, counters), the introduction datagram of each lookup, and ")
                .append("cache misses that a hot loop over a few peers does not have. Rows for comparison are not ")
                .append("steps of the tracker and are not summed. The load generator's CPU per request, for ")
                .append("comparison, is its thread's CPU time over the same requests: building and sealing each ")
                .append("request, and opening each reply, besides the system calls.\n\n");
        md.append("| Phase | server CPU per request | of it in the kernel | generator CPU per request |\n"
                + "|---|---:|---:|---:|\n");
        for (PhaseResult phase : saturatedPhases(f)) {
            double micros = serverMicrosPerRequest(phase);
            md.append(String.format(Locale.ROOT, "| %s | %.2f us | %.2f us | %.2f us |%n", phase.name(), micros,
                    micros * phase.cpu().busiestOtherKernel(), generatorMicrosPerRequest(phase)));
        }
        md.append("\n| Request | Step | CPU |\n|---|---|---:|\n");
        for (CostBreakdown.Step step : f.steps()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f us |%n", step.request(), step.step(),
                    step.nanos() / 1000));
        }
        for (String request : List.of("KEEPALIVE", "LOOKUP", "REGISTER")) {
            md.append(String.format(Locale.ROOT, "| %s | **sum of steps** | **%.2f us** |%n", request,
                    stepSum(f.steps(), request) / 1000));
        }

        md.append("\n### What limits each figure (derived from this run)\n\n");
        for (PhaseResult phase : saturatedPhases(f)) {
            md.append("- ").append(limit(phase)).append('\n');
        }
        md.append(END).append('\n');
        return md.toString();
    }

    private static List<PhaseResult> saturatedPhases(Figures f) {
        List<PhaseResult> phases = new ArrayList<>(List.of(f.echo()));
        phases.addAll(f.transports());
        phases.addAll(List.of(f.register(), f.mix(), f.keepalives()));
        return phases;
    }

    private static List<PhaseResult> allPhases(Figures f) {
        List<PhaseResult> phases = new ArrayList<>(List.of(f.echo(), f.echoLight()));
        phases.addAll(f.transports());
        phases.addAll(List.of(f.register(), f.mix(), f.keepalives(), f.mixLight()));
        return phases;
    }

    /**
     * Replaces the section between the markers {@code startMarker} and {@code endMarker} in {@code file} with
     * {@code section} (which brings both markers), or appends it when there is none; the rest of the file stays.
     */
    static void write(Path file, String section, String startMarker, String endMarker) throws IOException {
        String current = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n\n";
        int start = current.indexOf(startMarker);
        int end = current.indexOf(endMarker);
        String updated;
        if (start >= 0 && end > start) {
            int after = end + endMarker.length();
            if (after < current.length() && current.charAt(after) == '\n') {
                after++; // the section brings its own line break
            }
            updated = current.substring(0, start) + section + current.substring(after);
        } else {
            updated = current + (current.endsWith("\n\n") ? "" : "\n") + section;
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }

    static double generatorMicrosPerRequest(PhaseResult phase) {
        double busySeconds = phase.cpu().generator() * phase.measuredNanos() / 1e9;
        return busySeconds * 1e6 / Math.max(1, phase.answered() + phase.refused());
    }

    static double serverMicrosPerRequest(PhaseResult phase) {
        double busySeconds = phase.cpu().busiestOther() * phase.measuredNanos() / 1e9;
        return busySeconds * 1e6 / Math.max(1, phase.answered() + phase.refused());
    }

    private static String limit(PhaseResult phase) {
        CpuMeter.Usage cpu = phase.cpu();
        String who;
        if (cpu.busiestOther() >= SATURATED && cpu.generator() >= SATURATED) {
            who = String.format(Locale.ROOT, "both threads saturated (`%s` %.0f%%, generator %.0f%%): the server does "
                    + "about as much per request as the generator, so this is the generator's limit as much as the "
                    + "server's", cpu.busiestOtherName(), cpu.busiestOther() * 100, cpu.generator() * 100);
        } else if (cpu.busiestOther() >= SATURATED) {
            who = String.format(Locale.ROOT, "server-bound: `%s` was busy %.0f%% of the time while the generator "
                    + "used %.0f%%", cpu.busiestOtherName(), cpu.busiestOther() * 100, cpu.generator() * 100);
        } else if (cpu.generator() >= SATURATED) {
            who = String.format(Locale.ROOT, "generator-bound: the load generator was busy %.0f%% of the time, "
                    + "the server %.0f%%", cpu.generator() * 100, cpu.busiestOther() * 100);
        } else {
            who = String.format(Locale.ROOT, "neither thread saturated (server %.0f%%, generator %.0f%%, process "
                    + "%.0f%% of %d cores, other processes %s): the threads shared a core, or other processes took "
                    + "CPU; rerun on a quiet machine", cpu.busiestOther() * 100, cpu.generator() * 100,
                    cpu.process() * 100, Runtime.getRuntime().availableProcessors(),
                    Double.isNaN(cpu.others()) ? "unknown" : String.format(Locale.ROOT, "%.0f%%",
                            cpu.others() * 100));
        }
        return String.format(Locale.ROOT, "**%s** (%s/s): %s; %.2f us of server CPU per request.", phase.name(),
                count(phase.perSecond()), who, serverMicrosPerRequest(phase));
    }

    private static double stepSum(List<CostBreakdown.Step> steps, String request) {
        return steps.stream().filter(s -> s.request().equals(request)).mapToDouble(CostBreakdown.Step::nanos).sum();
    }

    private static void row(StringBuilder md, String figure, String measured, PhaseResult phase, String target,
            String result) {
        LatencyHistogram h = phase.latency();
        md.append("| ").append(figure).append(" | ").append(measured).append(" | ").append(micros(h, 50))
                .append(" | ").append(micros(h, 99)).append(" | ").append(target).append(" | ").append(result)
                .append(" |\n");
    }

    private static String rate(PhaseResult phase) {
        return count(phase.perSecond()) + "/s";
    }

    static String verdict(boolean pass) {
        return pass ? "**pass**" : "**miss**";
    }

    static String micros(LatencyHistogram histogram, double percentile) {
        if (histogram.count() == 0) {
            return "-";
        }
        double us = histogram.percentileNanos(percentile) / 1000.0;
        return String.format(Locale.ROOT, us < 100 ? "%.1f us" : "%.0f us", us);
    }

    static String count(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    static String machine() {
        String cpu = cpuModel();
        String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "%d cores%s, %s %s, %s %s, max heap %d MiB (%s)",
                Runtime.getRuntime().availableProcessors(), cpu.isEmpty() ? "" : " (" + cpu + ")",
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("os.name"), System.getProperty("os.version"),
                Runtime.getRuntime().maxMemory() >> 20, gcs);
    }

    /** The CPU model from /proc/cpuinfo, or empty where there is none. */
    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
