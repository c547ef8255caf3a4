package dev.p2pchat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Places the load generator and the server thread on cores for the length of a phase (Linux, {@code taskset}),
 * so that figures repeat from one run to the next.
 *
 * <p>Left to itself, the scheduler of a small VM sometimes runs both busy threads on one core: on the 2-vCPU
 * machine these figures come from, the same saturated echo run gave either ~390,000/s (a core each, both at 99%)
 * or ~260,000/s (both at 50% of one core). With one request outstanding the opposite holds: a round trip across
 * cores pays two cross-core wake-ups of a halted vCPU, ~50 us on that VM against ~6 us on one core. So saturated
 * phases put the threads {@link #apart}, light-load phases {@link #together}.
 */
final class CorePinning implements AutoCloseable {
    private static final int GENERATOR_CORE = 0;
    private static final int SERVER_CORE = 1;

    /** Each pinned thread with the cores it was allowed before, to give them back on close. */
    private final Map<Long, String> previous;

    private CorePinning(Map<Long, String> previous) {
        this.previous = previous;
    }

    /** The calling thread's Linux thread id, or empty where there is no /proc. */
    static OptionalLong currentThreadId() {
        try {
            // "/proc/thread-self" links to "<pid>/task/<tid>".
            Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return OptionalLong.of(Long.parseLong(link.getFileName().toString()));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** Whether threads can be pinned here: two cores or more, a thread id, and {@code taskset}. */
    static boolean tasksetAvailable() {
        OptionalLong self = currentThreadId();
        return Runtime.getRuntime().availableProcessors() >= 2 && self.isPresent()
                && taskset(self.getAsLong(), null).isPresent();
    }

    /**
     * Pins the calling thread (the generator) and {@code server} to different cores, until closed; does nothing
     * when there are fewer than two cores, no thread id or no {@code taskset}.
     */
    static CorePinning apart(OptionalLong server) {
        return place(server, SERVER_CORE);
    }

    /** Pins the calling thread (the generator) and {@code server} to the same core, until closed. */
    static CorePinning together(OptionalLong server) {
        return place(server, GENERATOR_CORE);
    }

    private static CorePinning place(OptionalLong server, int serverCore) {
        return threads(List.of(currentThreadId(), server), List.of(GENERATOR_CORE, serverCore));
    }

    /**
     * Pins each of {@code threads} (Linux thread ids) to the core at the same position in {@code cores}, until
     * closed: all of them or, when there are fewer than two cores, an id is unknown or {@code taskset} fails, none.
     */
    static CorePinning threads(List<OptionalLong> threads, List<Integer> cores) {
        if (threads.size() != cores.size()) {
            throw new IllegalArgumentException("one core per thread");
        }
        CorePinning pinning = new CorePinning(new LinkedHashMap<>());
        // Pinning changes what availableProcessors() answers on this thread; it is back to normal after close().
        boolean possible = Runtime.getRuntime().availableProcessors() >= 2
                && threads.stream().allMatch(OptionalLong::isPresent);
        for (int i = 0; possible && i < threads.size(); i++) {
            possible = pinning.restrict(threads.get(i).getAsLong(), cores.get(i));
        }
        if (!possible) {
            pinning.close();
        }
        return pinning;
    }

    boolean active() {
        return !previous.isEmpty();
    }

    @Override
    public void close() {
        previous.forEach(CorePinning::taskset);
        previous.clear();
    }

    private boolean restrict(long thread, int core) {
        Optional<String> cores = taskset(thread, null);
        if (cores.isEmpty() || taskset(thread, Integer.toString(core)).isEmpty()) {
            return false;
        }
        previous.put(thread, cores.get());
        return true;
    }

    /**
     * Sets the cores {@code thread} may run on, or with {@code cores} null only reads them; returns the cores it
     * was allowed before the call ("0,1" or "0-3"), or empty when {@code taskset} failed.
     */
    private static Optional<String> taskset(long thread, String cores) {
        List<String> command = new ArrayList<>(List.of("taskset", "-pc"));
        if (cores != null) {
            command.add(cores);
        }
        command.add(Long.toString(thread));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            // "pid 123's current affinity list: 0,1", then, when setting, "pid 123's new affinity list: 0".
            String first = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .findFirst().orElse("");
            int colon = first.lastIndexOf(": ");
            return process.waitFor() == 0 && colon >= 0 ? Optional.of(first.substring(colon + 2).trim())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
