package dev.p2pchat.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TranscriptTest {
    private static final Expectation HI = new Expectation("bob", "alice", Set.of("alice", "alicia"), "hi", false);
    private static final Expectation ALL = new Expectation("carol", "alice", Set.of("alice", "alicia"), "all",
            true);

    @Test
    void shouldCountEachExpectedMessageWhereverItsSenderIsNowCalled() {
        Transcript transcript = new Transcript(List.of(HI, ALL));
        transcript.add("bob", "* alice connected (127.0.0.1:4000)");
        transcript.add("bob", "<alice> hi");
        assertThat(transcript.allArrived()).isFalse();
        assertThat(transcript.problems()).containsExactly("missing: carol receiving alice's broadcast \"all\"");

        transcript.add("carol", "[all] <alicia> all");

        assertThat(transcript.allArrived()).isTrue();
        assertThat(transcript.arrived()).isEqualTo(2);
        assertThat(transcript.problems()).isEmpty();
    }

    @Test
    void shouldReportEverySignOfTrouble() {
        Transcript transcript = new Transcript(List.of(HI, ALL));
        transcript.add("bob", "<alice> hi");
        transcript.add("bob", "<alice> hi");
        transcript.add("carol", "<alice> all");
        transcript.add("bob", "<mallory> hi");
        transcript.add("alice", "error: waited 30 s; no friend_request carol event has been seen");
        transcript.add("alice", "#0a1b2c3d to carol failed: expired");
        transcript.add("carol", "[held] <alice> psst");

        assertThat(transcript.allArrived()).isFalse();
        assertThat(transcript.problems()).containsExactly(
                "shown 2 times: bob receiving alice's message \"hi\"",
                "missing: carol receiving alice's broadcast \"all\"",
                "carol received a message no script sent: \"<alice> all\"",
                "bob received a message no script sent: \"<mallory> hi\"",
                "alice printed \"error: waited 30 s; no friend_request carol event has been seen\"",
                "alice printed \"#0a1b2c3d to carol failed: expired\"",
                "carol printed \"[held] <alice> psst\"");
    }

    @Test
    void shouldKnowWhoFinishedTheirScriptAndBoundWhatItKeeps() {
        Transcript transcript = new Transcript(List.of());
        transcript.add("alice", "* finished the script demo/scripts/alice.txt");
        for (int i = 0; i < Transcript.MAX_PROBLEMS + 5; i++) {
            transcript.add("bob", "error: " + i);
        }

        assertThat(transcript.finishedScript("alice")).isTrue();
        assertThat(transcript.finishedScript("bob")).isFalse();
        assertThat(transcript.over(List.of("alice"))).isTrue();
        assertThat(transcript.over(List.of("alice", "bob"))).isFalse();
        assertThat(transcript.problems()).hasSize(Transcript.MAX_PROBLEMS + 1).last()
                .isEqualTo("and 5 more problems");
    }
}
