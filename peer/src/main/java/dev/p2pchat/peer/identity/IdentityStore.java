package dev.p2pchat.peer.identity;

import dev.p2pchat.protocol.Identity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A peer's identity key pair in its data directory. The first start creates it; every later start loads the same
 * one, because the tracker binds the peer's name to this key. An unreadable or damaged file is reported and left
 * untouched: replacing it would lose the name.
 */
public final class IdentityStore {
    /** File name inside the data directory. */
    public static final String FILE_NAME = "identity.key";
    private static final String HEADER = "p2pchat ed25519 private key v1";
    private static final HexFormat HEX = HexFormat.of();

    private IdentityStore() {}

    public static Identity loadOrCreate(Path dataDirectory, SecureRandom random) throws IOException {
        Path file = dataDirectory.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return load(file);
        }
        Files.createDirectories(dataDirectory);
        Identity identity = Identity.generate(random);
        write(file, identity);
        return identity;
    }

    static Identity load(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        if (lines.size() != 2 || !lines.get(0).equals(HEADER)) {
            throw new IOException("identity file " + file + " is not a p2pchat identity (expected the line '"
                    + HEADER + "' and one line of hex); it was left as it is");
        }
        byte[] privateKey;
        try {
            privateKey = HEX.parseHex(lines.get(1).trim());
        } catch (IllegalArgumentException e) {
            throw new IOException("identity file " + file + " has a damaged key line; it was left as it is", e);
        }
        if (privateKey.length != Identity.PRIVATE_KEY_SIZE) {
            throw new IOException("identity file " + file + " holds " + privateKey.length + " key bytes, not "
                    + Identity.PRIVATE_KEY_SIZE + "; it was left as it is");
        }
        return Identity.fromPrivateKey(privateKey);
    }

    /**
     * Writes to a private temporary file, then links it into place: the link fails if the file exists, so two
     * first starts racing on one directory cannot end with different keys, and a crash never leaves half a key.
     */
    private static void write(Path file, Identity identity) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
        try {
            restrictToOwner(temporary);
            Files.writeString(temporary, HEADER + "\n" + HEX.formatHex(identity.privateKey()) + "\n",
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
