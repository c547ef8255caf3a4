package dev.p2pchat.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.cli.PeerOptions.Settings;
import dev.p2pchat.testsupport.ComposeFile.Service;
import dev.p2pchat.testsupport.ComposeFile;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;

/**
 * docker-compose.yml's peers, held to the real {@code peer} command line, and to the demo: the scripted peers are
 * the demo's scripts, run under their own names, so both demos show the same conversation.
 */
class ComposePeerServicesTest {
    private static final Path ROOT = Path.of("..");
    /** Where the Dockerfile puts the demo's scripts in the image. */
    private static final String SCRIPTS_IN_IMAGE = "/opt/p2pchat/demo/";
    private static final Path SCRIPTS = ROOT.resolve("demo/scripts");

    @TempDir
    Path dir;

    /** What the peer would run with: its settings and its script (null for none). */
    private record Accepted(Settings settings, Path script) {
        String name() {
            return settings.config().name();
        }
    }

    /** The peer's settings as the service makes them, checked as the peer does at start. */
    private static Accepted accepted(Service service) {
        // The image's scripts are the repository's: run the check against those files.
        Map<String, String> environment = new HashMap<>(service.environment());
        environment.computeIfPresent("P2PCHAT_SCRIPT", (key, file) -> file.startsWith(SCRIPTS_IN_IMAGE)
                ? SCRIPTS.resolve(file.substring(SCRIPTS_IN_IMAGE.length())).toString() : file);
        Service here = new Service(service.name(), service.target(), service.command(), environment,
                service.profiles());
        CommandLine commandLine = PeerCommand.commandLine(InputStream.nullInputStream(),
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), null, false);
        here.parse(commandLine);
        assertThat(here.unreadVariables(commandLine.getCommandSpec()))
                .as("variables of service %s that no peer option reads", service.name()).isEmpty();
        PeerCommand command = commandLine.getCommand();
        return new Accepted(command.options.settings(commandLine), command.scriptFile());
    }

    @Test
    void shouldRunPeersTheCommandLineAcceptsEachWithTheDemoScriptOfItsName() throws Exception {
        ComposeFile compose = ComposeFile.read(ROOT.resolve("docker-compose.yml"));
        List<Service> peers = compose.withTarget("peer");
        List<String> demoPeers;
        try (Stream<Path> scripts = Files.list(SCRIPTS)) {
            demoPeers = scripts.map(file -> file.getFileName().toString().replaceFirst("\\.txt$", "")).sorted()
                    .toList();
        }

        List<String> scripted = peers.stream().map(ComposePeerServicesTest::accepted)
                .filter(peer -> peer.script() != null).map(peer -> {
                    assertThat(peer.script().getFileName().toString()).isEqualTo(peer.name() + ".txt");
                    assertThat(peer.settings().json()).as("text output, for people reading the logs").isFalse();
                    return peer.name();
                }).sorted().toList();

        assertThat(scripted).isEqualTo(demoPeers).hasSizeGreaterThanOrEqualTo(3);
        assertThat(Files.readAllLines(ROOT.resolve("Dockerfile")))
                .contains("COPY demo/scripts/ " + SCRIPTS_IN_IMAGE);
        Service interactive = compose.service("you");
        assertThat(interactive.profiles()).as("not started by docker compose up").containsExactly("interactive");
        assertThat(accepted(interactive).name()).isEqualTo("you");
    }

    @Test
    void shouldCatchAVariableNoOptionReadsAndAValueThePeerRefuses() throws Exception {
        Path file = dir.resolve("docker-compose.yml");
        Files.writeString(file, String.join("\n",
                "services:",
                "  typo:",
                "    build: {context: ., target: peer}",
                "    environment: {P2PCHAT_NAME: alice, P2PCHAT_TRAKCER: \"tracker:7070\"}",
                "  badname:",
                "    build: {context: ., target: peer}",
                "    environment: {P2PCHAT_NAME: Alice}",
                "  noscript:",
                "    build: {context: ., target: peer}",
                "    environment: {P2PCHAT_NAME: alice, P2PCHAT_SCRIPT: /opt/p2pchat/demo/nobody.txt}",
                ""));
        ComposeFile compose = ComposeFile.read(file);

        assertThatThrownBy(() -> accepted(compose.service("typo"))).hasMessageContaining("P2PCHAT_TRAKCER");
        assertThatThrownBy(() -> accepted(compose.service("badname"))).isInstanceOf(ParameterException.class)
                .hasMessageContaining("name 'Alice'");
        assertThatThrownBy(() -> accepted(compose.service("noscript"))).isInstanceOf(ParameterException.class)
                .hasMessageContaining("nobody.txt' is not a readable file");
    }
}
