package dev.p2pchat.tracker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.testsupport.ComposeFile;
import dev.p2pchat.testsupport.ComposeFile.Service;
import dev.p2pchat.tracker.TrackerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** docker-compose.yml's tracker, held to the real {@code tracker} command line. */
class ComposeTrackerServiceTest {
    static final Path COMPOSE = Path.of("..", "docker-compose.yml");

    @TempDir
    Path dir;

    /** The tracker's settings as the service's arguments and environment make them, checked as the tracker does. */
    private static TrackerConfig accepted(Service service) {
        CommandLine commandLine = TrackerCommand.commandLine();
        service.parse(commandLine);
        assertThat(service.unreadVariables(commandLine.getCommandSpec()))
                .as("variables of service %s that no tracker option reads", service.name()).isEmpty();
        return ((TrackerCommand) commandLine.getCommand()).config();
    }

    @Test
    void shouldRunATrackerTheCommandLineAcceptsWhereThePeersLookForIt() throws Exception {
        ComposeFile compose = ComposeFile.read(COMPOSE);
        List<Service> trackers = compose.withTarget("tracker");
        assertThat(trackers).hasSize(1);

        TrackerConfig config = accepted(trackers.get(0));

        assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(compose.withTarget("peer")).hasSizeGreaterThanOrEqualTo(3).allSatisfy(peer ->
                assertThat(peer.environment()).as(peer.name())
                        .containsEntry("P2PCHAT_TRACKER", trackers.get(0).name() + ":" + config.port()));
    }

    @Test
    void shouldCatchAVariableNoOptionReadsAndAValueTheTrackerRefuses() throws Exception {
        Path file = dir.resolve("docker-compose.yml");
        Files.writeString(file, String.join("\n",
                "services:",
                "  typo:",
                "    build: {context: ., target: tracker}",
                "    environment:",
                "      P2PCHAT_TRACKER_PROT: \"7070\"",
                "  refused:",
                "    build: {context: ., target: tracker}",
                "    command: [\"--lease\", \"5\"]",
                "  unparsable:",
                "    build: {context: ., target: tracker}",
                "    environment: [\"P2PCHAT_TRACKER_PORT=seventy\"]",
                ""));
        ComposeFile compose = ComposeFile.read(file);

        assertThatThrownBy(() -> accepted(compose.service("typo"))).hasMessageContaining("P2PCHAT_TRACKER_PROT");
        assertThatThrownBy(() -> accepted(compose.service("refused"))).isInstanceOf(ParameterException.class)
                .hasMessageContaining("lease");
        assertThatThrownBy(() -> accepted(compose.service("unparsable"))).isInstanceOf(ParameterException.class)
                .hasMessageContaining("seventy");
    }
}
