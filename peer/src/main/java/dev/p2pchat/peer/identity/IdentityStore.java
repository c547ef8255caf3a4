package dev.p2pchat.peer.identity;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.crypto.X25519;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

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
    private static final HexFormat HEX = HexFormat.of();

    private IdentityStore() {}

    public static Identity loadOrCreate(Path dataDirectory, SecureRandom random) throws IOException {
        return Identity.fromPrivateKey(loadOrCreate(dataDirectory.resolve(FILE_NAME), HEADER, "identity",
                Identity.PRIVATE_KEY_SIZE, () -> Identity.generate(random).privateKey()));
    }

    /** The X25519 key pair the peer's handshakes authenticate with. */
    public static X25519.KeyPair loadOrCreateAgreement(Path dataDirectory, SecureRandom random) throws IOException {
        return X25519.fromPrivateKey(loadOrCreate(dataDirectory.resolve(AGREEMENT_FILE_NAME), AGREEMENT_HEADER,
                "agreement key", X25519.KEY_SIZE, () -> X25519.generate(random).privateKey()));
    }

    private static byte[] loadOrCreate(Path file, String header, String what, int size, Supplier<byte[]> generate)
            throws IOException {
        if (Files.exists(file)) {
            return load(file, header, what, size);
        }
        Files.createDirectories(file.getParent());
        byte[] privateKey = generate.get();
        write(file, header, privateKey);
        return privateKey;
    }

    private static byte[] load(Path file, String header, String what, int size) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        if (lines.size() != 2 || !lines.get(0).equals(header)) {
            throw new IOException(what + " file " + file + " is not a p2pchat " + what + " (expected the line '"
                    + header + "' and one line of hex); it was left as it is");
        }
        byte[] privateKey;
        try {
            privateKey = HEX.parseHex(lines.get(1).trim());
        } catch (IllegalArgumentException e) {
            throw new IOException(what + " file " + file + " has a damaged key line; it was left as it is", e);
        }
        if (privateKey.length != size) {
            throw new IOException(what + " file " + file + " holds " + privateKey.length + " key bytes, not " + size
                    + "; it was left as it is");
        }
        return privateKey;
    }

    /**
     * Writes to a private temporary file, then links it into place: the link fails if the file exists, so two
     * first starts racing on one directory cannot end with different keys, and a crash never leaves half a key.
     */
    private static void write(Path file, String header, byte[] privateKey) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            restrictToOwner(temporary);
            Files.writeString(temporary, header + "\n" + HEX.formatHex(privateKey) + "\n",
                    StandardCharsets.US_ASCII);
            try {
                Files.createLink(file, temporary);
            } catch (FileAlreadyExistsException e) {
                throw new IOException("another process created " + file + " at the same time; start again", e);
            } catch (UnsupportedOperationException | IOException noHardLinks) {
                Files.move(temporary, file); // without REPLACE_EXISTING: never overwrites a key
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void restrictToOwner(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the temporary file already inherits the user's private profile ACLs.
        }
    }
}
