package dev.p2pchat.peer.identity;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.KeyFile;
import dev.p2pchat.protocol.crypto.X25519;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * A peer's private keys in its data directory: its Ed25519 identity, and the X25519 key its handshakes use (bound to
 * the identity by a signature in every handshake). The first start creates them; every later start loads the same
 * ones, because the tracker binds the peer's name to the identity and friends know it by both. An unreadable or
 * damaged file is reported and left untouched: replacing it would lose the name.
 */
public final class IdentityStore {
    /** File names inside the data directory. */
    public static final String FILE_NAME = "identity.key";
    public static final String AGREEMENT_FILE_NAME = "agreement.key";
    private static final String HEADER = "p2pchat ed25519 private key v1";
    private static final String AGREEMENT_HEADER = "p2pchat x25519 private key v1";

    private IdentityStore() {}

    public static Identity loadOrCreate(Path dataDirectory, SecureRandom random) throws IOException {
        return Identity.fromPrivateKey(KeyFile.loadOrCreate(dataDirectory.resolve(FILE_NAME), HEADER, "identity",
                Identity.PRIVATE_KEY_SIZE, () -> Identity.generate(random).privateKey()));
    }

    /** The X25519 key pair the peer's handshakes authenticate with. */
    public static X25519.KeyPair loadOrCreateAgreement(Path dataDirectory, SecureRandom random) throws IOException {
        return X25519.fromPrivateKey(KeyFile.loadOrCreate(dataDirectory.resolve(AGREEMENT_FILE_NAME),
                AGREEMENT_HEADER, "agreement key", X25519.KEY_SIZE, () -> X25519.generate(random).privateKey()));
    }
}
