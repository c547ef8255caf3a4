package dev.p2pchat.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged tracker run as a process on 127.0.0.1, on a port of its choosing, and the address it said. */
public record TrackerProcess(Process process, String address) {
    private static final Pattern LISTENING = Pattern.compile("tracker listening on udp ([0-9.]+):(\\d+)");

    /**
     * Starts the tracker with its data in {@code dataDir}, its standard error in {@code stderr} and the options
     * {@code more}, and waits for the line that says where it listens.
     *
     * @throws AssertionError if its first line is not that
     */
    public static TrackerProcess start(Path dataDir, Path stderr, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("--bind", "127.0.0.1", "--port", "0", "--data-dir",
                dataDir.toString()));
        args.addAll(List.of(more));
        Process process = new ProcessBuilder(PackagedJar.command("tracker", args.toArray(String[]::new)))
                .redirectError(stderr.toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String first = out.readLine();
        Matcher listening = LISTENING.matcher(String.valueOf(first));
        if (!listening.find()) {
            process.destroyForcibly();
            throw new AssertionError("the tracker's first line is not where it listens: " + first);
        }
        return new TrackerProcess(process, listening.group(1) + ":" + listening.group(2));
    }
}
