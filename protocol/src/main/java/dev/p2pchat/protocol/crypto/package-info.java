/**
 * The one place p2pchat does cryptography: X25519 agreement, ChaCha20-Poly1305 sealing, HKDF, and the Noise IK and
 * XX handshakes built from them. Everything else sees bytes in and bytes out, and {@link
 * dev.p2pchat.protocol.crypto.CryptoException} for input that fails a check.
 *
 * <p>Each primitive is checked against its published vectors (RFC 7748, RFC 8439, RFC 5869, and the cacophony
 * Noise vectors) in this package's tests.
 */
package dev.p2pchat.protocol.crypto;
