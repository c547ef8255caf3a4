package dev.p2pchat.protocol.crypto;

import static dev.p2pchat.protocol.crypto.CryptoVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.crypto.CryptoVectors.Case;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class X25519Test {
    private static final List<Case> VECTORS = CryptoVectors.cases("x25519.txt");

    static Stream<Case> section52Vectors() {
        return VECTORS.stream().filter(c -> c.fields().containsKey("scalar"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("section52Vectors")
    void shouldMatchTheRfc7748Section52Vectors(Case vector) throws CryptoException {
        assertThat(hex(X25519.agree(vector.bytes("scalar"), vector.bytes("u")))).isEqualTo(hex(vector.bytes("output")));
    }

    @Test
    void shouldDeriveTheRfc7748Section61PublicKeysAndSharedSecret() throws CryptoException {
        Case vector = VECTORS.stream().filter(c -> c.fields().containsKey("alice_private")).findFirst().orElseThrow();
        X25519.KeyPair alice = X25519.fromPrivateKey(vector.bytes("alice_private"));
        X25519.KeyPair bob = X25519.fromPrivateKey(vector.bytes("bob_private"));

        assertThat(hex(alice.publicKey())).isEqualTo(hex(vector.bytes("alice_public")));
        assertThat(hex(bob.publicKey())).isEqualTo(hex(vector.bytes("bob_public")));
        assertThat(hex(alice.agree(bob.publicKey()))).isEqualTo(hex(vector.bytes("shared_secret")));
        assertThat(hex(bob.agree(alice.publicKey()))).isEqualTo(hex(vector.bytes("shared_secret")));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // u = 0: the point of order 2.
        "0000000000000000000000000000000000000000000000000000000000000000",
        // u = 1: a point of order 4.
        "0100000000000000000000000000000000000000000000000000000000000000",
        // A point of order 8.
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"
    })
    void shouldRejectALowOrderPublicKeyThatGivesTheAllZeroSecret(String lowOrderPoint) {
        X25519.KeyPair alice = X25519.generate(new SecureRandom());
        assertThatThrownBy(() -> alice.agree(hex(lowOrderPoint)))
                .isInstanceOfSatisfying(CryptoException.class,
                        e -> assertThat(e.reason()).isEqualTo(CryptoException.Reason.LOW_ORDER_KEY));
    }

    @Test
    void shouldAgreeOnTheSameSecretFromGeneratedKeys() throws CryptoException {
        SecureRandom random = new SecureRandom();
        X25519.KeyPair alice = X25519.generate(random);
        X25519.KeyPair bob = X25519.generate(random);
        X25519.KeyPair restored = X25519.fromPrivateKey(alice.privateKey());

        assertThat(alice.agree(bob.publicKey())).isEqualTo(bob.agree(alice.publicKey()));
        assertThat(restored.publicKey()).isEqualTo(alice.publicKey());
    }

    @Test
    void shouldForgetThePrivateKeyWhenDestroyed() {
        X25519.KeyPair pair = X25519.generate(new SecureRandom());
        pair.destroy();
        assertThat(pair.privateKey()).containsOnly(0);
    }

    @Test
    void shouldRejectKeysOfTheWrongLength() {
        assertThatThrownBy(() -> X25519.fromPrivateKey(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> X25519.agree(new byte[32], new byte[33])).isInstanceOf(IllegalArgumentException.class);
    }
}
