package dev.p2pchat.tracker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.testsupport.ComposeFile.Service;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.relay.RelayLimits;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(30)
class TrackerCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    /** Where a tracker started here keeps its key: never the home directory of whoever runs the tests. */
    @TempDir
    Path dataDir;

    private int run(String... args) {
        CommandLine commandLine = TrackerCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void shouldExplainEveryOptionAndItsEnvironmentVariableInHelp() {
        assertThat(run("--help")).isZero();

        assertThat(out.toString())
                .contains("--bind", "P2PCHAT_TRACKER_BIND", "--port", "P2PCHAT_TRACKER_PORT", "--lease",
                        "P2PCHAT_TRACKER_LEASE", "--keepalive", "--max-peers", "P2PCHAT_TRACKER_MAX_PEERS",
                        "--max-per-host", "P2PCHAT_TRACKER_MAX_PER_HOST", "--max-per-network",
                        "P2PCHAT_TRACKER_MAX_PER_NETWORK", "NETWORK_FULL", "--register-rate",
                        "P2PCHAT_TRACKER_REGISTER_RATE",
                        "--rate", "--burst", "--stats-interval", "--metrics-port", "--data-dir",
                        "P2PCHAT_TRACKER_DATA_DIR", "--log-level",
                        "P2PCHAT_LOG_LEVEL", "Exit codes")
                .contains("Default: 7070", "Default: 90");
    }

    @Test
    void shouldRejectOutOfRangeSettingsWithExitCode2AndTheReason() {
        assertThat(run("--port", "70000")).isEqualTo(2);
        assertThat(err.toString()).contains("port must be 0 to 65535");

        assertThat(run("--lease", "5")).isEqualTo(2);
        assertThat(err.toString()).contains("lease must be 10 s to 1 h");

        assertThat(run("--lease", "60", "--keepalive", "25")).isEqualTo(2);
        assertThat(err.toString()).contains("at most a third of the lease");

        assertThat(run("--max-per-host", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("max per host must be 1 to 10000000, not 0");

        assertThat(run("--max-per-host", "64", "--max-per-network", "63")).isEqualTo(2);
        assertThat(err.toString()).contains("max per network must be from max per host (64) to 10000000, not 63");

        assertThat(run("--register-rate", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("register rate must be 0 (off) or positive");

        assertThat(run("--log-level", "LOUD")).isEqualTo(2);
        assertThat(run("--no-such-option")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option");
    }

    @Test
    void shouldExitWith1AndSayWhyWhenThePortIsTaken() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int exit = run("--bind", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()), "--data-dir",
                    dataDir.toString());

            assertThat(exit).isEqualTo(1);
            assertThat(err.toString()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void shouldExitWith1AndSayWhyWhenTheKeyFileIsDamagedAndLeaveItAsItIs() throws Exception {
        Path key = dataDir.resolve("tracker.key");
        for (byte[] damaged : List.of(
                "p2pchat tracker x25519 private key v1\nnot hex at all\n".getBytes(StandardCharsets.US_ASCII),
                "p2pchat tracker x25519 private key v1\n00ff\n".getBytes(StandardCharsets.US_ASCII),
                "p2pchat peer ed25519 private key v1\n".concat("00".repeat(32)).concat("\n")
                        .getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0x80, '\n', (byte) 0xc3})) {
            Files.write(key, damaged);
            err.getBuffer().setLength(0);
            out.getBuffer().setLength(0);

            int exit = run("--bind", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString());

            assertThat(exit).as(err.toString()).isEqualTo(1);
            assertThat(err.toString()).startsWith("tracker: cannot load its key: tracker key file " + key)
                    .contains("left as it is");
            assertThat(out.toString()).as("nothing printed as if it had started").doesNotContain("listening");
            assertThat(Files.readAllBytes(key)).as("the file is left as it was").isEqualTo(damaged);
        }
    }

    @Test
    void shouldExitWith1AndNameTheFileWhenTheDataDirectoryCannotHoldAKey() throws Exception {
        Path notADirectory = Files.writeString(dataDir.resolve("a-file"), "not a directory\n");

        int exit = run("--bind", "127.0.0.1", "--port", "0", "--data-dir", notADirectory.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("tracker: cannot load its key: ")
                .contains(notADirectory.resolve("tracker.key").toString());
        assertThat(Files.readString(notADirectory)).isEqualTo("not a directory\n");
    }

    @Test
    void shouldKeepTheKeyInTheGivenDataDirectoryOrTheEnvironmentsOrTheHomeDirectory() {
        assertThat(dataDirectory(Map.of(), "--data-dir", dataDir.toString())).isEqualTo(dataDir);
        assertThat(dataDirectory(Map.of("P2PCHAT_TRACKER_DATA_DIR", "/var/lib/tracker")))
                .isEqualTo(Path.of("/var/lib/tracker"));
        assertThat(dataDirectory(Map.of("P2PCHAT_TRACKER_DATA_DIR", "/var/lib/tracker"), "--data-dir",
                dataDir.toString())).as("the argument wins").isEqualTo(dataDir);
        assertThat(dataDirectory(Map.of())).isEqualTo(Path.of(System.getProperty("user.home"), ".p2pchat", "tracker"));
    }

    @Test
    void shouldBudgetRegistrationsPerHostAndNetworkFromTheArgumentsOrTheEnvironment() {
        assertThat(config(Map.of())).as("defaults")
                .extracting("maxPerHost", "maxPerNetwork", "registrationsPerSecond").containsExactly(64, 256, 50);
        assertThat(config(Map.of(), "--max-per-host", "8", "--max-per-network", "8", "--register-rate", "0"))
                .extracting("maxPerHost", "maxPerNetwork", "registrationsPerSecond").containsExactly(8, 8, 0);
        Map<String, String> environment = Map.of("P2PCHAT_TRACKER_MAX_PER_HOST", "16",
                "P2PCHAT_TRACKER_MAX_PER_NETWORK", "1024", "P2PCHAT_TRACKER_REGISTER_RATE", "5");
        assertThat(config(environment)).extracting("maxPerHost", "maxPerNetwork", "registrationsPerSecond")
                .containsExactly(16, 1024, 5);
        assertThat(config(environment, "--max-per-network", "2048")).as("the argument wins")
                .extracting("maxPerNetwork").isEqualTo(2048);
    }

    /** The settings the tracker would run with, given these arguments and this (container) environment. */
    private static TrackerConfig config(Map<String, String> environment, String... args) {
        CommandLine commandLine = TrackerCommand.commandLine();
        new Service("tracker", "tracker", List.of(args), environment, List.of()).parse(commandLine);
        return ((TrackerCommand) commandLine.getCommand()).config();
    }

    /** The data directory the tracker would keep its key in, given these arguments and this environment. */
    private static Path dataDirectory(Map<String, String> environment, String... args) {
        CommandLine commandLine = TrackerCommand.commandLine();
        new Service("tracker", "tracker", List.of(args), environment, List.of()).parse(commandLine);
        return ((TrackerCommand) commandLine.getCommand()).config().dataDirectory();
    }

    /** The relay limits the tracker would run with, given these arguments and this (container) environment. */
    private static RelayLimits relay(Map<String, String> environment, String... args) {
        CommandLine commandLine = TrackerCommand.commandLine();
        Service service = new Service("tracker", "tracker", List.of(args), environment, List.of());
        service.parse(commandLine);
        assertThat(service.unreadVariables(commandLine.getCommandSpec())).as("variables no option reads").isEmpty();
        return ((TrackerCommand) commandLine.getCommand()).config().relay();
    }

    private static RelayLimits limits(int rate, int bytes, long lifetimeSeconds) {
        return new RelayLimits(rate, bytes, Duration.ofSeconds(lifetimeSeconds), RelayLimits.DEFAULT.maxPeers(),
                RelayLimits.DEFAULT.maxPermissionsPerPeer());
    }

    @Test
    void shouldExplainTheRelayOptionsInHelp() {
        assertThat(run("--help")).isZero();

        assertThat(out.toString())
                .contains("--relay-rate", "P2PCHAT_TRACKER_RELAY_RATE", "--relay-bytes", "P2PCHAT_TRACKER_RELAY_BYTES",
                        "--relay-lifetime", "P2PCHAT_TRACKER_RELAY_LIFETIME")
                .contains("Default: 100", "Default: 65536", "Default: 600");
    }

    @Test
    void shouldParseTheRelayOptionsIntoTheRelayLimits() {
        assertThat(relay(Map.of())).as("defaults").isEqualTo(RelayLimits.DEFAULT);
        assertThat(relay(Map.of(), "--relay-rate", "20", "--relay-bytes", "4800", "--relay-lifetime", "120"))
                .isEqualTo(limits(20, 4800, 120));
        assertThat(relay(Map.of(), "--relay-bytes", "1200")).isEqualTo(limits(100, 1200, 600));

        RelayLimits off = relay(Map.of(), "--relay-rate", "0");
        assertThat(off.enabled()).isFalse();
        assertThat(relay(Map.of(), "--relay-bytes", "0").enabled()).as("0 bytes turns it off too").isFalse();
    }

    @Test
    void shouldReadTheRelayOptionsFromTheEnvironmentWithArgumentsWinning() {
        Map<String, String> environment = Map.of(
                "P2PCHAT_TRACKER_RELAY_RATE", "7",
                "P2PCHAT_TRACKER_RELAY_BYTES", "3000",
                "P2PCHAT_TRACKER_RELAY_LIFETIME", "45");

        assertThat(relay(environment)).isEqualTo(limits(7, 3000, 45));
        assertThat(relay(environment, "--relay-rate", "9")).isEqualTo(limits(9, 3000, 45));
        assertThat(relay(Map.of("P2PCHAT_TRACKER_RELAY_RATE", "0")).enabled()).isFalse();
    }

    @Test
    void shouldRefuseRelayLimitsOutOfRangeWithExitCode2AndTheReason() {
        // --bind and --port keep a tracker that wrongly started off the default port.
        assertThat(run("--bind", "127.0.0.1", "--port", "0", "--relay-bytes", "100")).isEqualTo(2);
        assertThat(err.toString()).contains("relay bytes per second must be 0 (off) or at least 1200, not 100");

        assertThat(run("--bind", "127.0.0.1", "--port", "0", "--relay-bytes", "1199")).isEqualTo(2);
        assertThat(run("--bind", "127.0.0.1", "--port", "0", "--relay-rate", "-1")).isEqualTo(2);
        assertThat(err.toString()).contains("relay rate must be 0 (off) or positive, not -1");
        assertThat(run("--bind", "127.0.0.1", "--port", "0", "--relay-lifetime", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("relay lifetime must be 1 s to 1 day, not 0 s");
        assertThat(run("--bind", "127.0.0.1", "--port", "0", "--relay-lifetime", "86401")).isEqualTo(2);
        assertThat(err.toString()).contains("relay lifetime must be 1 s to 1 day, not 86401 s");
        assertThat(run("--bind", "127.0.0.1", "--port", "0", "--relay-rate", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("lots");
    }
}
