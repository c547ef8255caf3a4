package dev.p2pchat.bench;

import dev.p2pchat.peer.store.PeerStore;
import dev.p2pchat.peer.store.StoredMessage;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.tracker.mailbox.MailLimits;
import dev.p2pchat.tracker.mailbox.Mailbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The stores on disk: the peer's database filled with a million messages (how fast, how large), then history pages
 * and searches timed against it; the tracker's mailbox taking deposits and handing them out. Every write is as
 * durable as in use (WAL, synchronous=FULL); the file lives in a temporary directory, deleted afterwards.
 */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "The peer's message store and the tracker's mailbox on disk.")
final class StoreBenchmark implements Callable<Integer> {
    static final String START = "<!-- store-benchmark:start (written by bench/run.sh, do not edit) -->";
    static final String END = "<!-- store-benchmark:end -->";
    private static final double QUERY_TARGET_MILLIS = 50;
    private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
        "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"};

    @Option(names = "--messages", defaultValue = "1000000", description = "Messages to store. Default: ${DEFAULT-VALUE}.")
    int messages;

    @Option(names = "--peers", defaultValue = "100", description = "Conversations they spread over. Default: "
            + "${DEFAULT-VALUE}.")
    int peers;

    @Option(names = "--queries", defaultValue = "500", description = "History pages and searches timed, each. "
            + "Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(names = "--deposits", defaultValue = "20000", description = "Mail deposits. Default: ${DEFAULT-VALUE}.")
    int deposits;

    @Option(names = "--output", defaultValue = "docs/benchmarks.md", description = "Markdown file whose store "
            + "section is rewritten. Default: ${DEFAULT-VALUE}.")
    Path output;

    /** Runs the callbacks the stores hand back, as an event loop would. */
    private static final class Loop {
        final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

        <T> T await(CompletableFuture<T> result) throws Exception {
            while (!result.isDone()) {
                Runnable task = tasks.poll(10, TimeUnit.MILLISECONDS);
                if (task != null) {
                    task.run();
                }
            }
            return result.get();
        }

        void drainUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
            while (!done.getAsBoolean()) {
                Runnable task = tasks.poll(10, TimeUnit.MILLISECONDS);
                if (task != null) {
                    task.run();
                }
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        Path directory = Files.createTempDirectory("p2pchat-store-bench");
        try {
            StringBuilder md = new StringBuilder(START).append("\n\n## Stores\n\n");
            peerStore(directory.resolve("peer"), md);
            mailbox(directory.resolve("tracker"), md);
            md.append(END).append('\n');
            System.out.print(md);
            Report.write(output, md.toString(), START, END);
            return 0;
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private void peerStore(Path directory, StringBuilder md) throws Exception {
        Files.createDirectories(directory);
        Loop loop = new Loop();
        SplittableRandom random = new SplittableRandom(13);
        List<Octets> keys = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            keys.add(Octets.of(key));
        }
        System.gc();
        long heapBefore = usedHeap();
        PeerStore store = PeerStore.open(directory, loop.tasks::add, true);
        AtomicLong stored = new AtomicLong();
        long start = System.nanoTime();
        for (int seq = 1; seq <= messages; seq++) {
            byte[] id = new byte[16];
            random.nextBytes(id);
            String text = text(random);
            boolean outgoing = random.nextBoolean();
            StoredMessage message = new StoredMessage(seq, keys.get(seq % peers), null, Octets.of(id), outgoing,
                    false, seq, seq, text, outgoing ? StoredMessage.State.DELIVERED : StoredMessage.State.RECEIVED,
                    null, 0);
            store.insertIncoming(message, inserted -> stored.incrementAndGet(), problem -> {
                throw new IllegalStateException(problem);
            });
            if (seq % 50_000 == 0) {
                long target = seq;
                loop.drainUntil(() -> stored.get() >= target - PeerStore.MAX_QUEUED_TASKS / 2);
            }
        }
        loop.drainUntil(() -> stored.get() == messages);
        long writeNanos = System.nanoTime() - start;
        long transactions = store.transactions();

        LatencyHistogram history = new LatencyHistogram();
        for (int i = 0; i < queries; i++) {
            Octets peer = keys.get(random.nextInt(peers));
            long began = System.nanoTime();
            List<StoredMessage> page = loop.await(store.history(peer, Long.MAX_VALUE, 50));
            history.record(System.nanoTime() - began);
            if (page.size() != 50) {
                throw new IllegalStateException("a history page of " + page.size());
            }
        }
        LatencyHistogram search = new LatencyHistogram();
        long hits = 0;
        for (int i = 0; i < queries; i++) {
            String words = WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)];
            long began = System.nanoTime();
            hits += loop.await(store.search(words, 50)).size();
            search.record(System.nanoTime() - began);
        }
        System.gc();
        long heapAfter = usedHeap();
        store.close();
        long bytes = 0;
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                bytes += Files.size(file);
            }
        }
        double perSecond = messages * 1e9 / writeNanos;
        md.append("The peer's database (`p2pchat.db`), ").append(count(messages)).append(" messages of 40-120 ")
                .append("characters over ").append(peers).append(" conversations, written through the store's ")
                .append("thread as a burst of arrivals is (each message its own task, committed in batches):\n\n")
                .append("| Figure | Measured | p50 | p99 | Target | Result |\n|---|---:|---:|---:|---|---|\n")
                .append(String.format(Locale.ROOT, "| messages stored per second (%s transactions, %.0f messages "
                        + "each) | %s/s | | | for the store cost per message | |%n", count(transactions),
                        (double) messages / transactions, count(perSecond)))
                .append(String.format(Locale.ROOT, "| store thread time per message | %.2f us | | | | |%n",
                        writeNanos / 1e3 / messages))
                .append(String.format(Locale.ROOT, "| `/history NAME 50` with %s messages stored | %d pages | %s "
                        + "| %s | p99 < 50 ms | %s |%n", count(messages), queries, millis(history, 50),
                        millis(history, 99), Report.verdict(history.percentileNanos(99) < QUERY_TARGET_MILLIS * 1e6)))
                .append(String.format(Locale.ROOT, "| `/search WORD WORD` (newest 50 matches) | %d searches, %s "
                        + "hits | %s | %s | p99 < 50 ms | %s |%n", queries, count(hits), millis(search, 50),
                        millis(search, 99), Report.verdict(search.percentileNanos(99) < QUERY_TARGET_MILLIS * 1e6)))
                .append(String.format(Locale.ROOT, "| disk per stored message (database, WAL and index) | %.0f "
                        + "bytes (%s MiB in all) | | | | |%n", (double) bytes / messages, count(bytes / 1048576.0)))
                .append(String.format(Locale.ROOT, "| heap held by the open store | %s KiB | | | | |%n%n",
                        count(Math.max(0, heapAfter - heapBefore) / 1024.0)));
    }

    private void mailbox(Path directory, StringBuilder md) throws Exception {
        Loop loop = new Loop();
        SplittableRandom random = new SplittableRandom(17);
        MailLimits limits = new MailLimits(1_000_000, 1L << 34, 1_000_000, 1L << 34, 10_000_000, 1L << 34,
                Duration.ofDays(7));
        int recipients = 1_000;
        List<Octets> keys = new ArrayList<>();
        for (int i = 0; i < recipients; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            keys.add(Octets.of(key));
        }
        Octets sender = keys.get(0);
        byte[] body = new byte[1_000];
        random.nextBytes(body);
        System.gc();
        long heapBefore = usedHeap();
        try (Mailbox mailbox = Mailbox.open(Clock.systemUTC(), limits, directory, loop.tasks::add)) {
            AtomicLong answered = new AtomicLong();
            long start = System.nanoTime();
            for (int i = 0; i < deposits; i++) {
                mailbox.deposit(sender, keys.get(i % recipients), Octets.of(body), (ErrorCode error) -> {
                    if (error != null) {
                        throw new IllegalStateException("refused: " + error);
                    }
                    answered.incrementAndGet();
                });
            }
            loop.drainUntil(() -> answered.get() == deposits);
            long depositNanos = System.nanoTime() - start;
            System.gc();
            long heapAfter = usedHeap();

            long fetched = 0;
            start = System.nanoTime();
            for (Octets recipient : keys) {
                long after = 0;
                List<Long> ids = new ArrayList<>();
                while (true) {
                    CompletableFuture<Mailbox.Fetched> next = new CompletableFuture<>();
                    mailbox.fetch(recipient, after, next::complete);
                    Mailbox.Fetched piece = loop.await(next);
                    if (piece == null) {
                        break;
                    }
                    ids.add(piece.id());
                    after = piece.id();
                    fetched++;
                }
                for (int from = 0; from < ids.size(); from += 64) {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    mailbox.acknowledge(recipient, ids.subList(from, Math.min(ids.size(), from + 64)),
                            () -> done.complete(null));
                    loop.await(done);
                }
            }
            long fetchNanos = System.nanoTime() - start;
            long bytes = 0;
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    bytes += Files.size(file);
                }
            }
            md.append("The tracker's mailbox (`mail.db`), ").append(count(deposits)).append(" deposits of 1,000 ")
                    .append("bytes for ").append(recipients).append(" recipients, then each recipient fetching ")
                    .append("its mail piece by piece (each a read) and acknowledging it 64 ids at a time:\n\n")
                    .append("| Figure | Measured |\n|---|---:|\n")
                    .append(String.format(Locale.ROOT, "| deposits stored and answered per second | %s/s |%n",
                            count(deposits * 1e9 / depositNanos)))
                    .append(String.format(Locale.ROOT, "| pieces fetched and deleted per second | %s/s |%n",
                            count(fetched * 1e9 / fetchNanos)))
                    .append(String.format(Locale.ROOT, "| disk per stored piece of 1,000 bytes, after the fetches "
                            + "(SQLite keeps freed pages) | %.0f bytes |%n", (double) bytes / deposits))
                    .append(String.format(Locale.ROOT, "| heap per waiting piece (the counts per recipient, sender "
                            + "and pair) | %.0f bytes |%n%n", Math.max(0, heapAfter - heapBefore) / (double) deposits));
        }
    }

    private static String text(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int words = 6 + random.nextInt(12);
        for (int i = 0; i < words; i++) {
            text.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.toString();
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static String millis(LatencyHistogram histogram, double percentile) {
        return String.format(Locale.ROOT, "%.2f ms", histogram.percentileNanos(percentile) / 1e6);
    }

    private static String count(double value) {
        return Report.count(value);
    }
}
