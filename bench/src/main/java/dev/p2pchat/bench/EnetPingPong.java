package dev.p2pchat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outside anchor for the message round trip: {@code bench/enet/enet_pingpong.c}, our small C ping-pong over
 * Debian's ENet ({@code libenet-dev}), built here with gcc and run on one core as the peers' round trips are. Where
 * gcc or ENet is missing the figure is reported as not measured, with the reason.
 */
final class EnetPingPong {
    private static final Pattern RESULT = Pattern.compile("count=(\\d+) p50_us=([0-9.]+) p99_us=([0-9.]+)");
    private static final long RUN_SECONDS = 120;

    /** The round trip percentiles in microseconds, or why there are none. */
    record Result(double p50Micros, double p99Micros, int count, String missing) {
        boolean measured() {
            return missing == null;
        }
    }

    private EnetPingPong() {}

    static Result measure(Path source, int warmup, int samples, int size) throws IOException, InterruptedException {
        if (!Files.exists(source)) {
            return missing("no " + source);
        }
        Path binary = Files.createTempFile("enet_pingpong", "");
        try {
            Run build = run(List.of("gcc", "-O2", "-o", binary.toString(), source.toString(), "-lenet", "-lpthread"));
            if (build.exit() != 0) {
                return missing("gcc with libenet-dev failed (apt-get install gcc libenet-dev): " + build.output());
            }
            List<String> command = new ArrayList<>();
            if (CorePinning.tasksetAvailable()) {
                command.addAll(List.of("taskset", "-c", "0"));
            }
            command.addAll(List.of(binary.toString(), Integer.toString(warmup), Integer.toString(samples),
                    Integer.toString(size)));
            Run ping = run(command);
            Matcher result = RESULT.matcher(ping.output());
            if (ping.exit() != 0 || !result.find()) {
                return missing("the ENet ping-pong failed: " + ping.output());
            }
            return new Result(Double.parseDouble(result.group(2)), Double.parseDouble(result.group(3)),
                    Integer.parseInt(result.group(1)), null);
        } finally {
            Files.deleteIfExists(binary);
        }
    }

    private static Result missing(String why) {
        return new Result(Double.NaN, Double.NaN, 0, why);
    }

    private record Run(int exit, String output) {}

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            return new Run(-1, notInstalled.getMessage());
        }
        if (!process.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Run(-1, command.get(0) + " did not finish within " + RUN_SECONDS + " s");
        }
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).strip());
    }
}
