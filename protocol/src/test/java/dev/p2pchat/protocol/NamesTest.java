package dev.p2pchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "0", "alice", "bob-2", "x.y_z", "9lives", "abcdefghijklmnopqrstuvwxyz012345"})
    void shouldAcceptNamesThatFollowTheRule(String name) {
        assertThat(Names.isValid(name)).isTrue();
        assertThat(Names.problem(name)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Alice", "-bob", ".bob", "_bob", "a b", "a!", "abcdefghijklmnopqrstuvwxyz0123456",
        "caf\u00e9"})
    void shouldRefuseNamesThatBreakTheRule(String name) {
        assertThat(Names.isValid(name)).isFalse();
        assertThat(Names.problem(name)).isNotBlank();
    }

    @Test
    void shouldRefuseNull() {
        assertThat(Names.isValid(null)).isFalse();
        assertThat(Names.problem(null)).isNotBlank();
    }

    @Test
    void shouldKeepTheRuleWithinWhatTheWireCarries() {
        assertThat(Names.RULE).isEqualTo("[a-z0-9][a-z0-9._-]{0,31}");
        assertThat(Names.isValid("a".repeat(Wire.MAX_NAME_LENGTH))).isTrue();
        assertThat(Names.isValid("a".repeat(Wire.MAX_NAME_LENGTH + 1))).isFalse();
    }
}
