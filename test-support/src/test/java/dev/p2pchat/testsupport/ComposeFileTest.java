package dev.p2pchat.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.testsupport.ComposeFile.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class ComposeFileTest {
    @TempDir
    Path dir;

    @Command(name = "toy")
    static final class Toy {
        @Option(names = "--port", defaultValue = "${env:TOY_PORT:-1}")
        int port;

        @Option(names = "--name", defaultValue = "${env:TOY_NAME:-nobody}")
        String name;

        @Option(names = "--verbose")
        boolean verbose;
    }

    private ComposeFile compose(String... lines) throws Exception {
        Path file = dir.resolve("docker-compose.yml");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return ComposeFile.read(file);
    }

    @Test
    void shouldReadServicesThroughAnchorsMergeKeysAndBothFormsOfEnvironment() throws Exception {
        ComposeFile compose = compose(
                "x-base: &base",
                "  build: {context: ., target: toy}",
                "  environment: {TOY_PORT: 5}",
                "services:",
                "  one:",
                "    <<: *base",
                "    command: --verbose --name  ${WHO:-one}",
                "  two:",
                "    <<: *base",
                "    profiles: [extra]",
                "    environment: [\"TOY_NAME=$${literal}\", \"TOY_PORT=${UNSET}7\"]",
                "  other:",
                "    image: something");

        assertThat(compose.withTarget("toy")).extracting(Service::name).containsExactly("one", "two");
        assertThat(compose.service("one").command()).containsExactly("--verbose", "--name", "one");
        assertThat(compose.service("one").environment()).isEqualTo(Map.of("TOY_PORT", "5"));
        assertThat(compose.service("two").environment()).isEqualTo(Map.of("TOY_NAME", "${literal}",
                "TOY_PORT", "7"));
        assertThat(compose.service("two").profiles()).containsExactly("extra");
        assertThat(compose.service("other").target()).isNull();
        assertThatThrownBy(() -> compose.service("three")).hasMessageContaining("no service three");
    }

    @Test
    void shouldParseArgumentsWithTheServicesEnvironmentAsTheContainerWould() throws Exception {
        Service service = new Service("s", "toy", List.of("--verbose"), Map.of("TOY_PORT", "8080", "TOY_PROT", "1"),
                List.of());
        CommandLine commandLine = new CommandLine(new Toy());

        service.parse(commandLine);

        Toy toy = commandLine.getCommand();
        assertThat(toy.port).isEqualTo(8080);
        assertThat(toy.name).isEqualTo("nobody");
        assertThat(toy.verbose).isTrue();
        assertThat(service.unreadVariables(commandLine.getCommandSpec())).containsExactly("TOY_PROT");
        Service refused = new Service("s", "toy", List.of(), Map.of("TOY_PORT", "eighty"), List.of());
        assertThatThrownBy(() -> refused.parse(new CommandLine(new Toy())))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("eighty");
    }
}
