package dev.p2pchat.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.p2pchat.testsupport.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One {@code peer} command line run inside the test's JVM in line mode: lines are typed into its standard input,
 * and its standard output and error are collected line by line.
 */
final class CliPeer implements AutoCloseable {
    static final long WAIT_SECONDS = 20;

    final String name;
    final Lines out = new Lines();
    final Lines err = new Lines();
    private final ScriptInput in = new ScriptInput();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private CliPeer(String name) {
        this.name = name;
    }

    /** Runs {@code peer ARGS} on a thread of its own; the returned peer is already reading commands. */
    static CliPeer start(String name, String... args) {
        CliPeer peer = new CliPeer(name);
        Thread thread = new Thread(() -> {
            try {
                peer.exit.complete(peer.commandLine().execute(args));
            } catch (Throwable t) {
                peer.exit.completeExceptionally(t);
            }
        }, "cli-" + name);
        thread.setDaemon(true);
        thread.start();
        return peer;
    }

    /** Runs {@code peer ARGS} on this thread until it exits (for --help, bad options and {@code send}). */
    static CliPeer run(String... args) {
        CliPeer peer = new CliPeer("run");
        peer.in.close();
        peer.exit.complete(peer.commandLine().execute(args));
        return peer;
    }

    private picocli.CommandLine commandLine() {
        return PeerCommand.commandLine(in, new PrintWriter(out, true), new PrintWriter(err, true), null, false);
    }

    void type(String line) {
        in.write(line + "\n");
    }

    /** Waits for a line of standard output that matches, after the first {@code from} lines. */
    String await(Predicate<String> match) throws InterruptedException {
        try {
            return out.await(match, 0);
        } catch (AssertionError e) {
            throw new AssertionError(name + ": " + e.getMessage(), e);
        }
    }

    String awaitLine(String exact) throws InterruptedException {
        return await(exact::equals);
    }

    String awaitContaining(String part) throws InterruptedException {
        return await(line -> line.contains(part));
    }

    /** Waits for the line that says a message to {@code to} is queued; returns the message's short id. */
    String awaitQueued(String to) throws InterruptedException {
        String line = await(candidate -> candidate.matches("#[0-9a-f]{8} queued for " + Pattern.quote(to)));
        return line.substring(1, 9);
    }

    /** Waits for the JSON event that says a message to {@code to} is queued; returns the message's id. */
    String awaitQueuedJson(String to) throws InterruptedException {
        return (String) awaitJson(Map.of("event", "queued", "to", to)).get("id");
    }

    /** Waits for a JSON line whose fields include every given one. */
    Map<String, Object> awaitJson(Map<String, Object> fields) throws InterruptedException {
        return JsonParser.object(await(line -> JsonParser.object(line).entrySet().containsAll(fields.entrySet())));
    }

    /** Ends standard input (a clean quit) and waits for the exit code. */
    int quit() throws Exception {
        in.close();
        return exitCode();
    }

    int exitCode() throws Exception {
        return exit.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws ExecutionException, TimeoutException {
        in.close();
        try {
            exit.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " out=" + out + " err=" + err;
    }

    /** Text written, split into lines as they are finished. */
    static final class Lines extends Writer {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public synchronized void write(char[] buffer, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                if (buffer[i] == '\n') {
                    lines.add(partial.toString());
                    partial.setLength(0);
                } else {
                    partial.append(buffer[i]);
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        List<String> lines() {
            return new ArrayList<>(lines);
        }

        String await(Predicate<String> match, int from) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                List<String> now = lines();
                for (int i = from; i < now.size(); i++) {
                    if (match.test(now.get(i))) {
                        return now.get(i);
                    }
                }
                if (System.nanoTime() > deadline) {
                    fail("no matching line within " + WAIT_SECONDS + " s in " + now);
                }
                Thread.sleep(10);
            }
        }

        @Override
        public String toString() {
            return String.join("\n", lines()) + (partial.length() > 0 ? "\n" + partial : "");
        }
    }

    /** Standard input that the test types into; reads block until a line is typed or the input is closed. */
    static final class ScriptInput extends InputStream {
        private byte[] pending = new byte[0];
        private int position;
        private boolean closed;

        synchronized void write(String text) {
            assertThat(closed).as("standard input already closed").isFalse();
            byte[] more = text.getBytes(StandardCharsets.UTF_8);
            byte[] joined = new byte[pending.length - position + more.length];
            System.arraycopy(pending, position, joined, 0, pending.length - position);
            System.arraycopy(more, 0, joined, pending.length - position, more.length);
            pending = joined;
            position = 0;
            notifyAll();
        }

        @Override
        public synchronized void close() {
            closed = true;
            notifyAll();
        }

        @Override
        public synchronized int read() throws IOException {
            byte[] one = new byte[1];
            int read = read(one, 0, 1);
            return read < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public synchronized int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (position == pending.length && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            if (position == pending.length) {
                return -1;
            }
            int count = Math.min(length, pending.length - position);
            System.arraycopy(pending, position, buffer, offset, count);
            position += count;
            return count;
        }
    }
}
