package dev.p2pchat.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reader behind the Noise vector tests: a lenient one could hide a truncated or doubled vector file. */
@Timeout(10)
class MiniJsonTest {
    @Test
    void shouldReadEveryKindOfValue() {
        String text = " {\"a\": [1, -2.5e3, true, false, null], \"b\": \"q\\\"\\u00e9\\n\", \"c\": {}} ";
        Object value = MiniJson.parse(text);

        assertThat(value).isEqualTo(Map.of(
                "a", Arrays.asList(new BigDecimal("1"), new BigDecimal("-2.5e3"), true, false, null),
                "b", "q\"\u00e9\n",
                "c", Map.of()));
        assertThat(MiniJson.parse("[]")).isEqualTo(List.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "{", "{\"a\": 1,}", "[1 2]", "{\"a\": 1} x", "{\"a\": 1, \"a\": 2}", "\"tab\there\"", "\"\\x\"",
        "01", "+1", "tru", "{a: 1}", "\"\\u12g4\""
    })
    void shouldRejectMalformedJson(String text) {
        assertThatThrownBy(() -> MiniJson.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
