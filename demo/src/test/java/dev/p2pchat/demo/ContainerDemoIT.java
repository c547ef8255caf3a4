package dev.p2pchat.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The demo in containers, as docker-compose.yml runs it: the images built from the Dockerfile, a tracker and the
 * demo's scripted peers on one network (no port is mapped: the UDP traffic stays inside it), and the same checks as
 * {@code ./p2pchat demo} read from the peers' logs. Skipped, and reported as skipped, where no Docker engine runs;
 * {@link DemoIT} plays the same scripts with the same settings as local processes.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerDemoIT {
    private static final Path ROOT = Path.of(System.getProperty("repository.root", "..")).toAbsolutePath()
            .normalize();
    private static final String TRACKER = "tracker";
    private static final int TRACKER_PORT = 7070;
    private static final Duration PLAY_TIME = Duration.ofSeconds(90);

    private static ImageFromDockerfile image(String target) {
        // The repository is the build context; .dockerignore keeps the local build outputs out of it.
        return new ImageFromDockerfile("p2pchat-" + target + "-it", true)
                .withDockerfile(ROOT.resolve("Dockerfile"))
                .withTarget(target);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // the first build downloads Maven's dependencies
    void shouldPlayTheDemoBetweenContainersOnOneNetwork() throws Exception {
        Scenario scenario = Scenario.load(ROOT.resolve("demo/scripts"));
        Transcript transcript = new Transcript(scenario.expectations());
        ImageFromDockerfile peerImage = image("peer");
        Map<String, GenericContainer<?>> peers = new LinkedHashMap<>();
        try (Network network = Network.newNetwork();
                GenericContainer<?> tracker = new GenericContainer<>(image(TRACKER))
                        .withNetwork(network)
                        .withNetworkAliases(TRACKER)
                        .withEnv("P2PCHAT_TRACKER_PORT", Integer.toString(TRACKER_PORT))
                        .waitingFor(Wait.forLogMessage(".*tracker listening on udp .*", 1))) {
            tracker.start();
            try {
                for (String name : scenario.scripts().keySet()) {
                    GenericContainer<?> peer = new GenericContainer<>(peerImage)
                            .withNetwork(network)
                            .withEnv(Map.of("P2PCHAT_NAME", name, "P2PCHAT_TRACKER", TRACKER + ":" + TRACKER_PORT,
                                    "P2PCHAT_SCRIPT", "/opt/p2pchat/demo/" + name + ".txt"))
                            // as stdin_open in docker-compose.yml: after its script the peer waits for input
                            .withCreateContainerCmdModifier(command -> command.withStdinOpen(true))
                            .withLogConsumer(frame -> {
                                if (frame.getType() == OutputFrame.OutputType.STDOUT) {
                                    transcript.add(name, frame.getUtf8StringWithoutLineEnding());
                                }
                            })
                            .waitingFor(Wait.forLogMessage(".*peer " + name + " listening on udp .*", 1));
                    peers.put(name, peer);
                    peer.start();
                }

                long deadline = System.nanoTime() + PLAY_TIME.toNanos();
                while (!over(peers, transcript) && System.nanoTime() - deadline < 0) {
                    Thread.sleep(200);
                }

                assertThat(transcript.problems()).as("what went wrong").isEmpty();
                assertThat(over(peers, transcript)).as("every script finished within %s", PLAY_TIME).isTrue();
                for (GenericContainer<?> peer : peers.values()) {
                    if (!peer.isRunning()) {
                        assertThat(peer.getCurrentContainerInfo().getState().getExitCodeLong()).as("exit code")
                                .isZero();
                    }
                }
            } finally {
                // before the network goes: a network with containers attached cannot be removed
                peers.values().forEach(GenericContainer::stop);
            }
        }
    }

    private static boolean over(Map<String, GenericContainer<?>> peers, Transcript transcript) {
        return transcript.over(peers.entrySet().stream().filter(peer -> peer.getValue().isRunning())
                .map(Map.Entry::getKey).toList());
    }
}
