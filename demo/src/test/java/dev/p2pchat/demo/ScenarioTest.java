package dev.p2pchat.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioTest {
    @TempDir
    Path dir;

    private static SortedMap<String, List<String>> scripts(Object... peerAndLines) {
        SortedMap<String, List<String>> scripts = new TreeMap<>();
        for (int i = 0; i < peerAndLines.length; i += 2) {
            scripts.put((String) peerAndLines[i], List.of(((String) peerAndLines[i + 1]).split("\n")));
        }
        return scripts;
    }

    @Test
    void shouldExpectEachMessageAtItsReceiverUnderEveryNameTheSenderGoesBy() {
        List<Expectation> expected = Scenario.expectations(scripts(
                "alice", "# a comment\n/wait registered\n/msg bob  hi bob \n/nick alicia\n/broadcast all of you",
                "bob", "/nick robert\n/msg alicia hello",
                "carol", "/MSG robert from carol\nnot a command /msg bob no\n/quit\n/msg bob never read"));

        assertThat(expected).containsExactly(
                new Expectation("bob", "alice", Set.of("alice", "alicia"), "hi bob", false),
                new Expectation("bob", "alice", Set.of("alice", "alicia"), "all of you", true),
                new Expectation("carol", "alice", Set.of("alice", "alicia"), "all of you", true),
                new Expectation("alice", "bob", Set.of("bob", "robert"), "hello", false),
                new Expectation("bob", "carol", Set.of("carol"), "from carol", false));
    }

    @Test
    void shouldRefuseScriptsWhoseMessagesCannotBeChecked() {
        assertThatThrownBy(() -> Scenario.expectations(scripts("alice", "/msg dave hi", "bob", "")))
                .hasMessage("alice.txt line 1: /msg to 'dave', which no other peer of the demo goes by");
        assertThatThrownBy(() -> Scenario.expectations(scripts("alice", "/msg alice me", "bob", "")))
                .hasMessageContaining("/msg to 'alice', which no other peer");
        assertThatThrownBy(() -> Scenario.expectations(scripts("alice", "/msg bob hi\n\n/msg bob hi", "bob", "")))
                .hasMessage("alice.txt line 3: bob already gets \"hi\"; make each message's text unique, so that "
                        + "each can be checked");
        assertThatThrownBy(() -> Scenario.expectations(scripts("alice", "/nick bee", "bob", "/nick bee")))
                .hasMessage("alice and bob both go by bee");
        assertThatThrownBy(() -> Scenario.expectations(scripts("alice", "/msg bob caf\u00e9", "bob", "")))
                .hasMessage("alice.txt line 1: write demo messages in printable ASCII");
        assertThatThrownBy(() -> Scenario.expectations(scripts("Alice", "", "bob", "")))
                .hasMessageContaining("'Alice.txt': a peer's name is 1 to 32 of");
        assertThatThrownBy(() -> Scenario.expectations(scripts("alice", "")))
                .hasMessage("a demo needs 2 to 16 peers, not 1");
    }

    @Test
    void shouldLoadOnePeerPerScriptFile() throws Exception {
        Files.writeString(dir.resolve("alice.txt"), "/msg bob hi\n");
        Files.writeString(dir.resolve("bob.txt"), "/wait message alice\n");
        Files.writeString(dir.resolve("notes.md"), "not a script");

        Scenario scenario = Scenario.load(dir);

        assertThat(scenario.scripts()).containsOnlyKeys("alice", "bob");
        assertThat(scenario.scripts().get("alice")).isEqualTo(dir.resolve("alice.txt"));
        assertThat(scenario.expectations()).singleElement().extracting(Expectation::receiver).isEqualTo("bob");
        assertThatThrownBy(() -> Scenario.load(dir.resolve("none")))
                .hasMessage("no scripts directory " + dir.resolve("none"));
        Files.writeString(dir.resolve("carol.txt"), "x".repeat((int) Scenario.MAX_SCRIPT_BYTES + 1));
        assertThatThrownBy(() -> Scenario.load(dir)).hasMessageEndingWith("is larger than 65536 bytes");
    }

    @Test
    void shouldFindTheDemosScriptsValid() throws Exception {
        Scenario scenario = Scenario.load(Path.of("scripts"));

        assertThat(scenario.scripts()).containsOnlyKeys("alice", "bob", "carol");
        assertThat(scenario.expectations()).hasSize(6).anyMatch(Expectation::broadcast)
                .anyMatch(expectation -> expectation.senderNames().contains("robert"));
    }
}
