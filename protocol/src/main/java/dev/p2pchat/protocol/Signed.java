package dev.p2pchat.protocol;

/**
 * A message signed with the sender's Ed25519 identity key over every byte of its encoding before the signature,
 * header included (see {@link Identity#signatureFor}).
 */
public interface Signed {
    Octets signature();

    /** The same message with {@code signature} in place of the current one. */
    Signed withSignature(Octets signature);

    /** The bytes the signature covers: every byte of the encoding before the signature. */
    byte[] signedBytes();
}
