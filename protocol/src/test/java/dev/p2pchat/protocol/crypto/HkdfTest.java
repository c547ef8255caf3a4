package dev.p2pchat.protocol.crypto;

import static dev.p2pchat.protocol.crypto.CryptoVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.crypto.CryptoVectors.Case;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class HkdfTest {
    static List<Case> rfc5869Vectors() {
        return CryptoVectors.cases("hkdf.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc5869Vectors")
    void shouldMatchTheRfc5869Vectors(Case vector) {
        byte[] prk = Hkdf.extract(vector.bytes("salt"), vector.bytes("ikm"));
        int length = Integer.parseInt(vector.fields().get("L"));

        assertThat(hex(prk)).isEqualTo(hex(vector.bytes("prk")));
        assertThat(hex(Hkdf.expand(prk, vector.bytes("info"), length))).isEqualTo(hex(vector.bytes("okm")));
    }

    /** Noise's HKDF is RFC 5869 with the chaining key as salt and no info, which the RFC vectors check. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc5869Vectors")
    void shouldDeriveNoiseKeysAsRfc5869WithTheChainingKeyAsSaltAndNoInfo(Case vector) {
        // RFC 5869 reads case 3's empty salt as zeros; a Noise chaining key is never empty, so pass the zeros.
        byte[] chainingKey = vector.bytes("salt").length == 0 ? new byte[Hkdf.HASH_SIZE] : vector.bytes("salt");
        byte[] ikm = vector.bytes("ikm");
        byte[] okm = Hkdf.expand(Hkdf.extract(chainingKey, ikm), new byte[0], 3 * Hkdf.HASH_SIZE);
        for (int outputs = 2; outputs <= 3; outputs++) {
            byte[][] keys = Hkdf.noise(chainingKey, ikm, outputs);
            assertThat(keys.length).isEqualTo(outputs);
            for (int i = 0; i < outputs; i++) {
                byte[] expected = Arrays.copyOfRange(okm, i * Hkdf.HASH_SIZE, (i + 1) * Hkdf.HASH_SIZE);
                assertThat(hex(keys[i])).as("output %d of %d", i + 1, outputs).isEqualTo(hex(expected));
            }
        }
    }

    @Test
    void shouldRefuseMoreOutputThanRfc5869Allows() {
        byte[] prk = new byte[Hkdf.HASH_SIZE];
        assertThat(Hkdf.expand(prk, new byte[0], 255 * Hkdf.HASH_SIZE)).hasSize(255 * Hkdf.HASH_SIZE);
        assertThatThrownBy(() -> Hkdf.expand(prk, new byte[0], 255 * Hkdf.HASH_SIZE + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hkdf.noise(prk, new byte[0], 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
