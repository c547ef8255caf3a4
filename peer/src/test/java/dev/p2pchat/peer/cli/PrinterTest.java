package dev.p2pchat.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class PrinterTest {
    private static final Duration SHORT_WAIT = Duration.ofMillis(200);
    /** Standard output that nobody reads until {@link #unblock()}: a write blocks, deaf to interrupts, as on a pipe. */
    private static final class StuckOutput implements Printer.Sink {
        final List<String> written = new CopyOnWriteArrayList<>();
        final CountDownLatch writing = new CountDownLatch(1);
        /** How many of the written lines had been flushed at the last flush. */
        volatile int flushed;
        volatile Thread writer;
        private final CountDownLatch reader = new CountDownLatch(1);

        @Override
        public void write(String text) {
            writer = Thread.currentThread();
            writing.countDown();
            boolean interrupted = false;
            while (true) {
                try {
                    reader.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            written.add(text);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void flush() {
            flushed = written.size();
        }

        void unblock() {
            reader.countDown();
        }
    }

    @Test
    void shouldWriteInOrderAndStopOnlyOnceEverythingHandedOverIsWritten() {
        List<String> written = new CopyOnWriteArrayList<>();
        Printer printer = new Printer(true, new Printer.Sink() {
            @Override
            public void write(String text) {
                written.add(text);
            }

            @Override
            public void flush() {}
        });
        for (int i = 0; i < 1000; i++) {
            printer.print(line(i));
        }
        printer.close();

        assertThat(written).hasSize(1000).startsWith("{\"event\":\"line\",\"n\":0}")
                .endsWith("{\"event\":\"line\",\"n\":999}");
    }

    @Test
    void shouldCountWhatOutputNobodyReadsCannotHoldAndSaySoOnceItIsReadAgain() throws Exception {
        StuckOutput output = new StuckOutput();
        Printer printer = new Printer(false, output, 10, SHORT_WAIT);
        printer.print(line(0));
        assertThat(output.writing.await(5, TimeUnit.SECONDS)).isTrue(); // line 0 is being written, and stuck

        for (int i = 1; i <= 25; i++) {
            printer.print(line(i)); // 1..10 wait in the queue, 11..25 do not fit
        }
        output.unblock();
        printer.close();

        assertThat(output.written).hasSize(12);
        assertThat(output.written.subList(0, 11)).containsExactlyElementsOf(
                IntStream.rangeClosed(0, 10).mapToObj(i -> "line " + i).toList());
        assertThat(output.written.get(11)).isEqualTo(
                "* output was not being read: 15 more were not shown (/history NAME shows a conversation's latest "
                        + "messages)");
    }

    @Test
    void shouldBoundTheCharactersWaitingNotOnlyTheReports() throws Exception {
        StuckOutput output = new StuckOutput();
        Printer printer = new Printer(false, output);
        printer.print(line(0));
        assertThat(output.writing.await(5, TimeUnit.SECONDS)).isTrue();

        String mebi = "x".repeat(1024 * 1024);
        for (int i = 0; i < 20; i++) {
            printer.print(new Report(mebi, Json.event("big")));
        }
        output.unblock();
        printer.close();

        assertThat(output.written).hasSize(1 + 16 + 1);
        assertThat(output.written.get(17)).startsWith("* output was not being read: 4 more were not shown");
    }

    @Test
    void shouldFlushOnStopEvenWhenSomethingWasHandedOverAfterIt() throws Exception {
        StuckOutput output = new StuckOutput();
        Printer printer = new Printer(false, output, 10, Duration.ofSeconds(10));
        printer.print(line(0));
        assertThat(output.writing.await(5, TimeUnit.SECONDS)).isTrue();
        Thread closing = new Thread(printer::close); // as the shutdown hook does, while a command still prints
        closing.start();
        while (closing.getState() != Thread.State.TIMED_WAITING) { // the stop is queued, close waits for the end
            Thread.sleep(1);
        }
        printer.print(line(1));

        output.unblock();
        closing.join();

        assertThat(output.written).containsExactly("line 0");
        assertThat(output.flushed).as("what was written, flushed").isEqualTo(1);
    }

    @Test
    void shouldReportWhatWasLeftOutAsJson() {
        assertThat(Printer.leftOutReport(15).json().toString())
                .isEqualTo("{\"event\":\"output_dropped\",\"count\":15}");
    }

    @Test
    void shouldGiveUpClosingWhenOutputStaysStuck() throws Exception {
        StuckOutput output = new StuckOutput();
        Printer printer = new Printer(false, output, 1, SHORT_WAIT);
        printer.print(line(0));
        assertThat(output.writing.await(5, TimeUnit.SECONDS)).isTrue();
        printer.print(line(1));

        printer.close(); // returns (the class's timeout fails the test otherwise), with nothing written
        assertThat(output.written).isEmpty();

        output.unblock();
        output.writer.join(5_000);
        assertThat(output.writer.isAlive()).as("the output thread, told to stop, ends once its write returns")
                .isFalse();
        assertThat(output.written).containsExactly("line 0");
    }

    private static Report line(int n) {
        return new Report("line " + n, Json.event("line").put("n", (long) n));
    }
}
