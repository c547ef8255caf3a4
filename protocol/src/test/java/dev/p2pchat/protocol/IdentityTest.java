package dev.p2pchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.peer.PeerFrame.Hello;
import dev.p2pchat.protocol.peer.PeerFrame.HelloAck;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.protocol.peer.PeerWire;
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

    /** The datagram of a signed tracker message or peer frame, each through its own codec. */
    private static byte[] encode(Signed message) {
        return message instanceof PeerFrame frame ? PeerFrameCodec.encode(frame)
                : TrackerCodec.encode((TrackerMessage) message);
    }

    /** Decodes {@code datagram} with the codec its type byte belongs to. */
    private static Signed decode(byte[] datagram) throws ProtocolException {
        return (Signed) (Wire.isPeerFrame(datagram[Wire.TYPE_OFFSET] & 0xFF) ? PeerFrameCodec.decode(datagram)
                : TrackerCodec.decode(datagram));
    }

    /** A peer frame's checksum trailer, after the signature and not covered by it; a tracker message has none. */
    private static int trailer(Signed message) {
        return message instanceof PeerFrame ? PeerWire.CHECKSUM_SIZE : 0;
    }

    static Stream<Signed> unsignedMessages() {
        Octets cookie = Octets.fromHex(GoldenVectors.COOKIE);
        Octets noSignature = Octets.zeros(Wire.SIGNATURE_SIZE);
        Octets key = Octets.fromHex(GoldenVectors.IDENTITY_KEY);
        return Stream.of(
                new Register(1, cookie, "alice", key, Octets.zeros(Wire.KEY_SIZE), 0,
                        List.of(GoldenVectors.PRIVATE_V4, GoldenVectors.PRIVATE_V6), noSignature),
                new Rename(2, cookie, 42L, "alice", "alice2", noSignature),
                new Unregister(3, cookie, 42L, "alice", noSignature),
                new Hello(0x8877665544332211L, 0x0011223344556677L, "alice", key, Octets.zeros(Wire.KEY_SIZE), 1,
                        noSignature),
                new HelloAck(0x1020304050607080L, 0x0011223344556677L, "bob", key, key, -1, noSignature));
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
        Signed received = decode(encode(signed));
        assertThat(Identity.verify(alice.publicKey(), received)).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsignedMessages")
    void shouldNotVerifyAfterAnySignedByteOfTheDatagramChanges(Signed unsigned) {
        Signed signed = unsigned.withSignature(alice.signatureFor(unsigned));
        byte[] datagram = encode(signed);
        // Every byte before the signature is covered, the header included; a checksum trailer after it is not.
        int covered = datagram.length - Wire.SIGNATURE_SIZE - trailer(signed);
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

    /** Alice's HELLO to bob, signed by alice. */
    private Hello hello(long nonce) {
        Hello unsigned = new Hello(0x8877665544332211L, nonce, "alice", alice.publicKey(), Octets.zeros(Wire.KEY_SIZE),
                0, Octets.zeros(Wire.SIGNATURE_SIZE));
        return unsigned.withSignature(alice.signatureFor(unsigned));
    }

    /** Mallory's answer to a HELLO with {@code nonce}, signed by mallory. */
    private HelloAck helloAck(long nonce) {
        HelloAck unsigned = new HelloAck(0x1020304050607080L, nonce, "mallory", mallory.publicKey(),
                Octets.zeros(Wire.KEY_SIZE), 0, Octets.zeros(Wire.SIGNATURE_SIZE));
        return unsigned.withSignature(mallory.signatureFor(unsigned));
    }

    @Test
    void shouldVerifyAHelloAfterARoundTripOverTheBytesBeforeItsSignature() throws ProtocolException {
        Hello hello = hello(0x0011223344556677L);
        byte[] datagram = PeerFrameCodec.encode(hello);
        int signatureAt = datagram.length - PeerWire.CHECKSUM_SIZE - Wire.SIGNATURE_SIZE;

        // On the wire: the signed bytes, the signature, then the checksum over both.
        assertThat(Arrays.copyOfRange(datagram, signatureAt, signatureAt + Wire.SIGNATURE_SIZE))
                .isEqualTo(hello.signature().toByteArray());
        assertThat(GoldenVectors.rechecksummed(datagram)).isEqualTo(datagram);
        assertThat(Identity.verify(alice.publicKey(), Arrays.copyOf(datagram, signatureAt), hello.signature()))
                .as("the signature covers exactly the bytes before it").isTrue();

        Hello received = (Hello) PeerFrameCodec.decode(datagram);
        assertThat(received).isEqualTo(hello);
        assertThat(PeerFrameCodec.signedBytes(received)).isEqualTo(Arrays.copyOf(datagram, signatureAt));
        assertThat(Identity.verify(received.identityKey(), received)).isTrue();
    }

    @Test
    void shouldVerifyAHelloAndItsHelloAckEachWithTheSendersKey() throws ProtocolException {
        Hello hello = hello(0x0011223344556677L);
        HelloAck ack = helloAck(hello.nonce());

        Hello receivedHello = (Hello) PeerFrameCodec.decode(PeerFrameCodec.encode(hello));
        HelloAck receivedAck = (HelloAck) PeerFrameCodec.decode(PeerFrameCodec.encode(ack));
        assertThat(Identity.verify(receivedHello.identityKey(), receivedHello)).isTrue();
        assertThat(Identity.verify(receivedAck.identityKey(), receivedAck)).isTrue();
        assertThat(Identity.verify(alice.publicKey(), receivedAck)).isFalse();
        assertThat(Identity.verify(mallory.publicKey(), receivedHello)).isFalse();
    }

    static Stream<Integer> flips() {
        return Stream.of(0x01, 0x80, 0xFF);
    }

    /**
     * The checksum drops a flipped datagram before anyone looks at its signature, but it is no defence against a
     * forger, who computes it like anyone else: so each flip is also tried with the checksum made right again, and
     * the signature must refuse it.
     */
    @ParameterizedTest(name = "mask {0}")
    @MethodSource("flips")
    void shouldNotVerifyAHelloOrHelloAckWithAnyByteFlipped(int mask) {
        for (PeerFrame.Signed signed : List.<PeerFrame.Signed>of(hello(42), helloAck(42))) {
            byte[] datagram = PeerFrameCodec.encode(signed);
            int decodedAndRefused = 0;
            for (int i = 0; i < datagram.length - PeerWire.CHECKSUM_SIZE; i++) {
                byte[] changed = datagram.clone();
                changed[i] ^= (byte) mask;
                if (i >= Wire.HEADER_SIZE) {
                    assertThatThrownBy(() -> PeerFrameCodec.decode(changed)).as("%s, byte %d", signed.type(), i)
                            .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.reason())
                                    .isEqualTo(ProtocolException.Reason.BAD_CHECKSUM));
                }
                PeerFrame received;
                try {
                    received = PeerFrameCodec.decode(GoldenVectors.rechecksummed(changed));
                } catch (ProtocolException dropped) {
                    continue; // A name byte, magic, version or type that no longer decodes: dropped before verifying.
                }
                assertThat(Identity.verify(signed instanceof Hello ? alice.publicKey() : mallory.publicKey(),
                        (PeerFrame.Signed) received)).as("%s, byte %d", signed.type(), i).isFalse();
                decodedAndRefused++;
            }
            // The session, nonce, keys, capabilities and signature bytes decode whatever their value.
            assertThat(decodedAndRefused).isGreaterThan(datagram.length / 2);
        }
    }

    @Test
    void shouldNotVerifyAHelloAckThatEchoesAnotherNonce() {
        // A HELLO_ACK recorded for one challenge does not answer another one.
        HelloAck ack = helloAck(1);
        HelloAck replayed = new HelloAck(ack.session(), 2, ack.name(), ack.identityKey(), ack.agreementKey(),
                ack.capabilities(), ack.signature());
        assertThat(Identity.verify(mallory.publicKey(), ack)).isTrue();
        assertThat(Identity.verify(mallory.publicKey(), replayed)).isFalse();
    }

    @Test
    void shouldNotVerifyAHelloSignatureAsAHelloAckWithTheSameFields() {
        // The two layouts are the same; the signed type byte keeps a HELLO from passing as the answer to itself.
        Hello hello = hello(7);
        HelloAck sameFields = new HelloAck(hello.session(), hello.nonce(), hello.name(), hello.identityKey(),
                hello.agreementKey(), hello.capabilities(), hello.signature());
        assertThat(Identity.verify(alice.publicKey(), hello)).isTrue();
        assertThat(Identity.verify(alice.publicKey(), sameFields)).isFalse();
    }
}
