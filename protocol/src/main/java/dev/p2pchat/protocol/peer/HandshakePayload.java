package dev.p2pchat.protocol.peer;

import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.ProtocolException.Reason;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.WireReader;
import dev.p2pchat.protocol.WireWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What each side says about itself inside the Noise handshake, encrypted: who it is, and the proof that the X25519
 * key the handshake authenticated belongs to that identity.
 *
 * <pre>
 * identity key:32 | binding signature:64 | name length:u8 | name, zero-padded to 32 | link id:u64 | timestamp:u64
 * </pre>
 *
 * @param identityKey the sender's Ed25519 public key: what a contact is
 * @param bindingSignature the identity key's signature over {@link #binding} of the sender's X25519 static key and
 *     its name: so the static key Noise authenticated, and the name the sender goes by, are that identity's
 * @param linkId a random number the sender chose for this conversation: a new one means the sender started a new
 *     conversation (it restarted), the same one a new handshake within it (a rekey)
 * @param timestamp milliseconds that only grow from one initiation to the next by the same sender: a recorded
 *     initiation replayed later is older than one already seen
 */
public record HandshakePayload(Octets identityKey, Octets bindingSignature, String name, long linkId,
        long timestamp) {
    /** What the binding signature covers, before the static key and the name field. */
    private static final byte[] BINDING_LABEL = "p2pchat binding v1".getBytes(StandardCharsets.US_ASCII);

    public HandshakePayload {
        Octets.requireLength(identityKey, Wire.KEY_SIZE, "identityKey");
        Octets.requireLength(bindingSignature, Wire.SIGNATURE_SIZE, "bindingSignature");
        Names.requireWireName(name, false, "name");
    }

    /** The bytes a binding signature covers: a fixed label, the X25519 static key, and the name field padded. */
    public static byte[] binding(Octets agreementKey, String name) {
        Octets.requireLength(agreementKey, Wire.KEY_SIZE, "agreementKey");
        Names.requireWireName(name, false, "name");
        ByteBuffer out = ByteBuffer.allocate(BINDING_LABEL.length + Wire.KEY_SIZE + PeerWire.NAME_FIELD_SIZE);
        out.put(BINDING_LABEL);
        WireWriter.octets(out, agreementKey);
        putName(out, name);
        return out.array();
    }

    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(PeerWire.HANDSHAKE_PAYLOAD_SIZE);
        WireWriter.octets(out, identityKey);
        WireWriter.octets(out, bindingSignature);
        putName(out, name);
        out.putLong(linkId);
        out.putLong(timestamp);
        return out.array();
    }

    /** Decodes exactly {@value PeerWire#HANDSHAKE_PAYLOAD_SIZE} bytes; the name's padding must be zeros. */
    public static HandshakePayload decode(byte[] payload) throws ProtocolException {
        if (payload.length != PeerWire.HANDSHAKE_PAYLOAD_SIZE) {
            throw new ProtocolException(payload.length < PeerWire.HANDSHAKE_PAYLOAD_SIZE ? Reason.TRUNCATED
                    : Reason.TRAILING_BYTES, "a handshake payload of " + payload.length + " bytes");
        }
        WireReader in = new WireReader(ByteBuffer.wrap(payload));
        Octets identityKey = in.octets(Wire.KEY_SIZE, "identity key");
        Octets signature = in.octets(Wire.SIGNATURE_SIZE, "binding signature");
        String name = in.name(false, "name");
        in.zeros(Wire.MAX_NAME_LENGTH - name.length(), "name padding");
        HandshakePayload decoded = new HandshakePayload(identityKey, signature, name, in.u64("link id"),
                in.u64("timestamp"));
        in.finish();
        return decoded;
    }

    private static void putName(ByteBuffer out, String name) {
        WireWriter.name(out, name);
        out.put(new byte[Wire.MAX_NAME_LENGTH - name.length()]);
    }
}
