package dev.p2pchat.peer.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class IdentityStoreTest {
    @TempDir
    Path dataDirectory;

    @Test
    void shouldCreateAnIdentityOnFirstStartAndLoadTheSameOneLater() throws IOException {
        Identity first = IdentityStore.loadOrCreate(dataDirectory.resolve("new/dir"), new SecureRandom());
        Identity again = IdentityStore.loadOrCreate(dataDirectory.resolve("new/dir"), new SecureRandom());

        assertThat(again.publicKey()).isEqualTo(first.publicKey());
        assertThat(Identity.verify(first.publicKey(), "hello".getBytes(), again.sign("hello".getBytes())))
                .isTrue();
    }

    @Test
    void shouldKeepThePrivateKeyReadableOnlyByItsOwner() throws IOException {
        IdentityStore.loadOrCreate(dataDirectory, new SecureRandom());

        Path file = dataDirectory.resolve(IdentityStore.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(dataDirectory)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void shouldRefuseADamagedFileWithAClearErrorAndLeaveItAlone() throws IOException {
        Path file = dataDirectory.resolve(IdentityStore.FILE_NAME);
        for (String damaged : new String[] {"", "not a key\n", "p2pchat ed25519 private key v1\nzz\n",
                "p2pchat ed25519 private key v1\nabcd\n"}) {
            Files.writeString(file, damaged);

            assertThatThrownBy(() -> IdentityStore.loadOrCreate(dataDirectory, new SecureRandom()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("left as it is");
            assertThat(Files.readString(file)).isEqualTo(damaged);
        }
    }
}
