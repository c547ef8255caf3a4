package dev.p2pchat.lab;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The lab that {@code lab/nat-lab} builds, seen from a test: its hosts and routers, and commands run on them. Each
 * lab gets its own namespace prefix, so a lab left behind by a killed run never meets this one; {@link #close()}
 * removes every namespace (and with them every link, rule and process) the lab made.
 */
final class NatLab implements AutoCloseable {
    /** One host of the lab: its address on its own network, and the router in front of it (null: public). */
    record Host(String name, String address, String router) {}

    /** One NAT router: its public address now (it changes on {@link #renumber}) and its kind. */
    record Router(String name, String publicAddress, String kind) {}

    private static final long SCRIPT_SECONDS = 30;

    private final Path script;
    private final String prefix;
    private final Map<String, Host> hosts = new HashMap<>();
    private final Map<String, Router> routers = new HashMap<>();

    private NatLab(Path script, String prefix) {
        this.script = script;
        this.prefix = prefix;
    }

    /**
     * Builds the lab. Where it cannot be built (not root, no network namespaces, no iptables) the calling tests are
     * skipped with the reason, except under CI ({@code CI=true}), where the lab is part of the suite and its absence
     * is a failure.
     */
    static NatLab up() throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("nat.lab.script", "nat-lab"));
        String missing = missingRequirement();
        if (missing != null) {
            unavailable(missing);
        }
        NatLab lab = new NatLab(script, "p2pl" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current()
                .nextInt()));
        Result built = lab.script("up");
        if (built.exit() != 0) {
            lab.close();
            unavailable("nat-lab up failed: " + built.output());
        }
        for (String line : lab.script("hosts").lines()) {
            String[] fields = line.split(" ");
            lab.hosts.put(fields[0], new Host(fields[0], fields[1], "-".equals(fields[2]) ? null : fields[2]));
        }
        for (String line : lab.script("routers").lines()) {
            String[] fields = line.split(" ");
            lab.routers.put(fields[0], new Router(fields[0], fields[1], fields[2]));
        }
        return lab;
    }

    Host host(String name) {
        Host host = hosts.get(name);
        if (host == null) {
            throw new IllegalArgumentException("no lab host " + name + " in " + hosts.keySet());
        }
        return host;
    }

    Router router(String name) {
        Router router = routers.get(name);
        if (router == null) {
            throw new IllegalArgumentException("no lab router " + name + " in " + routers.keySet());
        }
        return router;
    }

    /** The address other hosts see a host's datagrams come from: its own, or its router's public one. */
    String publicAddress(String hostName) {
        Host host = host(hostName);
        return host.router() == null ? host.address() : router(host.router()).publicAddress();
    }

    /** A process that runs {@code command} on {@code host}. */
    ProcessBuilder on(String host, List<String> command) {
        host(host);
        List<String> full = new ArrayList<>(List.of(script.toString(), "exec", host));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full);
        builder.environment().put("NAT_LAB_PREFIX", prefix);
        return builder;
    }

    /** Sets how long {@code router} keeps an idle UDP mapping. */
    void udpTimeout(String router, int seconds) throws IOException, InterruptedException {
        check(script("udp-timeout", router(router).name(), Integer.toString(seconds)));
    }

    /** Forgets every mapping of every router, so that one test's mappings never help the next. */
    void flushAll() throws IOException, InterruptedException {
        for (String router : routers.keySet()) {
            check(script("flush", router));
        }
    }

    /**
     * Makes {@code router}'s public link a path MTU black hole: packets over {@code bytes} vanish there and the ICMP
     * that would say so is dropped; {@code bytes} 0 restores the link.
     */
    void blackHole(String router, int bytes) throws IOException, InterruptedException {
        check(script("black-hole", router(router).name(), bytes == 0 ? "off" : Integer.toString(bytes)));
    }

    /** Cuts {@code router} off (it drops everything it would forward), or puts it back. */
    void outage(String router, boolean on) throws IOException, InterruptedException {
        check(script("outage", router(router).name(), on ? "on" : "off"));
    }

    /** Gives {@code router} a new public address and forgets its mappings: its LAN's peers roam. */
    String renumber(String router) throws IOException, InterruptedException {
        String address = check(script("renumber", router(router).name())).strip();
        Router old = routers.get(router);
        routers.put(router, new Router(router, address, old.kind()));
        return address;
    }

    @Override
    public void close() throws IOException {
        try {
            check(script("down"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while removing the lab " + prefix, e);
        }
    }

    private record Result(int exit, String output) {
        List<String> lines() {
            return output.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    private static String check(Result result) {
        if (result.exit() != 0) {
            fail("nat-lab failed (exit " + result.exit() + "): " + result.output());
        }
        return result.output();
    }

    private Result script(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("nat-lab", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("NAT_LAB_PREFIX", prefix);
            Process process = builder.start();
            if (!process.waitFor(SCRIPT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after " + SCRIPT_SECONDS + " s: " + command);
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String missingRequirement() throws IOException, InterruptedException {
        if (!System.getProperty("os.name").startsWith("Linux")) {
            return "the NAT lab needs Linux network namespaces";
        }
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        id.waitFor();
        if (!"0".equals(uid)) {
            return "the NAT lab needs root for network namespaces and iptables (uid is " + uid + ")";
        }
        for (String[] tool : new String[][] {{"ip", "iproute2"}, {"iptables", "iptables"},
                {"conntrack", "conntrack"}}) {
            if (!onPath(tool[0])) {
                return "the NAT lab needs " + tool[0] + " (apt-get install " + tool[1] + ")";
            }
        }
        return null;
    }

    /** Skips the calling test without {@code tool}, or fails it under CI, which installs it. */
    static void requireTool(String tool, String debianPackage) {
        if (!onPath(tool)) {
            unavailable("this test needs " + tool + " (apt-get install " + debianPackage + ")");
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void unavailable(String reason) {
        if ("true".equals(System.getenv("CI"))) {
            fail("CI runs the NAT lab, but " + reason);
        }
        Assumptions.abort(reason);
    }
}
