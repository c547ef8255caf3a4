package dev.p2pchat.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * A private key in a file of two lines (and the private directories such files live in): a header naming what it is, and the key in hex. The first start creates it;
 * every later start loads the same key. An unreadable or damaged file is reported and left untouched: replacing it
 * would lose what the key stands for (a peer's name, a tracker that peers pinned).
 */
public final class KeyFile {
    private static final HexFormat HEX = HexFormat.of();

    private KeyFile() {}

    /**
     * The key in {@code file}, or a new one from {@code generate}, written there first.
     *
     * @param header the first line, which names the kind of key
     * @param what how error messages name the key
     * @param size the key's length in bytes
     */
    public static byte[] loadOrCreate(Path file, String header, String what, int size, Supplier<byte[]> generate)
            throws IOException {
        if (Files.exists(file)) {
            return load(file, header, what, size);
        }
        Path directory = file.toAbsolutePath().getParent();
        createPrivateDirectories(directory);
        byte[] privateKey = generate.get();
        write(file, directory, header, privateKey);
        return privateKey;
    }

    /**
     * Creates {@code directory} and its missing parents readable by their owner only (0700 where permissions are
     * POSIX), so that nothing in it can be read by other users, whatever mode a program gives its files.
     */
    public static void createPrivateDirectories(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            restrict(directory, "rwx------"); // made by an older version, or by hand
            return;
        }
        try {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(directory); // Windows: the user's profile ACLs already keep it private
        }
    }

    /** Creates {@code file} empty and readable by its owner only (0600) if it does not exist yet. */
    public static void createPrivateFile(Path file) throws IOException {
        if (Files.exists(file)) {
            restrict(file, "rw-------");
            return;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException raced) {
            // another process made it first: it made it as private
        }
    }

    /**
     * Replaces {@code file} with {@code text} in one step, readable by its owner only: written to a private
     * temporary file beside it, then moved over it, so a crash leaves the old file or the new one, never half.
     */
    public static void replacePrivately(Path file, CharSequence text) throws IOException {
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(),
                ".tmp");
        try {
            restrict(temporary, "rw-------");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
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
    private static void write(Path file, Path directory, String header, byte[] privateKey)
            throws IOException {
        Path temporary = Files.createTempFile(directory, file.getFileName().toString(), ".tmp");
        try {
            restrict(temporary, "rw-------");
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

    private static void restrict(Path path, String permissions) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the user's profile ACLs already keep it private.
        }
    }
}
