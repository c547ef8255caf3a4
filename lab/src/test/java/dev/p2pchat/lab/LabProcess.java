package dev.p2pchat.lab;

import static org.assertj.core.api.Assertions.fail;

import dev.p2pchat.testsupport.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A program running on a lab host: lines typed into its standard input, every line of its output kept with the
 * time it arrived, so that a test can wait for one and measure how long it took.
 */
final class LabProcess implements AutoCloseable {
    /** A line of output and when it was read ({@link System#nanoTime()}). */
    record Line(int index, long nanos, String text) {
        Map<String, Object> json() {
            return JsonParser.object(text);
        }
    }

    final String name;
    final Process process;
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Writer in;

    private LabProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(new Line(lines.size(), System.nanoTime(), line));
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "lab-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code builder} with standard error in the same stream as standard output. */
    static LabProcess start(String name, ProcessBuilder builder) throws IOException {
        return new LabProcess(name, builder.redirectErrorStream(true).start());
    }

    /** Types a line; returns when it was typed ({@link System#nanoTime()}). */
    long type(String line) throws IOException {
        long now = System.nanoTime();
        in.write(line + "\n");
        in.flush();
        return now;
    }

    /** How many lines have arrived so far: pass it as {@code from} to wait only for later ones. */
    int mark() {
        return lines.size();
    }

    /** The first line from index {@code from} on that matches, waiting up to {@code wait}. */
    Line await(Predicate<String> match, int from, Duration wait, String what) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            for (Line line : lines.subList(Math.min(from, lines.size()), lines.size())) {
                if (match.test(line.text())) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                fail(name + ": no line with " + what + " within " + wait.toSeconds() + " s; its output:\n"
                        + String.join("\n", lines.stream().map(Line::text).toList()));
            }
            Thread.sleep(5);
        }
    }

    /** The first JSON line from index {@code from} on that has every one of {@code fields}. */
    Line awaitJson(Map<String, Object> fields, int from, Duration wait) throws InterruptedException {
        return await(text -> text.startsWith("{") && JsonParser.object(text).entrySet().containsAll(fields.entrySet()),
                from, wait, fields.toString());
    }

    /** The text of every line from index {@code from} on. */
    List<String> linesFrom(int from) {
        return lines.subList(Math.min(from, lines.size()), lines.size()).stream().map(Line::text).toList();
    }

    /** Whether any line so far matches. */
    boolean saw(Predicate<String> match) {
        return lines.stream().map(Line::text).anyMatch(match);
    }

    /** Asks the program to stop (SIGTERM) and waits for it; true if it exited in time. */
    boolean stop(Duration wait) throws InterruptedException {
        // Through the handle: Process.destroy() would also close this side of its output before it is all read.
        process.toHandle().destroy();
        process.descendants().forEach(ProcessHandle::destroy);
        return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
