package dev.p2pchat.peer.cli;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes reports in the order they were handed over, on a thread of its own: the peer's event loop hands events
 * over and returns at once, whether standard output is a slow pipe or a terminal being redrawn.
 *
 * <p>Holds at most {@link #CAPACITY} reports. When output is not read at all (a pipe nobody drains), what comes
 * beyond that is counted rather than kept, and a line saying how many were left out follows once the backlog is
 * written: the event loop must neither wait on the reader nor hold an ever-growing backlog. The latest messages of
 * each conversation stay in its history either way.
 */
final class Printer implements AutoCloseable {
    /** Where finished lines go: standard output, or above the shell's prompt. */
    interface Sink {
        /** Writes {@code text} (one line, or several separated by '\n') and a line end. */
        void write(String text);

        /** Pushes written text out; called whenever nothing more is waiting. */
        void flush();
    }

    static final int CAPACITY = 16_384;
    private static final Report STOP = new Report("", Json.event("stop"));
    private static final long CLOSE_WAIT_MILLIS = TimeUnit.SECONDS.toMillis(5);

    private final boolean json;
    private final Sink sink;
    private final BlockingQueue<Report> queue;
    private final AtomicLong leftOut = new AtomicLong();
    private final Thread thread;

    Printer(boolean json, Sink sink) {
        this(json, sink, CAPACITY);
    }

    Printer(boolean json, Sink sink, int capacity) {
        this.json = json;
        this.sink = sink;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "p2pchat-output");
        thread.setDaemon(true); // never what keeps the JVM up; close() stops it on every normal path
        thread.start();
    }

    /** Queues {@code report} behind everything handed over before it, or counts it as left out if full. */
    void print(Report report) {
        if (!queue.offer(report)) {
            leftOut.incrementAndGet();
        }
    }

    void error(String message) {
        print(Report.error(message));
    }

    /** Writes whatever is queued, then stops the thread; gives up after a few seconds if output is stuck. */
    @Override
    public void close() {
        if (!thread.isAlive()) {
            return;
        }
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
            if (queue.offer(STOP, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (true) {
                Report report = queue.take();
                if (report != STOP) {
                    sink.write(text(report));
                }
                if (queue.isEmpty()) {
                    long lost = leftOut.getAndSet(0);
                    if (lost > 0) {
                        sink.write(text(leftOutReport(lost)));
                    }
                    sink.flush();
                }
                if (report == STOP) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String text(Report report) {
        return json ? report.json().toString() : report.text();
    }

    static Report leftOutReport(long count) {
        return new Report("* output was not being read: " + count + " more were not shown (/history NAME shows a "
                + "conversation's latest messages)",
                Json.event("output_dropped").put("count", count));
    }
}
