package dev.p2pchat.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.server.TrackerServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The interactive shell on an in-memory xterm: events above the prompt, completion, Ctrl-C, Ctrl-D, history. */
@Timeout(60)
class PeerShellTest {
    @TempDir
    Path dataRoot;

    private TrackerServer tracker;
    private final CliPeer.ScriptInput keys = new CliPeer.ScriptInput();
    private final Screen screen = new Screen();

    @AfterEach
    void stop() {
        keys.close();
        if (tracker != null) {
            tracker.close();
        }
    }

    @Test
    void shouldShowEventsCompleteNamesIgnoreCtrlCAndQuitOnCtrlD() throws Exception {
        tracker = new TrackerServer(TrackerConfig.builder().bindAddress("127.0.0.1").port(0).build());
        String trackerAddress = "127.0.0.1:" + tracker.start().getPort();
        // The exec provider's terminal runs its line discipline in Java, so a typed Ctrl-C raises INT in this JVM
        // (a pty from the JNI provider would signal its own, absent, foreground process instead).
        Terminal terminal = TerminalBuilder.builder().system(false).provider("exec").streams(keys, screen)
                .type("xterm").size(new Size(120, 40)).encoding(StandardCharsets.UTF_8).build();
        CompletableFuture<Integer> shell = new CompletableFuture<>();
        Path bobData = dataRoot.resolve("bob");
        Thread thread = new Thread(() -> shell.complete(PeerCommand.commandLine(InputStream.nullInputStream(),
                new PrintWriter(OutputStream.nullOutputStream()), new PrintWriter(System.err, true), () -> terminal,
                false).execute("--name", "bob", "--tracker", trackerAddress, "--bind", "127.0.0.1", "--data-dir",
                bobData.toString())), "shell-bob");
        thread.setDaemon(true);
        thread.start();
        try (CliPeer alice = CliPeer.start("alice", "--name", "alice", "--tracker", trackerAddress, "--bind",
                "127.0.0.1", "--data-dir", dataRoot.resolve("alice").toString())) {
            screen.await("bob> ");
            keys.write("/wait registered\r");
            screen.await("seen registered");
            alice.type("/wait registered");
            alice.type("/msg bob hello shell");

            screen.await("<alice> hello shell");
            keys.write("/ms\t");
            screen.await("/msg ");
            keys.write("al\t");
            screen.await("/msg alice ");
            keys.write("hi alice\r");
            alice.awaitLine("<bob> hi alice");
            screen.awaitAfter(" queued for alice", " delivered to alice");

            // Ctrl-C at the prompt drops the line; while a command runs, it stops the command.
            until(thread, LineReaderImpl.class, "readLine");
            keys.write("half a line");
            screen.await("bob> half a line");
            keys.write("\u0003");
            screen.awaitAfter("bob> half a line", "bob> "); // a fresh prompt
            keys.write("/sleep 60000\r");
            until(thread, Commands.class, "sleep");
            keys.write("\u0003");
            screen.await("error: interrupted");
            keys.write("/peers\r");
            screen.await("CONNECTED");

            keys.write("\u0004");
            assertThat(shell.get(20, TimeUnit.SECONDS)).isZero();
            screen.await("* stopped");
            alice.awaitLine("* bob disconnected: said goodbye");
        }
        assertThat(screen.text()).doesNotContain("half a line\r\n", "error: not a command");
        assertThat(Files.readString(bobData.resolve(PeerShell.HISTORY_FILE))).contains("/msg alice hi alice");
    }

    /** Waits until {@code thread} is inside {@code type.method}: typing then lands where the test means it to. */
    private static void until(Thread thread, Class<?> type, String method) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CliPeer.WAIT_SECONDS);
        while (Arrays.stream(thread.getStackTrace()).noneMatch(frame -> frame.getMethodName().equals(method)
                && frame.getClassName().equals(type.getName()))) {
            if (System.nanoTime() > deadline) {
                fail(thread.getName() + " never got into " + type.getSimpleName() + "." + method);
            }
            Thread.sleep(10);
        }
    }

    /** What the terminal showed, as text with its escape sequences. */
    private static final class Screen extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] buffer, int offset, int length) {
            bytes.write(buffer, offset, length);
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** Waits until {@code part} shows after the last time {@code mark} did. */
        void awaitAfter(String mark, String part) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CliPeer.WAIT_SECONDS);
            while (true) {
                String shown = text();
                int at = shown.lastIndexOf(mark);
                if (at >= 0 && shown.indexOf(part, at + mark.length()) >= 0) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    fail("the screen never showed '" + part + "' after '" + mark + "':\n" + shown);
                }
                Thread.sleep(10);
            }
        }

        void await(String part) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CliPeer.WAIT_SECONDS);
            while (!text().contains(part)) {
                if (System.nanoTime() > deadline) {
                    fail("the screen never showed '" + part + "':\n" + text());
                }
                Thread.sleep(10);
            }
        }
    }
}
