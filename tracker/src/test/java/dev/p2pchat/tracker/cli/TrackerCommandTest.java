package dev.p2pchat.tracker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(30)
class TrackerCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

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
                        "--rate", "--burst", "--stats-interval", "--metrics-port", "--log-level",
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

        assertThat(run("--log-level", "LOUD")).isEqualTo(2);
        assertThat(run("--no-such-option")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option");
    }

    @Test
    void shouldExitWith1AndSayWhyWhenThePortIsTaken() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int exit = run("--bind", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()));

            assertThat(exit).isEqualTo(1);
            assertThat(err.toString()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
