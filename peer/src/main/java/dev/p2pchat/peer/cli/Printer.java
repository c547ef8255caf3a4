package dev.p2pchat.peer.cli;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes reports in the order they were handed over, on a thread of its own: the peer's event loop hands events
 * over and returns at once, whether standard output is a slow pipe or a terminal being redrawn.
 *
 * <p>Holds at most {@link #CAPACITY} reports and {@link #MAX_CHARS} characters. When output is not read at all (a
 * pipe nobody drains), what comes beyond that is counted rather than kept, and a line saying how many were left out
 * follows once the backlog is written: the event loop must neither wait on the reader nor hold an ever-growing
 * backlog. The latest messages of each conversation stay in its history either way.
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
    /** A 64 KiB message escaped as JSON can take a few hundred thousand characters: bound those too. */
    static final long MAX_CHARS = 16L * 1024 * 1024;
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final String STOP = new String("stop"); // compared by identity: no report can be it

    private final boolean json;
    private final Sink sink;
    private final Duration closeWait;
    private final BlockingQueue<String> queue;
    private final AtomicLong queuedChars = new AtomicLong();
    private final AtomicLong leftOut = new AtomicLong();
    private final Thread thread;

    Printer(boolean json, Sink sink) {
        this(json, sink, CAPACITY, CLOSE_WAIT);
    }

    Printer(boolean json, Sink sink, int capacity, Duration closeWait) {
        this.json = json;
        this.sink = sink;
        this.closeWait = closeWait;
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.thread = new Thread(this::run, "p2pchat-output");
        thread.setDaemon(true); // never what keeps the JVM up; close() stops it on every normal path
        thread.start();
    }

    /** Queues {@code report} behind everything handed over before it, or counts it as left out if full. */
    void print(Report report) {
        String text = json ? report.json().toString() : report.text();
        if (text == null) {
            return; // shown in the JSON stream only
        }
        if (queuedChars.addAndGet(text.length()) > MAX_CHARS || !queue.offer(text)) {
            queuedChars.addAndGet(-text.length());
            leftOut.incrementAndGet();
        }
    }

    void error(String message) {
        print(Report.error(message));
    }

    /**
     * Writes whatever is queued, then stops the thread. Gives up after the close wait if output stays stuck; the
     * thread then ends as soon as its write returns.
     */
    @Override
    public void close() {
        if (!thread.isAlive()) {
            return;
        }
        try {
            long deadline = System.nanoTime() + closeWait.toNanos();
            if (queue.offer(STOP, closeWait.toNanos(), TimeUnit.NANOSECONDS)) {
                TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(1, deadline - System.nanoTime()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }

    private void run() {
        try {
            while (true) {
                String text = queue.take();
                if (text != STOP) {
                    queuedChars.addAndGet(-text.length());
                    sink.write(text);
                }
                if (queue.isEmpty() || text == STOP) {
                    long lost = leftOut.getAndSet(0);
                    if (lost > 0) {
                        Report notice = leftOutReport(lost);
                        sink.write(json ? notice.json().toString() : notice.text());
                    }
                    sink.flush();
                }
                if (text == STOP) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Report leftOutReport(long count) {
        return new Report("* output was not being read: " + count + " more were not shown (/history NAME shows a "
                + "conversation's latest messages)", Json.event("output_dropped").put("count", count));
    }
}
