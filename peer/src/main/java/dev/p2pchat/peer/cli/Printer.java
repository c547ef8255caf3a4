package dev.p2pchat.peer.cli;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes reports in the order they were handed over, on a thread of its own: the peer's event loop hands events
 * over and returns at once, whether standard output is a slow pipe or a terminal being redrawn.
 */
final class Printer implements AutoCloseable {
    /** Where finished lines go: standard output, or above the shell's prompt. */
    interface Sink {
        /** Writes {@code text} (one line, or several separated by '\n') and a line end. */
        void write(String text);

        /** Pushes written text out; called whenever nothing more is waiting. */
        void flush();
    }

    private static final Report STOP = new Report("", Json.event("stop"));

    private final boolean json;
    private final Sink sink;
    private final BlockingQueue<Report> queue = new LinkedBlockingQueue<>();
    private final Thread thread;

    Printer(boolean json, Sink sink) {
        this.json = json;
        this.sink = sink;
        this.thread = new Thread(this::run, "p2pchat-output");
        thread.setDaemon(true); // never what keeps the JVM up; close() stops it on every normal path
        thread.start();
    }

    /** Queues {@code report} behind everything handed over before it. */
    void print(Report report) {
        queue.add(report);
    }

    void error(String message) {
        print(Report.error(message));
    }

    /** Writes whatever is queued, then stops the thread. */
    @Override
    public void close() {
        if (!thread.isAlive()) {
            return;
        }
        queue.add(STOP);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (true) {
                Report report = queue.take();
                if (report == STOP) {
                    sink.flush();
                    return;
                }
                sink.write(json ? report.json().toString() : report.text());
                if (queue.isEmpty()) {
                    sink.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
