package dev.p2pchat.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.testsupport.JsonParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class JsonTest {
    @Test
    void shouldEscapeEveryCharacterThatWouldBreakTheLineOrTheString() {
        String text = "quote \" backslash \\ slash / newline \n return \r tab \t nul \0 bell \u0007 del \u007f "
                + "separators \u2028 \u2029";

        String json = Json.event("message").put("text", text).toString();

        assertThat(json).doesNotContain("\n", "\r", "\t", "\0", "\u0007", "\u007f", "\u2028", "\u2029")
                .contains("\\\"", "\\\\", "\\n", "\\r", "\\t", "\\u0000", "\\u0007", "\\u007f", "\\u2028");
        assertThat(JsonParser.object(json)).containsEntry("event", "message").containsEntry("text", text);
    }

    @Test
    void shouldKeepPairedSurrogatesAndEscapeUnpairedOnes() {
        String emoji = "smile \uD83D\uDE00";
        String broken = "high \uD83D alone, low \uDE00 alone";

        assertThat(Json.event("x").put("text", emoji).toString()).contains(emoji);
        String json = Json.event("x").put("text", broken).toString();
        assertThat(json).contains("\\ud83d", "\\ude00");
        assertThat(JsonParser.object(json)).containsEntry("text", broken);
    }

    @Test
    void shouldWriteNumbersBooleansNullsArraysAndNestedObjects() {
        String json = Json.event("peers")
                .put("id", 42L)
                .put("connected", true)
                .put("address", (String) null)
                .putNull("rtt_ms")
                .putStrings("private", List.of("10.0.0.1:7000", "a\"b"))
                .putObjects("peers", List.of(new Json().put("name", "bob"), new Json()))
                .toString();

        assertThat(json).isEqualTo("{\"event\":\"peers\",\"id\":42,\"connected\":true,\"address\":null,"
                + "\"rtt_ms\":null,\"private\":[\"10.0.0.1:7000\",\"a\\\"b\"],"
                + "\"peers\":[{\"name\":\"bob\"},{}]}");
        Map<String, Object> parsed = JsonParser.object(json);
        assertThat(parsed).containsEntry("address", null);
    }

    @Test
    void shouldShowControlAndBidiCharactersFromOtherPeersAsEscapesInText() {
        assertThat(Text.safe("plain text, é and 😀")).isEqualTo("plain text, é and 😀");
        assertThat(Text.safe("two\nlines\r\tand \u001b[31mred\u001b[0m \u009b"))
                .isEqualTo("two\\nlines\\r\\tand \\x1b[31mred\\x1b[0m \\x9b");
        assertThat(Text.safe("abc\u202edef \u2066x\u2069 \u2028")).isEqualTo("abc\\u202edef \\u2066x\\u2069 \\u2028");
        assertThat(Text.safe("lone \uD83D")).isEqualTo("lone \\ud83d");
        assertThat(Report.error("bad\nline").text()).isEqualTo("error: bad\\nline");
    }
}
