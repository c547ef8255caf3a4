package dev.p2pchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.peer.HandshakePayload;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Rename;
import dev.p2pchat.protocol.tracker.TrackerMessage.Unregister;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class IdentityTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] DATA = "hello, tracker".getBytes(StandardCharsets.US_ASCII);

    private final Identity alice = Identity.generate(RANDOM);
    private final Identity mallory = Identity.generate(RANDOM);

    @Test
    void shouldVerifyWhatItSigned() {
        Octets signature = alice.sign(DATA);
        assertThat(signature.length()).isEqualTo(Wire.SIGNATURE_SIZE);
        assertThat(alice.publicKey().length()).isEqualTo(Wire.KEY_SIZE);
        assertThat(Identity.verify(alice.publicKey(), DATA, signature)).isTrue();
    }

    @Test
    void shouldRejectASignatureWithAnyBitFlipped() {
        byte[] signature = alice.sign(DATA).toByteArray();
        for (int bit = 0; bit < signature.length * 8; bit++) {
            byte[] flipped = signature.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(Identity.verify(alice.publicKey(), DATA, Octets.of(flipped))).as("bit %d", bit).isFalse();
        }
    }

    @Test
    void shouldRejectDataWithAnyBitFlipped() {
        Octets signature = alice.sign(DATA);
        for (int bit = 0; bit < DATA.length * 8; bit++) {
            byte[] flipped = DATA.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(Identity.verify(alice.publicKey(), flipped, signature)).as("bit %d", bit).isFalse();
        }
    }

    @Test
    void shouldRejectASignatureFromAnotherKey() {
        Octets signature = mallory.sign(DATA);
        assertThat(Identity.verify(alice.publicKey(), DATA, signature)).isFalse();
        assertThat(Identity.verify(mallory.publicKey(), DATA, signature)).isTrue();
    }

    @Test
    void shouldReturnFalseForAPublicKeyThatIsNotACurvePoint() {
        // y = 2^255 - 19 + 1 is not a canonical field element: no point decodes from it.
        Octets notAPoint = Octets.fromHex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        assertThat(Identity.verify(notAPoint, DATA, alice.sign(DATA))).isFalse();
    }

    @Test
    void shouldReturnFalseForAKeyOrSignatureOfTheWrongLength() {
        byte[] key = alice.publicKey().toByteArray();
        byte[] signature = alice.sign(DATA).toByteArray();
        assertThat(Identity.verify(Octets.of(key, 0, 31), DATA, Octets.of(signature))).isFalse();
        assertThat(Identity.verify(Octets.of(Arrays.copyOf(key, 33)), DATA, Octets.of(signature))).isFalse();
        assertThat(Identity.verify(alice.publicKey(), DATA, Octets.of(signature, 0, 63))).isFalse();
        assertThat(Identity.verify(alice.publicKey(), DATA, Octets.of(Arrays.copyOf(signature, 65)))).isFalse();
        assertThat(Identity.verify(Octets.zeros(0), DATA, Octets.zeros(0))).isFalse();
    }

    @Test
    void shouldMatchRfc8032TestOne() {
        // RFC 8032, section 7.1, TEST 1: the empty message.
        Identity identity = Identity.fromPrivateKey(
                HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        Octets publicKey = Octets.fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        Octets signature = Octets.fromHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

        assertThat(identity.publicKey()).isEqualTo(publicKey);
        assertThat(identity.sign(new byte[0])).isEqualTo(signature);
        assertThat(Identity.verify(publicKey, new byte[0], signature)).isTrue();
        assertThat(Identity.verify(publicKey, new byte[1], signature)).isFalse();
    }

    @Test
    void shouldRestoreTheSameIdentityFromItsPrivateKey() {
        Identity restored = Identity.fromPrivateKey(alice.privateKey());
        assertThat(restored.publicKey()).isEqualTo(alice.publicKey());
        assertThat(Identity.verify(alice.publicKey(), DATA, restored.sign(DATA))).isTrue();
    }

    @Test
    void shouldNotExposeItsKeyArrays() {
        byte[] privateKey = alice.privateKey();
        privateKey[0] ^= 1;
        assertThat(alice.privateKey()).isNotEqualTo(privateKey);
    }

    @Test
    void shouldRefuseAPrivateKeyOfTheWrongLength() {
        assertThatThrownBy(() -> Identity.fromPrivateKey(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Identity.fromPrivateKey(new byte[64])).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] encode(Signed message) {
        return TrackerCodec.encode((TrackerMessage) message);
    }

    static Stream<Signed> unsignedMessages() {
        Octets cookie = Octets.fromHex(GoldenVectors.COOKIE);
        Octets noSignature = Octets.zeros(Wire.SIGNATURE_SIZE);
        Octets key = Octets.fromHex(GoldenVectors.IDENTITY_KEY);
        return Stream.of(
                new Register(1, cookie, "alice", key, Octets.zeros(Wire.KEY_SIZE), 0,
                        List.of(GoldenVectors.PRIVATE_V4, GoldenVectors.PRIVATE_V6),
                        Octets.fromHex(GoldenVectors.SESSION_KEY), 0x0000019A2B3C4D5EL, noSignature),
                new Rename(2, cookie, 42L, "alice", "alice2", noSignature),
                new Unregister(3, cookie, 42L, "alice", noSignature));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsignedMessages")
    void shouldVerifyASignedMessageOnlyWithTheSignersKey(Signed unsigned) throws ProtocolException {
        Signed signed = unsigned.withSignature(alice.signatureFor(unsigned));

        assertThat(signed.signature()).isNotEqualTo(unsigned.signature());
        assertThat(Identity.verify(alice.publicKey(), signed)).isTrue();
        assertThat(Identity.verify(mallory.publicKey(), signed)).isFalse();
        assertThat(Identity.verify(alice.publicKey(), unsigned)).isFalse();

        // The signature survives the wire.
        Signed received = (Signed) TrackerCodec.decode(encode(signed));
        assertThat(Identity.verify(alice.publicKey(), received)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsignedMessages")
    void shouldNotVerifyAfterAnySignedByteOfTheDatagramChanges(Signed unsigned) {
        Signed signed = unsigned.withSignature(alice.signatureFor(unsigned));
        byte[] datagram = encode(signed);
        // Every byte before the signature is covered, the header included.
        int covered = datagram.length - Wire.SIGNATURE_SIZE;
        assertThat(signed.signedBytes()).as("Signed.signedBytes").isEqualTo(Arrays.copyOf(datagram, covered));
        assertThat(Identity.verify(alice.publicKey(), Arrays.copyOf(datagram, covered), signed.signature()))
                .as("the unchanged bytes").isTrue();
        // Flip each covered byte in turn.
        for (int i = 0; i < covered; i++) {
            byte[] changed = datagram.clone();
            changed[i] ^= 0x01;
            assertThat(Identity.verify(alice.publicKey(), Arrays.copyOf(changed, covered),
                    signed.signature())).as("byte %d", i).isFalse();
        }
    }

    @Test
    void shouldBindTheSignatureToTheFieldsOfTheMessage() {
        Octets cookie = Octets.fromHex(GoldenVectors.COOKIE);
        Unregister unsigned = new Unregister(3, cookie, 42L, "alice", Octets.zeros(Wire.SIGNATURE_SIZE));
        Unregister signed = unsigned.withSignature(alice.signatureFor(unsigned));

        Unregister otherName = new Unregister(3, cookie, 42L, "alicf", signed.signature());
        Unregister otherTxid = new Unregister(4, cookie, 42L, "alice", signed.signature());
        Unregister otherToken = new Unregister(3, cookie, 43L, "alice", signed.signature());
        assertThat(Identity.verify(alice.publicKey(), otherName)).isFalse();
        assertThat(Identity.verify(alice.publicKey(), otherTxid)).isFalse();
        assertThat(Identity.verify(alice.publicKey(), otherToken)).isFalse();
    }

    /**
     * A REGISTER's signature covers its session key and timestamp: nobody can graft another session key (and so
     * another session's keys) onto a captured REGISTER, nor make it look newer than it is.
     */
    @Test
    void shouldBindTheSessionKeyAndTimestampOfARegister() {
        Octets cookie = Octets.fromHex(GoldenVectors.COOKIE);
        Octets sessionKey = Octets.fromHex(GoldenVectors.SESSION_KEY);
        Register unsigned = new Register(1, cookie, "alice", alice.publicKey(), Octets.zeros(Wire.KEY_SIZE), 0,
                List.of(), sessionKey, 1_761_661_963_614L, Octets.zeros(Wire.SIGNATURE_SIZE));
        Register signed = unsigned.withSignature(alice.signatureFor(unsigned));
        assertThat(Identity.verify(alice.publicKey(), signed)).isTrue();

        Register otherSessionKey = new Register(1, cookie, "alice", alice.publicKey(), Octets.zeros(Wire.KEY_SIZE),
                0, List.of(), Octets.fromHex(GoldenVectors.TRACKER_KEY), 1_761_661_963_614L, signed.signature());
        Register newer = new Register(1, cookie, "alice", alice.publicKey(), Octets.zeros(Wire.KEY_SIZE), 0,
                List.of(), sessionKey, 1_761_661_963_615L, signed.signature());
        assertThat(Identity.verify(alice.publicKey(), otherSessionKey)).isFalse();
        assertThat(Identity.verify(alice.publicKey(), newer)).isFalse();
    }

    /**
     * The binding signature of a handshake payload ties the X25519 static key the handshake authenticated, and the
     * name, to the identity: it verifies only for that key, that name and that identity.
     */
    @Test
    void shouldVerifyAHandshakeBindingOnlyForItsAgreementKeyNameAndIdentity() {
        Octets agreementKey = Octets.fromHex(GoldenVectors.AGREEMENT_KEY);
        Octets signature = alice.sign(HandshakePayload.binding(agreementKey, "alice"));
        HandshakePayload payload = new HandshakePayload(alice.publicKey(), signature, "alice", 1, 2);

        assertThat(Identity.verify(payload.identityKey(), HandshakePayload.binding(agreementKey, payload.name()),
                payload.bindingSignature())).as("the key and name it was signed for").isTrue();
        Octets otherKey = Octets.fromHex(GoldenVectors.IDENTITY_KEY);
        assertThat(Identity.verify(alice.publicKey(), HandshakePayload.binding(otherKey, "alice"), signature))
                .as("another agreement key").isFalse();
        assertThat(Identity.verify(alice.publicKey(), HandshakePayload.binding(agreementKey, "alicf"), signature))
                .as("another name").isFalse();
        assertThat(Identity.verify(alice.publicKey(), HandshakePayload.binding(agreementKey, "alic"), signature))
                .as("a prefix of the name").isFalse();
        assertThat(Identity.verify(mallory.publicKey(), HandshakePayload.binding(agreementKey, "alice"), signature))
                .as("another identity").isFalse();
        // Mallory cannot claim alice's key either: his own binding of it verifies only with his identity.
        Octets mallorys = mallory.sign(HandshakePayload.binding(agreementKey, "alice"));
        assertThat(Identity.verify(alice.publicKey(), HandshakePayload.binding(agreementKey, "alice"), mallorys))
                .isFalse();
    }

    @Test
    void shouldKeepTheBindingSignatureThroughTheEncodedPayload() throws ProtocolException {
        Octets agreementKey = Octets.fromHex(GoldenVectors.AGREEMENT_KEY);
        HandshakePayload payload = new HandshakePayload(alice.publicKey(),
                alice.sign(HandshakePayload.binding(agreementKey, "alice")), "alice", 1, 2);
        HandshakePayload received = HandshakePayload.decode(payload.encode());
        assertThat(Identity.verify(received.identityKey(), HandshakePayload.binding(agreementKey, received.name()),
                received.bindingSignature())).isTrue();
    }
}
