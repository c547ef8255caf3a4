package dev.p2pchat.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo as a newcomer runs it: {@code ./p2pchat demo} from the top of the repository. */
class DemoIT {
    private static final Path ROOT = Path.of(System.getProperty("repository.root", "..")).toAbsolutePath()
            .normalize();

    @TempDir
    Path dir;

    /** What a finished program printed, and how it exited. */
    private record Run(int exitCode, List<String> lines) {}

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    @Timeout(180)
    void shouldPlayTheWholeConversationAndExitZero() throws Exception {
        Run demo = run(List.of(ROOT.resolve("p2pchat").toString(), "demo"));

        assertThat(demo.exitCode()).as(String.join("\n", demo.lines())).isZero();
        assertThat(demo.lines()).contains(
                "bob     | <alice> Hi bob! The tracker told me where to find you.",
                "alice   | <bob> Hi alice, bob here. Got your message.",
                "bob     | [all] <alice> Hello everyone, this is alice.",
                "carol   | [all] <alice> Hello everyone, this is alice.",
                "alice   | * bob is now robert",
                "carol   | * alice is now a friend",
                "bob     | <alice> Nice new name, robert.",
                "bob     | <carol> Congratulations on the new name, robert!",
                "alice   | * carol disconnected: said goodbye",
                "bob     | * carol disconnected: said goodbye",
                "demo    | OK: all 6 expected messages arrived, once each; every script ran without an error; every "
                        + "program stopped cleanly");
        assertThat(demo.lines()).anyMatch(line -> line.startsWith("alice   | seen online bob ["))
                .anyMatch(line -> line.matches("alice   \\| #[0-9a-f]{8} accepted the friend request of carol"))
                .anyMatch(line -> line.startsWith("tracker | tracker listening on udp 127.0.0.1:"))
                .filteredOn(line -> line.endsWith("| * stopped")).hasSize(3);
    }

    @Test
    @Timeout(120)
    void shouldExitOneAndSayWhatWentWrong() throws Exception {
        Files.writeString(dir.resolve("alice.txt"), String.join("\n", "/wait registered 30", "/wait online bob 30",
                "/msg bob are you there?", "/mgs bob a typo", "/wait delivered bob 30", ""));
        Files.writeString(dir.resolve("bob.txt"), String.join("\n", "/wait registered 30",
                "/wait message alice 30", ""));
        Files.writeString(dir.resolve("carol.txt"), "/wait message dave 1\n");

        List<String> command = new ArrayList<>(List.of(ROOT.resolve("p2pchat").toString(), "demo", "--scripts",
                dir.toString(), "--timeout", "60"));
        Run demo = run(command);

        assertThat(demo.exitCode()).as(String.join("\n", demo.lines())).isEqualTo(1);
        assertThat(demo.lines()).contains("bob     | <alice> are you there?",
                "demo    | FAILED: 2 problems",
                "demo    |   alice printed \"error: unknown command /mgs (/help lists the commands)\"",
                "demo    |   carol printed \"error: waited 1 s; no message dave event has been seen\"");
    }

    @Test
    @Timeout(60)
    void shouldRefuseABadScriptWithExitCodeTwo() throws Exception {
        Files.writeString(dir.resolve("alice.txt"), "/msg nobody hello\n");
        Files.writeString(dir.resolve("bob.txt"), "");

        Run demo = run(List.of(ROOT.resolve("p2pchat").toString(), "demo", "--scripts", dir.toString()));

        assertThat(demo.exitCode()).isEqualTo(2);
        assertThat(demo.lines()).first().asString().isEqualTo("--scripts " + dir + ": alice.txt line 1: /msg to "
                + "'nobody', which no other peer of the demo goes by");
    }
}
