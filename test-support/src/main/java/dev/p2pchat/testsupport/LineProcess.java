package dev.p2pchat.testsupport;

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
 * A program a test drives line by line: lines typed into its standard input, every line of its standard output kept
 * with the time it arrived, so that a test can wait for one and measure how long it took.
 */
public final class LineProcess implements AutoCloseable {
    /** A line of output and when it was read ({@link System#nanoTime()}). */
    public record Line(int index, long nanos, String text) {
        public Map<String, Object> json() {
            return JsonParser.object(text);
        }
    }

    private final String name;
    private final Process process;
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Writer in;

    private LineProcess(String name, Process process) {
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
        }, "stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code builder}; standard error goes where the builder says. */
    public static LineProcess start(String name, ProcessBuilder builder) throws IOException {
        return new LineProcess(name, builder.start());
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    /** Types a line; returns when it was typed ({@link System#nanoTime()}). */
    public long type(String line) throws IOException {
        long now = System.nanoTime();
        in.write(line + "\n");
        in.flush();
        return now;
    }

    /**
     * The lines from index {@code from} on, as they are now. A snapshot first: a view of the live list fails with
     * {@code ConcurrentModificationException} once the reading thread appends a line meanwhile.
     */
    private List<Line> arrived(int from) {
        List<Line> now = List.copyOf(lines);
        return now.subList(Math.min(from, now.size()), now.size());
    }

    /** How many lines have arrived so far: pass it as {@code from} to wait only for later ones. */
    public int mark() {
        return lines.size();
    }

    /** The first line from index {@code from} on that matches, waiting up to {@code wait}. */
    public Line await(Predicate<String> match, int from, Duration wait, String what) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            for (Line line : arrived(from)) {
                if (match.test(line.text())) {
                    return line;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + ": no line with " + what + " within " + wait.toSeconds()
                        + " s; its output:\n" + String.join("\n", linesFrom(0)));
            }
            Thread.sleep(5);
        }
    }

    /** The first JSON line from index {@code from} on that has every one of {@code fields}. */
    public Line awaitJson(Map<String, Object> fields, int from, Duration wait) throws InterruptedException {
        return await(text -> text.startsWith("{") && JsonParser.object(text).entrySet().containsAll(fields.entrySet()),
                from, wait, fields.toString());
    }

    /** The text of every line from index {@code from} on. */
    public List<String> linesFrom(int from) {
        return arrived(from).stream().map(Line::text).toList();
    }

    /** Whether any line so far matches. */
    public boolean saw(Predicate<String> match) {
        return lines.stream().map(Line::text).anyMatch(match);
    }

    /** Asks the program to stop (SIGTERM) and waits for it; true if it exited in time. */
    public boolean stop(Duration wait) throws InterruptedException {
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
