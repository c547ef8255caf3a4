package dev.p2pchat.protocol.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.ChaChaPoly;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.Macs;
import dev.p2pchat.protocol.crypto.NoiseHandshake;
import dev.p2pchat.protocol.crypto.NoisePattern;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.peer.PeerFrame.CookieReply;
import dev.p2pchat.protocol.peer.PeerFrame.Finish;
import dev.p2pchat.protocol.peer.PeerFrame.Initiation;
import dev.p2pchat.protocol.peer.PeerFrame.Response;
import dev.p2pchat.protocol.peer.PeerFrame.Transport;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The clear layer, the handshake payload and the crypto package together, end to end as PROTOCOL.md describes them:
 * Noise IK and XX handshakes carried in the exact frame layouts, each side's static key bound to its identity, mac1
 * and mac2 over the bytes before them, a cookie reply, and link frames sealed into TRANSPORT frames under the split
 * keys, with the counter as nonce and the clear header as associated data.
 */
@Timeout(20)
class SealedPeerFramesTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Supplier<X25519.KeyPair> EPHEMERALS = () -> X25519.generate(RANDOM);
    private static final byte[] PROLOGUE = ascii("p2pchat v1");
    private static final byte[] MAC1_LABEL = ascii("mac1----");
    private static final byte[] COOKIE_LABEL = ascii("cookie--");
    /** What an XX initiator's mac1 and a responder's XX cookie replies use in place of a static key. */
    private static final byte[] XX_KEY = ascii("p2pchat xx");

    /** One side: its identity, the X25519 static key it binds to it, the name it goes by, its handshake index. */
    private record Peer(Identity identity, X25519.KeyPair statics, String name, int index) {
        static Peer create(String name) {
            return new Peer(Identity.generate(RANDOM), X25519.generate(RANDOM), name, RANDOM.nextInt());
        }

        byte[] publicStatic() {
            return statics.publicKey();
        }

        /** The handshake payload this side sends: its binding signed by its identity. */
        byte[] payload(long conversationId, long timestamp) {
            Octets signature = identity.sign(HandshakePayload.binding(Octets.of(publicStatic()), name));
            return new HandshakePayload(identity.publicKey(), signature, name, conversationId, timestamp).encode();
        }
    }

    /** The transport keys of both sides after one handshake, and the index each side receives on. */
    private record Keys(NoiseHandshake.Split initiator, NoiseHandshake.Split responder, int initiatorIndex,
            int responderIndex) {}

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] mac1Key(byte[] responderStatic) {
        return Macs.hash(MAC1_LABEL, responderStatic);
    }

    /**
     * The datagram of an initiation carrying {@code noise}, laid out by the codec, with mac1 over every byte before it
     * and, with a {@code cookie}, mac2 over every byte before mac2 (16 zeros without one).
     */
    private static byte[] initiation(FrameType type, int senderIndex, byte[] noise, byte[] mac1Key, byte[] cookie) {
        byte[] datagram = PeerFrameCodec.encode(new Initiation(type, senderIndex, Octets.of(noise),
                Octets.zeros(PeerWire.MAC_SIZE), Octets.zeros(PeerWire.MAC_SIZE)));
        int mac1 = PeerFrameCodec.mac1Offset(type);
        System.arraycopy(Macs.mac(mac1Key, datagram, 0, mac1), 0, datagram, mac1, PeerWire.MAC_SIZE);
        if (cookie != null) {
            int mac2 = PeerFrameCodec.mac2Offset(type);
            System.arraycopy(Macs.mac(cookie, datagram, 0, mac2), 0, datagram, mac2, PeerWire.MAC_SIZE);
        }
        return datagram;
    }

    /** The responder's check of an initiation's mac1: it covers every byte before it. */
    private static boolean hasMac1(byte[] datagram, Initiation initiation, byte[] mac1Key) {
        int mac1 = PeerFrameCodec.mac1Offset(initiation.type());
        return Macs.equal(Macs.mac(mac1Key, datagram, 0, mac1), initiation.mac1().toByteArray());
    }

    /** The receiver's checks of a handshake payload: its layout, and a binding to the key Noise authenticated. */
    private static HandshakePayload verifiedPayload(byte[] plaintext, byte[] remoteStatic) throws ProtocolException {
        HandshakePayload payload = HandshakePayload.decode(plaintext);
        byte[] binding = HandshakePayload.binding(Octets.of(remoteStatic), payload.name());
        assertThat(Identity.verify(payload.identityKey(), binding, payload.bindingSignature()))
                .as("the binding of %s", payload.name()).isTrue();
        return payload;
    }

    /** {@code frame} sealed to {@code receiverIndex} under {@code key}: the datagram of a TRANSPORT frame. */
    private static byte[] seal(byte[] key, int receiverIndex, long counter, LinkFrame frame) {
        byte[] plaintext = LinkFrameCodec.encode(frame);
        byte[] associated = PeerFrameCodec.transportHeader(receiverIndex, counter);
        byte[] sealed = new byte[plaintext.length + ChaChaPoly.TAG_SIZE];
        ChaChaPoly.forKey(key).seal(counter, associated, 0, associated.length, plaintext, 0, plaintext.length, sealed,
                0);
        byte[] datagram = PeerFrameCodec.encode(new Transport(receiverIndex, counter, Octets.of(sealed)));
        assertThat(datagram).hasSize(PeerWire.TRANSPORT_HEADER_SIZE + plaintext.length + PeerWire.TAG_SIZE)
                .startsWith(associated);
        return datagram;
    }

    /** The receiver's side: decode the clear layer, open with bytes 0..15 as associated data, decode the link frame. */
    private static LinkFrame open(byte[] key, byte[] datagram) throws ProtocolException, CryptoException {
        PeerFrame frame = PeerFrameCodec.decode(datagram);
        if (!(frame instanceof Transport transport)) {
            throw new AssertionError("a " + frame.type() + " where a TRANSPORT was sealed");
        }
        byte[] sealed = transport.sealed().toByteArray();
        byte[] plaintext = new byte[sealed.length - ChaChaPoly.TAG_SIZE];
        ChaChaPoly.forKey(key).open(transport.counter(), datagram, 0, PeerWire.TRANSPORT_HEADER_SIZE, sealed, 0,
                sealed.length, plaintext, 0);
        return LinkFrameCodec.decode(plaintext, 0, plaintext.length);
    }

    /** Alice initiates an IK handshake with bob, whose static key she knows; each side checks the other's binding. */
    private static Keys ikHandshake(Peer alice, Peer bob) throws Exception {
        NoiseHandshake initiator = NoiseHandshake.initiator(NoisePattern.IK, PROLOGUE, alice.statics(),
                bob.publicStatic(), EPHEMERALS);
        NoiseHandshake responder = NoiseHandshake.responder(NoisePattern.IK, PROLOGUE, bob.statics(), EPHEMERALS);

        // Message 1: e, es, s, ss and alice's payload, in an INITIATION_IK.
        byte[] alicePayload = alice.payload(0x0123_4567_89AB_CDEFL, 1_700_000_000_000L);
        assertThat(alicePayload).hasSize(PeerWire.HANDSHAKE_PAYLOAD_SIZE);
        byte[] message1 = initiator.writeMessage(alicePayload);
        assertThat(message1).hasSize(PeerWire.NOISE_IK_1).hasSize(241);
        byte[] initiation = initiation(FrameType.INITIATION_IK, alice.index(), message1, mac1Key(bob.publicStatic()),
                null);
        assertThat(initiation).hasSize(281);

        Initiation received = (Initiation) PeerFrameCodec.decode(initiation);
        assertThat(hasMac1(initiation, received, mac1Key(bob.publicStatic()))).as("mac1").isTrue();
        assertThat(received.mac2().isAllZeros()).as("no cookie, no mac2").isTrue();
        HandshakePayload fromAlice = verifiedPayload(responder.readMessage(received.noise().toByteArray()),
                responder.remoteStatic());
        assertThat(responder.remoteStatic()).isEqualTo(alice.publicStatic());
        assertThat(fromAlice).isEqualTo(HandshakePayload.decode(alicePayload));
        assertThat(fromAlice.identityKey()).isEqualTo(alice.identity().publicKey());

        // Message 2: e, ee, se and bob's payload, in a RESPONSE_IK to alice's index.
        byte[] message2 = responder.writeMessage(bob.payload(0x7EDC_BA98_7654_3210L, 42));
        assertThat(message2).hasSize(PeerWire.NOISE_IK_2).hasSize(193);
        byte[] response = PeerFrameCodec.encode(new Response(FrameType.RESPONSE_IK, bob.index(),
                received.senderIndex(), Octets.of(message2)));
        assertThat(response).hasSize(205);

        Response answer = (Response) PeerFrameCodec.decode(response);
        assertThat(answer.receiverIndex()).isEqualTo(alice.index());
        HandshakePayload fromBob = verifiedPayload(initiator.readMessage(answer.noise().toByteArray()),
                initiator.remoteStatic());
        assertThat(fromBob.identityKey()).isEqualTo(bob.identity().publicKey());
        assertThat(fromBob.name()).isEqualTo("bob");

        assertThat(initiator.isComplete()).isTrue();
        assertThat(responder.isComplete()).isTrue();
        assertThat(initiator.handshakeHash()).isEqualTo(responder.handshakeHash());
        return new Keys(initiator.split(), responder.split(), alice.index(), answer.senderIndex());
    }

    /** Each side seals a link frame to the other's index and the other opens it; neither key opens the other way. */
    private static void assertSealsBothWays(Keys keys) throws Exception {
        LinkFrame data = LinkGoldenVectors.named("DATA").message();
        byte[] toResponder = seal(keys.initiator().initiatorToResponder(), keys.responderIndex(), 0, data);
        assertThat(PeerFrameCodec.decode(toResponder)).isInstanceOfSatisfying(Transport.class,
                transport -> assertThat(transport.receiverIndex()).isEqualTo(keys.responderIndex()));
        assertThat(open(keys.responder().initiatorToResponder(), toResponder)).isEqualTo(data);

        LinkFrame ack = LinkGoldenVectors.named("ACK").message();
        byte[] toInitiator = seal(keys.responder().responderToInitiator(), keys.initiatorIndex(), 0, ack);
        assertThat(open(keys.initiator().responderToInitiator(), toInitiator)).isEqualTo(ack);

        // The two directions have their own keys: a frame does not open under the other direction's.
        assertThatThrownBy(() -> open(keys.responder().responderToInitiator(), toResponder))
                .isInstanceOfSatisfying(CryptoException.class,
                        e -> assertThat(e.reason()).isEqualTo(CryptoException.Reason.BAD_TAG));
        assertThatThrownBy(() -> open(keys.initiator().initiatorToResponder(), toInitiator))
                .isInstanceOf(CryptoException.class);
    }

    @Test
    void shouldCarryAnIkHandshakeInItsFramesAndThenSealLinkFramesBothWays() throws Exception {
        assertSealsBothWays(ikHandshake(Peer.create("alice"), Peer.create("bob")));
    }

    @Test
    void shouldCarryAnXxHandshakeInItsFramesAndThenSealLinkFramesBothWays() throws Exception {
        Peer alice = Peer.create("alice");
        Peer bob = Peer.create("bob");
        NoiseHandshake initiator = NoiseHandshake.initiator(NoisePattern.XX, PROLOGUE, alice.statics(), null,
                EPHEMERALS);
        NoiseHandshake responder = NoiseHandshake.responder(NoisePattern.XX, PROLOGUE, bob.statics(), EPHEMERALS);
        byte[] xxMac1Key = mac1Key(XX_KEY);

        // Message 1: e and a cleartext payload of zeros, in an INITIATION_XX as long as the response.
        byte[] message1 = initiator.writeMessage(new byte[PeerWire.XX_PADDING]);
        assertThat(message1).hasSize(PeerWire.NOISE_XX_1).hasSize(213);
        byte[] initiation = initiation(FrameType.INITIATION_XX, alice.index(), message1, xxMac1Key, null);
        assertThat(initiation).hasSize(253);
        assertThat(Arrays.copyOfRange(initiation, 40, 221)).as("the zeros in the clear").isEqualTo(new byte[181]);

        Initiation received = (Initiation) PeerFrameCodec.decode(initiation);
        assertThat(hasMac1(initiation, received, xxMac1Key)).as("mac1 anyone can make").isTrue();
        assertThat(hasMac1(initiation, received, mac1Key(bob.publicStatic()))).as("not bob's key's mac1").isFalse();
        assertThat(responder.readMessage(received.noise().toByteArray())).isEqualTo(new byte[181]);

        // Message 2: e, ee, s, es and bob's payload, in a RESPONSE_XX to alice's index.
        byte[] message2 = responder.writeMessage(bob.payload(7, 1));
        assertThat(message2).hasSize(PeerWire.NOISE_XX_2).hasSize(241);
        byte[] response = PeerFrameCodec.encode(new Response(FrameType.RESPONSE_XX, bob.index(),
                received.senderIndex(), Octets.of(message2)));
        assertThat(response).hasSize(253).hasSameSizeAs(initiation);

        Response answer = (Response) PeerFrameCodec.decode(response);
        assertThat(answer.receiverIndex()).isEqualTo(alice.index());
        HandshakePayload fromBob = verifiedPayload(initiator.readMessage(answer.noise().toByteArray()),
                initiator.remoteStatic());
        assertThat(initiator.remoteStatic()).isEqualTo(bob.publicStatic());
        assertThat(fromBob.identityKey()).isEqualTo(bob.identity().publicKey());

        // Message 3: s, se and alice's payload, in a FINISH_XX to bob's index.
        byte[] message3 = initiator.writeMessage(alice.payload(8, 2));
        assertThat(message3).hasSize(PeerWire.NOISE_XX_3).hasSize(209);
        byte[] finish = PeerFrameCodec.encode(new Finish(answer.senderIndex(), Octets.of(message3)));
        assertThat(finish).hasSize(217);

        Finish finished = (Finish) PeerFrameCodec.decode(finish);
        assertThat(finished.receiverIndex()).isEqualTo(bob.index());
        HandshakePayload fromAlice = verifiedPayload(responder.readMessage(finished.noise().toByteArray()),
                responder.remoteStatic());
        assertThat(responder.remoteStatic()).isEqualTo(alice.publicStatic());
        assertThat(fromAlice.identityKey()).isEqualTo(alice.identity().publicKey());
        assertThat(fromAlice.name()).isEqualTo("alice");

        assertSealsBothWays(new Keys(initiator.split(), responder.split(), alice.index(), answer.senderIndex()));
    }

    /**
     * The in-place path the peers take (one array: the clear header, the link frame where its ciphertext goes, the tag
     * after it) makes the very datagram the records make, and the receiver opens it where it lies.
     */
    @Test
    void shouldSealInPlaceToTheSameDatagramAndOpenItWhereItLies() throws Exception {
        Keys keys = ikHandshake(Peer.create("alice"), Peer.create("bob"));
        LinkFrame frame = LinkGoldenVectors.named("DATA with two acknowledgement entries").message();
        int length = LinkFrameCodec.size(frame);
        byte[] datagram = new byte[PeerWire.TRANSPORT_HEADER_SIZE + length + PeerWire.TAG_SIZE];
        PeerFrameCodec.putTransportHeader(datagram, keys.responderIndex(), 3);
        assertThat(LinkFrameCodec.encode(frame, datagram, PeerWire.TRANSPORT_HEADER_SIZE)).isEqualTo(length);
        ChaChaPoly.forKey(keys.initiator().initiatorToResponder()).seal(3, datagram, 0, PeerWire.TRANSPORT_HEADER_SIZE,
                datagram, PeerWire.TRANSPORT_HEADER_SIZE, length, datagram, PeerWire.TRANSPORT_HEADER_SIZE);
        assertThat(datagram).isEqualTo(seal(keys.initiator().initiatorToResponder(), keys.responderIndex(), 3, frame));

        assertThat(PeerFrameCodec.transportReceiver(datagram)).isEqualTo(keys.responderIndex());
        long counter = PeerFrameCodec.transportCounter(datagram);
        assertThat(counter).isEqualTo(3);
        int opened = ChaChaPoly.forKey(keys.responder().initiatorToResponder()).open(counter, datagram, 0,
                PeerWire.TRANSPORT_HEADER_SIZE, datagram, PeerWire.TRANSPORT_HEADER_SIZE,
                datagram.length - PeerWire.TRANSPORT_HEADER_SIZE, datagram, PeerWire.TRANSPORT_HEADER_SIZE);
        assertThat(opened).isEqualTo(length);
        assertThat(LinkFrameCodec.decode(datagram, PeerWire.TRANSPORT_HEADER_SIZE, opened)).isEqualTo(frame);
    }

    /** Mallory sends alice's payload in a handshake of his own static key: its binding names alice's key. */
    @Test
    void shouldRefuseAPayloadWhoseBindingNamesAnotherStaticKey() throws Exception {
        Peer alice = Peer.create("alice");
        Peer mallory = Peer.create("mallory");
        Peer bob = Peer.create("bob");
        NoiseHandshake initiator = NoiseHandshake.initiator(NoisePattern.IK, PROLOGUE, mallory.statics(),
                bob.publicStatic(), EPHEMERALS);
        NoiseHandshake responder = NoiseHandshake.responder(NoisePattern.IK, PROLOGUE, bob.statics(), EPHEMERALS);
        byte[] initiation = initiation(FrameType.INITIATION_IK, mallory.index(),
                initiator.writeMessage(alice.payload(1, 1)), mac1Key(bob.publicStatic()), null);

        Initiation received = (Initiation) PeerFrameCodec.decode(initiation);
        HandshakePayload payload = HandshakePayload.decode(responder.readMessage(received.noise().toByteArray()));
        // The handshake itself succeeds, with mallory's static key; the binding is alice's, over her key.
        assertThat(responder.remoteStatic()).isEqualTo(mallory.publicStatic());
        assertThat(Identity.verify(payload.identityKey(),
                HandshakePayload.binding(Octets.of(responder.remoteStatic()), payload.name()),
                payload.bindingSignature())).isFalse();
    }

    @Test
    void shouldSealACookieReplyOnlyTheSenderOfTheInitiationCanOpenAndUseInMac2() throws Exception {
        Peer alice = Peer.create("alice");
        Peer bob = Peer.create("bob");
        byte[] mac1Key = mac1Key(bob.publicStatic());
        NoiseHandshake first = NoiseHandshake.initiator(NoisePattern.IK, PROLOGUE, alice.statics(),
                bob.publicStatic(), EPHEMERALS);
        byte[] initiation = initiation(FrameType.INITIATION_IK, alice.index(), first.writeMessage(alice.payload(1, 1)),
                mac1Key, null);

        // Bob, under load, answers with the cookie of alice's source, sealed with her mac1 as associated data.
        Initiation received = (Initiation) PeerFrameCodec.decode(initiation);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        byte[] source = ascii("192.0.2.1:40000");
        byte[] cookie = Macs.mac(secret, source, 0, source.length);
        assertThat(cookie).hasSize(PeerWire.COOKIE_SIZE);
        byte[] cookieKey = Macs.hash(COOKIE_LABEL, bob.publicStatic());
        byte[] nonce = new byte[PeerWire.COOKIE_NONCE_SIZE];
        RANDOM.nextBytes(nonce);
        byte[] mac1 = received.mac1().toByteArray();
        byte[] sealedCookie = new byte[PeerWire.COOKIE_SIZE + PeerWire.TAG_SIZE];
        ChaChaPoly.forKey(cookieKey).seal(nonce, mac1, 0, mac1.length, cookie, 0, cookie.length, sealedCookie, 0);
        byte[] reply = PeerFrameCodec.encode(new CookieReply(received.senderIndex(), Octets.of(nonce),
                Octets.of(sealedCookie)));
        assertThat(reply).hasSize(52);

        // Alice opens it with her initiation's mac1, bytes 249..264.
        CookieReply answer = (CookieReply) PeerFrameCodec.decode(reply);
        assertThat(answer.receiverIndex()).isEqualTo(alice.index());
        byte[] opened = new byte[PeerWire.COOKIE_SIZE];
        ChaChaPoly.forKey(cookieKey).open(answer.nonce().toByteArray(), initiation, 249, 16,
                answer.sealedCookie().toByteArray(), 0, 32, opened, 0);
        assertThat(opened).isEqualTo(cookie);
        // With another initiation's mac1 it does not open: only the sender of this one can use the cookie.
        byte[] otherMac1 = mac1.clone();
        otherMac1[0] ^= 1;
        assertThatThrownBy(() -> ChaChaPoly.forKey(cookieKey).open(answer.nonce().toByteArray(), otherMac1, 0, 16,
                answer.sealedCookie().toByteArray(), 0, 32, new byte[16], 0)).isInstanceOf(CryptoException.class);

        // Her next initiation carries mac2 under the cookie, over every byte before mac2, mac1 included.
        NoiseHandshake second = NoiseHandshake.initiator(NoisePattern.IK, PROLOGUE, alice.statics(),
                bob.publicStatic(), EPHEMERALS);
        byte[] retry = initiation(FrameType.INITIATION_IK, alice.index(), second.writeMessage(alice.payload(1, 2)),
                mac1Key, opened);
        Initiation withCookie = (Initiation) PeerFrameCodec.decode(retry);
        assertThat(hasMac1(retry, withCookie, mac1Key)).isTrue();
        assertThat(withCookie.mac2().toByteArray()).isEqualTo(Macs.mac(cookie, retry, 0, 265));
        assertThat(withCookie.mac2().toByteArray()).as("not under another source's cookie")
                .isNotEqualTo(Macs.mac(Macs.mac(secret, ascii("192.0.2.1:40001"), 0, 15), retry, 0, 265));
    }

    /**
     * Every bit of a TRANSPORT frame is covered: flipped in the header, the frame no longer decodes as a TRANSPORT
     * (magic, version, type, or the size of the type it became); flipped in the receiver index, the counter, the
     * ciphertext or the tag, it decodes and then does not open.
     */
    @Test
    void shouldRefuseATransportFrameWithAnySingleBitFlipped() throws Exception {
        Keys keys = ikHandshake(Peer.create("alice"), Peer.create("bob"));
        byte[] sending = keys.initiator().initiatorToResponder();
        byte[] receiving = keys.responder().initiatorToResponder();
        LinkFrame data = LinkGoldenVectors.named("DATA").message();
        LinkFrame largest = LinkGoldenVectors.named("PING with the PROBE flag padded to the largest link frame")
                .message();
        for (LinkFrame frame : List.of(data, largest)) {
            byte[] datagram = seal(sending, keys.responderIndex(), 0x8000_0000_0000_0007L, frame);
            assertThat(open(receiving, datagram)).isEqualTo(frame);
            if (frame == largest) {
                assertThat(datagram).hasSize(Wire.MAX_PEER_DATAGRAM_SIZE);
            }
            for (int bit = 0; bit < datagram.length * 8; bit++) {
                byte[] flipped = datagram.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                if (bit < Wire.HEADER_SIZE * 8) {
                    assertThatThrownBy(() -> PeerFrameCodec.decode(flipped)).as("bit %d", bit)
                            .isInstanceOf(ProtocolException.class);
                } else {
                    assertThat(PeerFrameCodec.decode(flipped)).as("bit %d", bit).isInstanceOf(Transport.class);
                    assertThatThrownBy(() -> open(receiving, flipped)).as("bit %d", bit)
                            .isInstanceOfSatisfying(CryptoException.class,
                                    e -> assertThat(e.reason()).isEqualTo(CryptoException.Reason.BAD_TAG));
                }
            }
        }
    }
}
