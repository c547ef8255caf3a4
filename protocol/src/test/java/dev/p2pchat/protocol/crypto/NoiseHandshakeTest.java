package dev.p2pchat.protocol.crypto;

import static dev.p2pchat.protocol.crypto.CryptoVectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The handshakes against {@code noise.json}: vectors in the cacophony format (its {@code messages} alternate
 * initiator, responder, ... through the handshake and on into transport messages). JSON has no comments, so unlike
 * the {@code .txt} vector files it carries no header.
 */
@Timeout(20)
class NoiseHandshakeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] PAYLOAD = "hello".getBytes(StandardCharsets.US_ASCII);

    /** One cacophony vector: the keys of both sides, and payload/ciphertext pairs, initiator's turn first. */
    record Vector(NoisePattern pattern, Map<String, Object> fields, List<byte[]> payloads, List<byte[]> ciphertexts) {
        @SuppressWarnings("unchecked")
        static Vector of(Map<String, Object> fields) {
            String name = (String) fields.get("protocol_name");
            NoisePattern pattern = Stream.of(NoisePattern.values())
                    .filter(p -> p.protocolName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no pattern " + name));
            List<byte[]> payloads = new ArrayList<>();
            List<byte[]> ciphertexts = new ArrayList<>();
            for (Map<String, Object> message : (List<Map<String, Object>>) fields.get("messages")) {
                payloads.add(hex((String) message.get("payload")));
                ciphertexts.add(hex((String) message.get("ciphertext")));
            }
            return new Vector(pattern, fields, payloads, ciphertexts);
        }

        byte[] bytes(String name) {
            return hex((String) fields.get(name));
        }

        int handshakeMessages() {
            return switch (pattern) {
                case X -> 1;
                case IK -> 2;
                case XX -> 3;
            };
        }

        /** Whether only the initiator ever sends: after a one-way handshake, every transport message is its. */
        boolean oneWay() {
            return pattern == NoisePattern.X;
        }

        NoiseHandshake initiator() {
            return NoiseHandshake.initiator(pattern, bytes("init_prologue"),
                    X25519.fromPrivateKey(bytes("init_static")),
                    fields.containsKey("init_remote_static") ? bytes("init_remote_static") : null,
                    () -> X25519.fromPrivateKey(bytes("init_ephemeral")));
        }

        NoiseHandshake responder() {
            return NoiseHandshake.responder(pattern, bytes("resp_prologue"),
                    X25519.fromPrivateKey(bytes("resp_static")), () -> X25519.fromPrivateKey(bytes("resp_ephemeral")));
        }

        @Override
        public String toString() {
            return pattern.protocolName();
        }
    }

    static Stream<Vector> vectors() {
        return CryptoVectors.noiseVectors().stream().map(Vector::of);
    }

    @Test
    void shouldHaveAVectorForEachPattern() {
        assertThat(vectors().map(Vector::pattern)).containsExactlyInAnyOrder(NoisePattern.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldReproduceTheCacophonyHandshakeAndTransportMessages(Vector vector) throws CryptoException {
        NoiseHandshake initiator = vector.initiator();
        NoiseHandshake responder = vector.responder();
        int handshakeMessages = vector.handshakeMessages();
        for (int i = 0; i < handshakeMessages; i++) {
            NoiseHandshake writer = i % 2 == 0 ? initiator : responder;
            NoiseHandshake reader = i % 2 == 0 ? responder : initiator;
            byte[] message = writer.writeMessage(vector.payloads().get(i));
            assertThat(hex(message)).as("message %d", i).isEqualTo(hex(vector.ciphertexts().get(i)));
            assertThat(hex(reader.readMessage(message))).as("payload %d", i).isEqualTo(hex(vector.payloads().get(i)));
        }

        assertThat(initiator.isComplete()).isTrue();
        assertThat(responder.isComplete()).isTrue();
        assertThat(hex(initiator.handshakeHash())).isEqualTo(hex(vector.bytes("handshake_hash")));
        assertThat(hex(responder.handshakeHash())).isEqualTo(hex(vector.bytes("handshake_hash")));
        assertThat(initiator.remoteStatic()).isEqualTo(X25519.fromPrivateKey(vector.bytes("resp_static")).publicKey());
        assertThat(responder.remoteStatic()).isEqualTo(X25519.fromPrivateKey(vector.bytes("init_static")).publicKey());

        // Cacophony keeps alternating after the handshake (a one-way pattern: the initiator sends them all), each
        // direction counting its own nonce from 0.
        NoiseHandshake.Split split = initiator.split();
        NoiseHandshake.Split responderSplit = responder.split();
        assertThat(responderSplit.initiatorToResponder()).isEqualTo(split.initiatorToResponder());
        assertThat(responderSplit.responderToInitiator()).isEqualTo(split.responderToInitiator());
        ChaChaPoly[] sealers = {
            ChaChaPoly.forKey(split.initiatorToResponder()), ChaChaPoly.forKey(split.responderToInitiator())
        };
        ChaChaPoly[] openers = {
            ChaChaPoly.forKey(split.initiatorToResponder()), ChaChaPoly.forKey(split.responderToInitiator())
        };
        long[] counters = new long[2];
        byte[] noAd = new byte[0];
        for (int i = handshakeMessages; i < vector.payloads().size(); i++) {
            int direction = vector.oneWay() ? 0 : i % 2;
            long counter = counters[direction]++;
            byte[] payload = vector.payloads().get(i);
            byte[] sealed = new byte[payload.length + ChaChaPoly.TAG_SIZE];
            sealers[direction].seal(counter, noAd, 0, 0, payload, 0, payload.length, sealed, 0);
            assertThat(hex(sealed)).as("transport message %d", i).isEqualTo(hex(vector.ciphertexts().get(i)));
            byte[] opened = new byte[payload.length];
            openers[direction].open(counter, noAd, 0, 0, sealed, 0, sealed.length, opened, 0);
            assertThat(opened).isEqualTo(payload);
        }
    }

    static Stream<Object[]> authenticatedHandshakeMessages() {
        // The first XX message carries only e and a clear payload: nothing in it can fail to verify on reading.
        return vectors().flatMap(v -> IntStream.range(v.pattern() == NoisePattern.XX ? 1 : 0, v.handshakeMessages())
                .mapToObj(i -> new Object[] {v, i}));
    }

    @ParameterizedTest(name = "{0} message {1}")
    @MethodSource("authenticatedHandshakeMessages")
    void shouldRejectATamperedByteAnywhereInAHandshakeMessageAndStillReadTheGenuineOne(Vector vector, int index)
            throws CryptoException {
        byte[] genuine = vector.ciphertexts().get(index);
        NoiseHandshake[] sides = runUntil(vector, index);
        NoiseHandshake reader = sides[(index + 1) % 2];
        // One reader takes every forgery in turn: a forged message, made by anyone who saw the handshake start,
        // must not end it.
        for (int position = 0; position < genuine.length; position++) {
            byte[] tampered = genuine.clone();
            tampered[position] ^= 1;

            assertThatThrownBy(() -> reader.readMessage(tampered))
                    .as("byte %d", position)
                    .isInstanceOfSatisfying(CryptoException.class,
                            e -> assertThat(e.reason()).isEqualTo(CryptoException.Reason.BAD_TAG));
            assertThat(reader.isComplete()).isFalse();
        }
        assertThat(reader.readMessage(genuine)).isEqualTo(vector.payloads().get(index));
        finishAndCompare(vector, sides, index + 1);
    }

    /** Runs the vector's handshake on from message {@code from} and checks it ends where the vector's does. */
    private static void finishAndCompare(Vector vector, NoiseHandshake[] sides, int from) throws CryptoException {
        for (int i = from; i < vector.handshakeMessages(); i++) {
            byte[] message = sides[i % 2].writeMessage(vector.payloads().get(i));
            assertThat(hex(message)).as("message %d", i).isEqualTo(hex(vector.ciphertexts().get(i)));
            assertThat(sides[(i + 1) % 2].readMessage(message)).isEqualTo(vector.payloads().get(i));
        }
        assertThat(hex(sides[0].handshakeHash())).isEqualTo(hex(vector.bytes("handshake_hash")));
        assertThat(hex(sides[1].handshakeHash())).isEqualTo(hex(vector.bytes("handshake_hash")));
    }

    /** What a caller refuses after reading (a payload it does not accept) is undone by a checkpoint. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldGoBackToACheckpointAfterAMessageWasReadAndRefused(Vector vector) throws CryptoException {
        for (int index = 0; index < vector.handshakeMessages(); index++) {
            NoiseHandshake[] sides = runUntil(vector, index);
            NoiseHandshake reader = sides[(index + 1) % 2];
            byte[] genuine = vector.ciphertexts().get(index);
            NoiseHandshake.Checkpoint before = reader.checkpoint();
            assertThat(reader.readMessage(genuine)).isEqualTo(vector.payloads().get(index));
            reader.restore(before);
            before.wipe();

            assertThat(reader.readMessage(genuine)).as("message %d read again", index)
                    .isEqualTo(vector.payloads().get(index));
            finishAndCompare(vector, sides, index + 1);
        }
    }

    @Test
    void shouldDetectATamperedFirstXxMessageWhenTheInitiatorReadsTheSecond() throws CryptoException {
        Vector vector = vectors().filter(v -> v.pattern() == NoisePattern.XX).findFirst().orElseThrow();
        byte[] first = vector.ciphertexts().get(0);
        for (int position = 0; position < first.length; position++) {
            NoiseHandshake initiator = vector.initiator();
            NoiseHandshake responder = vector.responder();
            initiator.writeMessage(vector.payloads().get(0));
            byte[] tampered = first.clone();
            tampered[position] ^= 1;
            responder.readMessage(tampered);
            byte[] second = responder.writeMessage(vector.payloads().get(1));

            assertThatThrownBy(() -> initiator.readMessage(second)).as("byte %d", position)
                    .isInstanceOf(CryptoException.class);
            assertThatThrownBy(() -> initiator.readMessage(second)).as("byte %d, read again", position)
                    .isInstanceOf(CryptoException.class);
            assertThat(initiator.isComplete()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void shouldCheckEveryLengthBeforeReading(Vector vector) throws CryptoException {
        for (int index = 0; index < vector.handshakeMessages(); index++) {
            byte[] genuine = vector.ciphertexts().get(index);
            int keysAndTags = genuine.length - vector.payloads().get(index).length;
            for (int length = 0; length < genuine.length; length++) {
                NoiseHandshake reader = runUntil(vector, index)[(index + 1) % 2];
                byte[] truncated = Arrays.copyOf(genuine, length);
                if (length >= keysAndTags && index == 0 && vector.pattern() == NoisePattern.XX) {
                    // Still e and a (shorter) clear payload.
                    assertThat(reader.readMessage(truncated)).hasSize(length - keysAndTags);
                    continue;
                }
                CryptoException.Reason expected =
                        length < keysAndTags ? CryptoException.Reason.BAD_LENGTH : CryptoException.Reason.BAD_TAG;
                assertThatThrownBy(() -> reader.readMessage(truncated))
                        .as("message %d cut to %d bytes", index, length)
                        .isInstanceOfSatisfying(CryptoException.class, e -> assertThat(e.reason()).isEqualTo(expected));
            }
        }
    }

    @Test
    void shouldFailAtTheResponderWhenTheIkInitiatorHasAnotherRemoteStaticKey() throws CryptoException {
        X25519.KeyPair responderStatic = X25519.generate(RANDOM);
        NoiseHandshake initiator = NoiseHandshake.initiator(NoisePattern.IK, new byte[0], X25519.generate(RANDOM),
                X25519.generate(RANDOM).publicKey(), () -> X25519.generate(RANDOM));
        NoiseHandshake responder =
                NoiseHandshake.responder(NoisePattern.IK, new byte[0], responderStatic, () -> X25519.generate(RANDOM));
        byte[] first = initiator.writeMessage(PAYLOAD);

        assertThatThrownBy(() -> responder.readMessage(first))
                .isInstanceOfSatisfying(CryptoException.class,
                        e -> assertThat(e.reason()).isEqualTo(CryptoException.Reason.BAD_TAG));
        // Unchanged by it: an initiation to the right key still reads.
        NoiseHandshake right = NoiseHandshake.initiator(NoisePattern.IK, new byte[0], X25519.generate(RANDOM),
                responderStatic.publicKey(), () -> X25519.generate(RANDOM));
        assertThat(responder.readMessage(right.writeMessage(PAYLOAD))).isEqualTo(PAYLOAD);
        right.readMessage(responder.writeMessage(PAYLOAD));
        assertThat(right.handshakeHash()).isEqualTo(responder.handshakeHash());
    }

    @Test
    void shouldRejectALowOrderEphemeralKeyFromThePeer() throws CryptoException {
        NoiseHandshake initiator = xxInitiator();
        NoiseHandshake responder = xxResponder();
        responder.readMessage(initiator.writeMessage(PAYLOAD));
        byte[] second = responder.writeMessage(PAYLOAD);
        byte[] lowOrder = second.clone();
        Arrays.fill(lowOrder, 0, X25519.KEY_SIZE, (byte) 0);

        assertThatThrownBy(() -> initiator.readMessage(lowOrder))
                .isInstanceOfSatisfying(CryptoException.class,
                        e -> assertThat(e.reason()).isEqualTo(CryptoException.Reason.LOW_ORDER_KEY));
        assertThat(initiator.readMessage(second)).isEqualTo(PAYLOAD);
    }

    /** A checkpoint goes back over one read only: never past a write (that would reuse a key and nonce). */
    @Test
    void shouldRestoreOnlyACheckpointOfTheSameHandshakeWithNoWriteSince() throws CryptoException {
        NoiseHandshake initiator = xxInitiator();
        NoiseHandshake responder = xxResponder();
        NoiseHandshake.Checkpoint beforeWrite = initiator.checkpoint();
        byte[] first = initiator.writeMessage(PAYLOAD);
        assertThatThrownBy(() -> initiator.restore(beforeWrite)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> responder.restore(initiator.checkpoint()))
                .isInstanceOf(IllegalArgumentException.class);

        NoiseHandshake.Checkpoint beforeRead = responder.checkpoint();
        responder.readMessage(first);
        responder.writeMessage(PAYLOAD);
        assertThatThrownBy(() -> responder.restore(beforeRead)).as("a read, then a write")
                .isInstanceOf(IllegalStateException.class);
    }

    /** An abandoned handshake wipes its ephemeral key and cannot go on. */
    @Test
    void shouldWipeTheEphemeralKeyWhenDestroyed() throws CryptoException {
        List<X25519.KeyPair> ephemerals = new ArrayList<>();
        NoiseHandshake initiator = NoiseHandshake.initiator(NoisePattern.XX, new byte[0], X25519.generate(RANDOM),
                null, () -> remember(ephemerals));
        byte[] first = initiator.writeMessage(PAYLOAD);

        initiator.destroy();

        assertThat(ephemerals).singleElement().satisfies(pair -> assertThat(pair.privateKey()).containsOnly(0));
        assertUnusable(initiator, first);
    }

    /** A write that fails is final: the handshake cannot go on, and says so. */
    @Test
    void shouldBeUnusableAfterAWriteFailed() throws CryptoException {
        NoiseHandshake initiator = xxInitiator();
        NoiseHandshake responder = xxResponder();
        byte[] first = initiator.writeMessage(PAYLOAD);
        Arrays.fill(first, 0, X25519.KEY_SIZE, (byte) 0);
        responder.readMessage(first); // XX message 1 is only e: the low-order key shows in the next DH, ee

        assertThatThrownBy(() -> responder.writeMessage(PAYLOAD))
                .isInstanceOfSatisfying(CryptoException.class,
                        e -> assertThat(e.reason()).isEqualTo(CryptoException.Reason.LOW_ORDER_KEY));
        assertUnusable(responder, first);
    }

    @ParameterizedTest
    @EnumSource(NoisePattern.class)
    void shouldCompleteWithGeneratedKeysAndDestroyTheEphemerals(NoisePattern pattern) throws CryptoException {
        X25519.KeyPair initiatorStatic = X25519.generate(RANDOM);
        X25519.KeyPair responderStatic = X25519.generate(RANDOM);
        List<X25519.KeyPair> ephemerals = new ArrayList<>();
        NoiseHandshake initiator = NoiseHandshake.initiator(pattern, PAYLOAD, initiatorStatic,
                pattern == NoisePattern.XX ? null : responderStatic.publicKey(), () -> remember(ephemerals));
        NoiseHandshake responder =
                NoiseHandshake.responder(pattern, PAYLOAD, responderStatic, () -> remember(ephemerals));
        for (int i = 0; !initiator.isComplete(); i++) {
            NoiseHandshake writer = i % 2 == 0 ? initiator : responder;
            NoiseHandshake reader = i % 2 == 0 ? responder : initiator;
            assertThat(reader.readMessage(writer.writeMessage(PAYLOAD))).isEqualTo(PAYLOAD);
        }

        assertThat(responder.isComplete()).isTrue();
        assertThat(initiator.remoteStatic()).isEqualTo(responderStatic.publicKey());
        assertThat(responder.remoteStatic()).isEqualTo(initiatorStatic.publicKey());
        assertThat(initiator.handshakeHash()).isEqualTo(responder.handshakeHash());
        assertThat(initiator.split().responderToInitiator()).isEqualTo(responder.split().responderToInitiator());
        // X: the initiator's ephemeral only; the others: one on each side.
        assertThat(ephemerals).hasSize(pattern == NoisePattern.X ? 1 : 2)
                .allSatisfy(pair -> assertThat(pair.privateKey()).containsOnly(0));
        assertThat(initiatorStatic.privateKey()).isNotEqualTo(new byte[X25519.KEY_SIZE]);
    }

    @Test
    void shouldThrowWhenCalledOutOfTurn() throws CryptoException {
        NoiseHandshake initiator = xxInitiator();
        NoiseHandshake responder = xxResponder();

        assertThatThrownBy(() -> responder.writeMessage(PAYLOAD)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> initiator.readMessage(new byte[64])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(initiator::handshakeHash).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(initiator::split).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(initiator::remoteStatic).isInstanceOf(IllegalStateException.class);
        responder.readMessage(initiator.writeMessage(PAYLOAD));
        assertThatThrownBy(() -> initiator.writeMessage(PAYLOAD)).isInstanceOf(IllegalStateException.class);
        initiator.readMessage(responder.writeMessage(PAYLOAD));
        responder.readMessage(initiator.writeMessage(PAYLOAD));

        assertThatThrownBy(() -> initiator.writeMessage(PAYLOAD)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> responder.readMessage(new byte[64])).isInstanceOf(IllegalStateException.class);
        initiator.split();
        assertThatThrownBy(initiator::split).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRejectARemoteStaticKeyThatThePatternDoesNotStartWith() {
        X25519.KeyPair local = X25519.generate(RANDOM);
        assertThatThrownBy(() -> NoiseHandshake.initiator(NoisePattern.IK, new byte[0], local, null, () -> local))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NoiseHandshake.initiator(NoisePattern.XX, new byte[0], local, local.publicKey(),
                        () -> local))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Both sides of the vector's handshake, after the messages before {@code index}. */
    private static NoiseHandshake[] runUntil(Vector vector, int index) throws CryptoException {
        NoiseHandshake[] sides = {vector.initiator(), vector.responder()};
        for (int i = 0; i < index; i++) {
            sides[(i + 1) % 2].readMessage(sides[i % 2].writeMessage(vector.payloads().get(i)));
        }
        sides[index % 2].writeMessage(vector.payloads().get(index));
        return sides;
    }

    private static void assertUnusable(NoiseHandshake failed, byte[] message) {
        assertThat(failed.isComplete()).isFalse();
        assertThatThrownBy(() -> failed.readMessage(message)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> failed.writeMessage(PAYLOAD)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(failed::remoteStatic).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(failed::handshakeHash).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(failed::split).isInstanceOf(IllegalStateException.class);
    }

    private static NoiseHandshake xxInitiator() {
        return NoiseHandshake.initiator(NoisePattern.XX, new byte[0], X25519.generate(RANDOM), null,
                () -> X25519.generate(RANDOM));
    }

    private static NoiseHandshake xxResponder() {
        return NoiseHandshake.responder(NoisePattern.XX, new byte[0], X25519.generate(RANDOM),
                () -> X25519.generate(RANDOM));
    }

    private static X25519.KeyPair remember(List<X25519.KeyPair> ephemerals) {
        X25519.KeyPair pair = X25519.generate(RANDOM);
        ephemerals.add(pair);
        return pair;
    }
}
