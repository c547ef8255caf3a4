package dev.p2pchat.tracker.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.X25519;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class TrackerIdentityTest {
    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void shouldMakeTheKeyOnTheFirstStartAndLoadTheSameOneAfter() throws Exception {
        Path data = dir.resolve("nested").resolve("tracker");

        TrackerIdentity first = TrackerIdentity.loadOrCreate(data, random);
        TrackerIdentity again = TrackerIdentity.loadOrCreate(data, random);

        assertThat(again.publicKey()).isEqualTo(first.publicKey());
        assertThat(again.cookieSecret()).as("and so the cookies").isEqualTo(first.cookieSecret());
        Path file = data.resolve(TrackerIdentity.FILE_NAME);
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("p2pchat tracker x25519 private key v1");
        assertThat(Octets.of(X25519.fromPrivateKey(HexFormat.of().parseHex(lines.get(1))).publicKey()))
                .isEqualTo(first.publicKey());
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        try (var files = Files.list(data)) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }

    @Test
    void shouldGiveEveryDataDirectoryAndEveryEphemeralTrackerAKeyOfItsOwn() throws Exception {
        Octets one = TrackerIdentity.loadOrCreate(dir.resolve("one"), random).publicKey();
        Octets two = TrackerIdentity.loadOrCreate(dir.resolve("two"), random).publicKey();
        TrackerIdentity ephemeral = TrackerIdentity.ephemeral(random);

        assertThat(one).isNotEqualTo(two);
        assertThat(ephemeral.publicKey()).isNotEqualTo(TrackerIdentity.ephemeral(random).publicKey())
                .isNotEqualTo(one);
        assertThat(ephemeral.cookieSecret()).as("unrelated to the key").hasSize(32)
                .isNotEqualTo(ephemeral.key().privateKey()).isNotEqualTo(ephemeral.publicKey().toByteArray());
    }

    @Test
    void shouldRefuseADamagedKeyFileWithAMessageNamingItAndLeaveItAsItIs() throws Exception {
        Path file = dir.resolve(TrackerIdentity.FILE_NAME);
        List<byte[]> damaged = List.of(
                new byte[0],
                "p2pchat tracker x25519 private key v1\n".getBytes(StandardCharsets.US_ASCII),
                "p2pchat tracker x25519 private key v1\nzz\n".getBytes(StandardCharsets.US_ASCII),
                ("p2pchat tracker x25519 private key v1\n" + "ab".repeat(31) + "\n")
                        .getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        for (byte[] content : damaged) {
            Files.write(file, content);

            assertThatThrownBy(() -> TrackerIdentity.loadOrCreate(dir, random)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("tracker key file " + file)
                    .hasMessageContaining("left as it is");
            assertThat(Files.readAllBytes(file)).isEqualTo(content);
        }
    }

    @Test
    void shouldSayWhichFileItCouldNotMakeWhenTheDataDirectoryIsAFile() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");

        assertThatThrownBy(() -> TrackerIdentity.loadOrCreate(notADirectory, random))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(notADirectory.resolve(TrackerIdentity.FILE_NAME).toString());
        assertThat(Files.readString(notADirectory)).isEqualTo("x");
    }
}
