package dev.p2pchat.protocol.crypto;

import static dev.p2pchat.protocol.crypto.CryptoVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.crypto.CryptoVectors.Case;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChaChaPolyTest {
    private static final List<Case> VECTORS = CryptoVectors.cases("chacha20poly1305.txt");
    private static final Case SECTION_2_8_2 = vector("section 2.8.2");
    private static final Case APPENDIX_A5 = vector("A.5");
    /** The A.5 nonce, 00000000 0102030405060708, is the Noise nonce of this counter. */
    private static final long APPENDIX_A5_COUNTER = 0x0807060504030201L;
    private static final byte[] KEY = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] AD = "header".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PLAINTEXT = "hello, peer".getBytes(StandardCharsets.US_ASCII);

    private static Case vector(String titlePart) {
        return VECTORS.stream().filter(c -> c.title().contains(titlePart)).findFirst().orElseThrow();
    }

    @Test
    void shouldSealTheRfc8439Section282Vector() {
        byte[] plaintext = SECTION_2_8_2.bytes("plaintext");
        byte[] aad = SECTION_2_8_2.bytes("aad");
        byte[] out = new byte[plaintext.length + ChaChaPoly.TAG_SIZE];

        int written = ChaChaPoly.forKey(SECTION_2_8_2.bytes("key"))
                .seal(SECTION_2_8_2.bytes("nonce"), aad, 0, aad.length, plaintext, 0, plaintext.length, out, 0);

        assertThat(written).isEqualTo(out.length);
        assertThat(hex(out)).isEqualTo(hex(SECTION_2_8_2.bytes("ciphertext")) + hex(SECTION_2_8_2.bytes("tag")));
    }

    @Test
    void shouldOpenTheRfc8439Section282Vector() throws CryptoException {
        assertThat(hex(open(ChaChaPoly.forKey(SECTION_2_8_2.bytes("key")), SECTION_2_8_2)))
                .isEqualTo(hex(SECTION_2_8_2.bytes("plaintext")));
    }

    @Test
    void shouldOpenTheRfc8439AppendixA5VectorByNonceAndByCounter() throws CryptoException {
        ChaChaPoly cipher = ChaChaPoly.forKey(APPENDIX_A5.bytes("key"));
        byte[] sealed = sealed(APPENDIX_A5);
        byte[] aad = APPENDIX_A5.bytes("aad");
        byte[] byCounter = new byte[sealed.length - ChaChaPoly.TAG_SIZE];

        int length = cipher.open(APPENDIX_A5_COUNTER, aad, 0, aad.length, sealed, 0, sealed.length, byCounter, 0);
        // The same nonce again, on the same instance: the JDK 17-20 re-initialisation trap must not bite.

        assertThat(hex(open(cipher, APPENDIX_A5))).isEqualTo(hex(APPENDIX_A5.bytes("plaintext")));
        assertThat(length).isEqualTo(byCounter.length);
        assertThat(hex(byCounter)).isEqualTo(hex(APPENDIX_A5.bytes("plaintext")));
    }

    @Test
    void shouldRejectAnyFlippedBitInCiphertextTagOrAdAndWriteNothing() {
        ChaChaPoly cipher = ChaChaPoly.forKey(SECTION_2_8_2.bytes("key"));
        byte[] nonce = SECTION_2_8_2.bytes("nonce");
        byte[] sealed = sealed(SECTION_2_8_2);
        byte[] aad = SECTION_2_8_2.bytes("aad");
        byte[] out = new byte[sealed.length - ChaChaPoly.TAG_SIZE];
        for (int bit = 0; bit < (sealed.length + aad.length) * 8; bit++) {
            byte[] badSealed = sealed.clone();
            byte[] badAad = aad.clone();
            boolean inSealed = bit < sealed.length * 8;
            byte[] target = inSealed ? badSealed : badAad;
            int index = inSealed ? bit : bit - sealed.length * 8;
            target[index / 8] ^= (byte) (1 << (index % 8));

            assertThatThrownBy(
                            () -> cipher.open(nonce, badAad, 0, badAad.length, badSealed, 0, badSealed.length, out, 0))
                    .as("bit %d", bit)
                    .isInstanceOfSatisfying(CryptoException.class,
                            e -> assertThat(e.reason()).isEqualTo(CryptoException.Reason.BAD_TAG));
            assertThat(out).as("bit %d", bit).containsOnly(0);
        }
    }

    @Test
    void shouldOpenAGenuineMessageAfterAForgeryWithTheSameCounter() throws CryptoException {
        ChaChaPoly sender = ChaChaPoly.forKey(KEY);
        ChaChaPoly receiver = ChaChaPoly.forKey(KEY);
        byte[] genuine = new byte[PLAINTEXT.length + ChaChaPoly.TAG_SIZE];
        sender.seal(7, AD, 0, AD.length, PLAINTEXT, 0, PLAINTEXT.length, genuine, 0);
        byte[] forged = genuine.clone();
        forged[0] ^= 1;
        byte[] out = new byte[PLAINTEXT.length];

        assertThatThrownBy(() -> receiver.open(7, AD, 0, AD.length, forged, 0, forged.length, out, 0))
                .isInstanceOf(CryptoException.class);
        assertThat(receiver.open(7, AD, 0, AD.length, genuine, 0, genuine.length, out, 0)).isEqualTo(PLAINTEXT.length);
        assertThat(out).isEqualTo(PLAINTEXT);
        Arrays.fill(out, (byte) 0);
        // A replayed datagram opens too: rejecting replays is the caller's job, before it opens.
        assertThat(receiver.open(7, AD, 0, AD.length, genuine, 0, genuine.length, out, 0)).isEqualTo(PLAINTEXT.length);
        assertThat(out).isEqualTo(PLAINTEXT);
    }

    @Test
    void shouldFailToOpenUnderAnotherCounter() {
        byte[] sealed = new byte[PLAINTEXT.length + ChaChaPoly.TAG_SIZE];
        ChaChaPoly.forKey(KEY).seal(7, AD, 0, AD.length, PLAINTEXT, 0, PLAINTEXT.length, sealed, 0);
        byte[] out = new byte[PLAINTEXT.length];

        assertThatThrownBy(() -> ChaChaPoly.forKey(KEY).open(8, AD, 0, AD.length, sealed, 0, sealed.length, out, 0))
                .isInstanceOfSatisfying(CryptoException.class,
                        e -> assertThat(e.reason()).isEqualTo(CryptoException.Reason.BAD_TAG));
    }

    @Test
    void shouldSealUnderACounterAsUnderFourZeroBytesAndTheCounterLittleEndian() {
        byte[] byCounter = new byte[PLAINTEXT.length + ChaChaPoly.TAG_SIZE];
        byte[] byNonce = new byte[byCounter.length];
        byte[] nonce = hex("000000000102030405060708");
        long counter = APPENDIX_A5_COUNTER;
        ChaChaPoly.forKey(KEY).seal(counter, AD, 0, AD.length, PLAINTEXT, 0, PLAINTEXT.length, byCounter, 0);
        ChaChaPoly.forKey(KEY).seal(nonce, AD, 0, AD.length, PLAINTEXT, 0, PLAINTEXT.length, byNonce, 0);

        assertThat(hex(byCounter)).isEqualTo(hex(byNonce));
    }

    @Test
    void shouldSealAndOpenInPlaceAtAnOffset() throws CryptoException {
        ChaChaPoly cipher = ChaChaPoly.forKey(KEY);
        byte[] buffer = new byte[4 + PLAINTEXT.length + ChaChaPoly.TAG_SIZE];
        System.arraycopy(PLAINTEXT, 0, buffer, 4, PLAINTEXT.length);
        byte[] expected = new byte[PLAINTEXT.length + ChaChaPoly.TAG_SIZE];
        ChaChaPoly.forKey(KEY).seal(3, AD, 0, AD.length, PLAINTEXT, 0, PLAINTEXT.length, expected, 0);
        int sealedLength = cipher.seal(3, AD, 0, AD.length, buffer, 4, PLAINTEXT.length, buffer, 4);

        assertThat(sealedLength).isEqualTo(expected.length);
        assertThat(Arrays.copyOfRange(buffer, 4, buffer.length)).isEqualTo(expected);
        assertThat(cipher.open(3, AD, 0, AD.length, buffer, 4, expected.length, buffer, 4)).isEqualTo(PLAINTEXT.length);
        assertThat(Arrays.copyOfRange(buffer, 4, 4 + PLAINTEXT.length)).isEqualTo(PLAINTEXT);
    }

    @Test
    void shouldSealAnEmptyPlaintextToATagAlone() throws CryptoException {
        byte[] sealed = new byte[ChaChaPoly.TAG_SIZE];
        assertThat(ChaChaPoly.forKey(KEY).seal(0, AD, 0, AD.length, new byte[0], 0, 0, sealed, 0))
                .isEqualTo(ChaChaPoly.TAG_SIZE);
        assertThat(ChaChaPoly.forKey(KEY).open(0, AD, 0, AD.length, sealed, 0, sealed.length, new byte[0], 0)).isZero();
    }

    @Test
    void shouldRejectInputShorterThanATag() {
        assertThatThrownBy(() -> ChaChaPoly.forKey(KEY).open(0, AD, 0, AD.length, new byte[15], 0, 15, new byte[0], 0))
                .isInstanceOfSatisfying(CryptoException.class,
                        e -> assertThat(e.reason()).isEqualTo(CryptoException.Reason.BAD_LENGTH));
    }

    @Test
    void shouldRefuseToSealTwiceInARowWithOneNonce() {
        ChaChaPoly cipher = ChaChaPoly.forKey(KEY);
        byte[] out = new byte[PLAINTEXT.length + ChaChaPoly.TAG_SIZE];
        cipher.seal(5, AD, 0, AD.length, PLAINTEXT, 0, PLAINTEXT.length, out, 0);

        assertThatThrownBy(() -> cipher.seal(5, AD, 0, AD.length, PLAINTEXT, 0, PLAINTEXT.length, out, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectAKeyOrNonceOfTheWrongLengthAndAnOutputTooSmall() {
        ChaChaPoly cipher = ChaChaPoly.forKey(KEY);
        assertThatThrownBy(() -> ChaChaPoly.forKey(new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cipher.seal(new byte[8], AD, 0, 0, PLAINTEXT, 0, 0, new byte[16], 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cipher.seal(1, AD, 0, 0, PLAINTEXT, 0, PLAINTEXT.length, new byte[16], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static byte[] sealed(Case vector) {
        byte[] ciphertext = vector.bytes("ciphertext");
        byte[] tag = vector.bytes("tag");
        byte[] sealed = Arrays.copyOf(ciphertext, ciphertext.length + tag.length);
        System.arraycopy(tag, 0, sealed, ciphertext.length, tag.length);
        return sealed;
    }

    private static byte[] open(ChaChaPoly cipher, Case vector) throws CryptoException {
        byte[] sealed = sealed(vector);
        byte[] aad = vector.bytes("aad");
        byte[] out = new byte[sealed.length - ChaChaPoly.TAG_SIZE];
        int length = cipher.open(vector.bytes("nonce"), aad, 0, aad.length, sealed, 0, sealed.length, out, 0);
        assertThat(length).isEqualTo(out.length);
        return out;
    }
}
