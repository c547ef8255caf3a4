package dev.p2pchat.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Plays a {@link Scenario} with real programs on this machine: a tracker on 127.0.0.1, then one peer process per
 * script, configured through the same environment variables as in docker-compose.yml. The peers finish their
 * scripts; once every expected message has arrived the demo ends the peers still running (end of input, as a user
 * would), stops the tracker (SIGTERM), and reports what went wrong, if anything.
 */
final class LocalDemo {
    /** The programs to run: this JVM's java and the two executable jars. */
    record Programs(Path java, Path trackerJar, Path peerJar) {}

    private static final Pattern LISTENING = Pattern.compile("tracker listening on udp (\\S+)");
    private static final Pattern KEY = Pattern.compile("tracker key ([0-9a-f]{64})");
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final long POLL_MILLIS = 50;
    private static final long KILL_WAIT_MILLIS = 2000;

    /** A started program and the threads that copy its output. */
    private record Running(String name, Process process, List<Thread> readers) {}

    private final Programs programs;
    private final Scenario scenario;
    private final Output output;
    private final Duration timeout;
    private final List<Running> started = new CopyOnWriteArrayList<>();

    LocalDemo(Programs programs, Scenario scenario, Output output, Duration timeout) {
        this.programs = programs;
        this.scenario = scenario;
        this.output = output;
        this.timeout = timeout;
    }

    /** Runs the demo to its end and returns every problem; none means it all went as scripted. */
    List<String> run() throws IOException, InterruptedException {
        Path data = Files.createTempDirectory("p2pchat-demo");
        // Ctrl-C reaches the programs too (one process group); this covers a plain kill of the demo, and cleans up.
        Thread hook = new Thread(() -> {
            killAll();
            deleteQuietly(data);
        }, "p2pchat-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return play(data);
        } finally {
            killAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs anyway
            }
            deleteQuietly(data);
        }
    }

    private List<String> play(Path data) throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        CompletableFuture<String> trackerAddress = new CompletableFuture<>();
        CompletableFuture<String> trackerKey = new CompletableFuture<>();
        Running tracker = start(Output.TRACKER, programs.trackerJar(), List.of("--bind", "127.0.0.1", "--port", "0",
                "--data-dir", data.resolve("tracker").toString()), Map.of(), line -> {
                    Matcher listening = LISTENING.matcher(line);
                    if (listening.find()) {
                        trackerAddress.complete(listening.group(1));
                    }
                    Matcher key = KEY.matcher(line);
                    if (key.find()) {
                        trackerKey.complete(key.group(1));
                    }
                });
        tracker.process().onExit().thenRun(() -> {
            IllegalStateException exited = new IllegalStateException("the tracker exited with code "
                    + tracker.process().exitValue());
            trackerAddress.completeExceptionally(exited);
            trackerKey.completeExceptionally(exited);
        });
        String address;
        String key;
        try {
            address = trackerAddress.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            // The peers are told the key the tracker printed, as an operator tells its users: none trusts blindly.
            key = trackerKey.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            problems.add(e instanceof TimeoutException ? "the tracker did not start within "
                    + START_TIMEOUT.toSeconds() + " s" : e.getCause().getMessage());
            problems.addAll(stop(tracker));
            return problems;
        }

        Transcript transcript = new Transcript(scenario.expectations());
        output.say("tracker at " + address + "; starting " + String.join(", ", scenario.scripts().keySet())
                + "; " + transcript.expected() + " messages to check");
        Map<String, Running> peers = new LinkedHashMap<>();
        for (Map.Entry<String, Path> script : scenario.scripts().entrySet()) {
            String name = script.getKey();
            Map<String, String> environment = Map.of("P2PCHAT_NAME", name, "P2PCHAT_TRACKER", address,
                    "P2PCHAT_TRACKER_KEY", key, "P2PCHAT_BIND", "127.0.0.1", "P2PCHAT_DATA_DIR",
                    data.resolve(name).toString(), "P2PCHAT_SCRIPT", script.getValue().toString());
            peers.put(name, start(name, programs.peerJar(), List.of(), environment,
                    line -> transcript.add(name, line)));
        }

        long deadline = System.nanoTime() + timeout.toNanos();
        while (!over(peers, transcript)) {
            if (System.nanoTime() - deadline > 0) {
                List<String> busy = peers.values().stream().filter(peer -> peer.process().isAlive()
                        && !transcript.finishedScript(peer.name())).map(Running::name).toList();
                problems.add("not over after " + timeout.toSeconds() + " s" + (busy.isEmpty() ? ""
                        : "; still running their scripts: " + String.join(", ", busy)));
                break;
            }
            Thread.sleep(POLL_MILLIS);
        }
        output.say(transcript.arrived() + " of " + transcript.expected() + " expected messages arrived; ending the "
                + "peers still running");
        for (Running peer : peers.values()) {
            if (transcript.finishedScript(peer.name())) {
                closeInput(peer);
            } else {
                peer.process().toHandle().destroy(); // busy in its script, it reads no input: SIGTERM
            }
        }
        for (Running peer : peers.values()) {
            problems.addAll(awaitExit(peer));
        }
        problems.addAll(stop(tracker));
        List<String> all = new ArrayList<>(transcript.problems());
        all.addAll(problems);
        return all;
    }

    /** Over when every peer has exited, or when the transcript says so for those still running. */
    private static boolean over(Map<String, Running> peers, Transcript transcript) {
        List<String> running = peers.values().stream().filter(peer -> peer.process().isAlive())
                .map(Running::name).toList();
        return running.isEmpty() || transcript.over(running);
    }

    private Running start(String name, Path jar, List<String> args, Map<String, String> environment,
            Consumer<String> onLine) throws IOException {
        List<String> command = new ArrayList<>(List.of(programs.java().toString(), "-jar", jar.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        // Only what the demo sets: a P2PCHAT_JSON=true in the user's shell would change what the peers print.
        builder.environment().keySet().removeIf(key -> key.startsWith("P2PCHAT_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        Running running = new Running(name, process, List.of(
                copy(name, process.getInputStream(), onLine, "out"),
                copy(name, process.getErrorStream(), line -> { }, "err")));
        started.add(running);
        return running;
    }

    private Thread copy(String name, InputStream stream, Consumer<String> onLine, String which) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.line(name, line);
                    onLine.accept(line);
                }
            } catch (IOException e) {
                output.line(name, "(output lost: " + e.getMessage() + ")");
            }
        }, "p2pchat-demo-" + name + "-" + which);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void closeInput(Running peer) {
        try {
            peer.process().getOutputStream().close();
        } catch (IOException e) {
            // It has exited already; awaitExit tells how.
        }
    }

    /** Stops the tracker as an operator would (SIGTERM), then waits for it. */
    private static List<String> stop(Running tracker) throws InterruptedException {
        // Through the handle: Process.destroy() also closes the pipes, losing the tracker's last lines.
        tracker.process().toHandle().destroy();
        return awaitExit(tracker);
    }

    /** Waits for the program to exit with 0 and for its last lines; anything else is a problem. */
    private static List<String> awaitExit(Running program) throws InterruptedException {
        List<String> problems = new ArrayList<>();
        Process process = program.process();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            problems.add(program.name() + " did not stop within " + STOP_TIMEOUT.toSeconds() + " s and was killed");
        } else if (process.exitValue() != 0) {
            problems.add(program.name() + " exited with code " + process.exitValue());
        }
        for (Thread reader : program.readers()) {
            reader.join(STOP_TIMEOUT.toMillis());
        }
        return problems;
    }

    /** Kills whatever still runs, and waits (briefly) until it is gone. */
    private void killAll() {
        for (Running program : started) {
            program.process().destroyForcibly();
            try {
                program.process().waitFor(KILL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A temporary directory left behind is not worth failing the demo for.
        }
    }
}
