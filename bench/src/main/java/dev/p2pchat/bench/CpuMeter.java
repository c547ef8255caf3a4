package dev.p2pchat.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the CPU time of a measurement went, per thread: the evidence for what limits a figure. A thread at
 * (nearly) 100% of one core is the bottleneck; the JVM's own threads (GC, JIT) are summed into the process total.
 */
final class CpuMeter {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** CPU time of every thread, the process and the collectors at one instant. */
    record Snapshot(long nanoTime, Map<Long, String> names, Map<Long, Long> cpuNanos, Map<Long, Long> userNanos,
            long processCpuNanos, long machineCpuNanos, long gcCount, long gcMillis) {}

    /**
     * Shares of one core over a measurement (1.0 = one core busy all the time).
     *
     * @param generator the load generator's thread
     * @param busiestOther the busiest thread other than the generator (the server's loop, normally)
     * @param busiestOtherKernel the part of {@code busiestOther}'s time spent in the kernel (0 to 1): system calls,
     *     and on loopback the delivery of every datagram it sends into the receiving socket
     * @param process all threads of this JVM, so at most the number of cores
     * @param others other processes on the machine, as a share of one core (NaN if unknown; see {@link #others})
     */
    record Usage(double generator, String busiestOtherName, double busiestOther, double busiestOtherKernel,
            double process, double others, long gcCount, long gcMillis) {}


    private CpuMeter() {}

    static Snapshot snapshot() {
        long[] ids = THREADS.getAllThreadIds();
        long[] cpu = THREADS.getThreadCpuTime(ids);
        long[] user = THREADS.getThreadUserTime(ids);
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        Map<Long, String> names = new HashMap<>();
        Map<Long, Long> times = new HashMap<>();
        Map<Long, Long> userTimes = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && cpu[i] >= 0 && user[i] >= 0) {
                names.put(ids[i], infos[i].getThreadName());
                times.put(ids[i], cpu[i]);
                userTimes.put(ids[i], user[i]);
            }
        }
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        return new Snapshot(System.nanoTime(), names, times, userTimes, OS.getProcessCpuTime(), machineBusyNanos(),
                gcCount, gcMillis);
    }

    /**
     * One thread's share of one core between {@code start} and {@code end}, and the part of it spent in the kernel
     * (0 to 1); zeros for a thread that did not live through both.
     */
    record ThreadUsage(double share, double kernel) {}

    static ThreadUsage of(Snapshot start, Snapshot end, long thread) {
        Long cpuStart = start.cpuNanos().get(thread);
        Long cpuEnd = end.cpuNanos().get(thread);
        if (cpuStart == null || cpuEnd == null) {
            return new ThreadUsage(0, 0);
        }
        long cpu = cpuEnd - cpuStart;
        long user = end.userNanos().get(thread) - start.userNanos().get(thread);
        double elapsed = Math.max(1, end.nanoTime() - start.nanoTime());
        return new ThreadUsage(cpu / elapsed, cpu <= 0 ? 0 : Math.max(0, (double) (cpu - user) / cpu));
    }

    /**
     * The CPU time every process on the machine spent in user and kernel mode, in nanoseconds, from Linux's
     * {@code /proc/stat}; -1 where there is none. Interrupt and softirq time (on loopback, much of the packet
     * delivery) is left out: the kernel may count it apart from the process it ran for.
     */
    private static long machineBusyNanos() {
        try {
            // "cpu  user nice system idle iowait irq softirq steal ...", in clock ticks of (almost always) 10 ms.
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return (Long.parseLong(fields[1]) + Long.parseLong(fields[2]) + Long.parseLong(fields[3])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Other processes between {@code start} and {@code end}, as a share of one core: how much of the machine this
     * measurement did not have. NaN where the machine's CPU time is not known. Approximate: {@code /proc/stat} counts
     * in ticks of 10 ms, and the kernel's accounting of system time differs a little from the process's.
     */
    static double others(Snapshot start, Snapshot end) {
        if (start.machineCpuNanos() < 0 || end.machineCpuNanos() < 0) {
            return Double.NaN;
        }
        long others = end.machineCpuNanos() - start.machineCpuNanos()
                - (end.processCpuNanos() - start.processCpuNanos());
        return Math.max(0, others) / (double) Math.max(1, end.nanoTime() - start.nanoTime());
    }

    /** All threads of this JVM between {@code start} and {@code end}, as a share of one core. */
    static double process(Snapshot start, Snapshot end) {
        return (end.processCpuNanos() - start.processCpuNanos()) / (double) Math.max(1, end.nanoTime()
                - start.nanoTime());
    }

    /** Usage between {@code start} and {@code end}, with {@code generatorThread} as the load generator. */
    static Usage between(Snapshot start, Snapshot end, long generatorThread) {
        double elapsed = Math.max(1, end.nanoTime() - start.nanoTime());
        Map<Long, Double> shares = new HashMap<>();
        end.cpuNanos().forEach((id, cpu) -> shares.put(id, (cpu - start.cpuNanos().getOrDefault(id, 0L)) / elapsed));
        List<Map.Entry<Long, Double>> others = shares.entrySet().stream()
                .filter(e -> e.getKey() != generatorThread)
                .sorted(Map.Entry.<Long, Double>comparingByValue(Comparator.reverseOrder()))
                .toList();
        String busiestName = "-";
        double busiest = 0;
        double kernel = 0;
        if (!others.isEmpty()) {
            long id = others.get(0).getKey();
            busiestName = end.names().get(id);
            busiest = others.get(0).getValue();
            long cpu = end.cpuNanos().get(id) - start.cpuNanos().getOrDefault(id, 0L);
            long user = end.userNanos().get(id) - start.userNanos().getOrDefault(id, 0L);
            kernel = cpu <= 0 ? 0 : Math.max(0, (double) (cpu - user) / cpu);
        }
        return new Usage(shares.getOrDefault(generatorThread, 0.0), busiestName, busiest, kernel,
                (end.processCpuNanos() - start.processCpuNanos()) / elapsed, others(start, end),
                end.gcCount() - start.gcCount(), end.gcMillis() - start.gcMillis());
    }
}
