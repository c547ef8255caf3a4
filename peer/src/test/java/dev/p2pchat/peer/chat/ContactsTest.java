package dev.p2pchat.peer.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.protocol.Octets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContactsTest {
    private static final Octets BOB = Octets.of(new byte[32]);
    private static final Octets CAROL = Octets.fromHex("01".repeat(32));

    @TempDir
    Path directory;

    @Test
    void shouldKeepFriendsBlocksAndRequestsButForgetStrangers() throws IOException {
        Contacts contacts = Contacts.load(directory);
        Contact bob = contacts.learn(BOB, "bob");
        bob.friend = FriendState.FRIEND;
        bob.address = new InetSocketAddress("::1", 7001);
        contacts.learn(CAROL, "carol").friend = FriendState.BLOCKED;
        contacts.learn(Octets.fromHex("02".repeat(32)), "stranger");
        contacts.save();

        Contacts loaded = Contacts.load(directory);

        assertThat(loaded.all()).extracting(contact -> contact.name).containsExactly("bob", "carol");
        assertThat(loaded.get(BOB).friend).isEqualTo(FriendState.FRIEND);
        assertThat(loaded.get(BOB).address).isEqualTo(new InetSocketAddress("::1", 7001));
        assertThat(loaded.get(CAROL).friend).isEqualTo(FriendState.BLOCKED);
        assertThat(loaded.get(CAROL).address).isNull();
    }

    @Test
    void shouldRefuseADamagedFileWithTheLineAndLeaveItAlone() throws IOException {
        Path file = directory.resolve(Contacts.FILE_NAME);
        String damaged = BOB.toHex() + "\tFRIEND\tbob\t-\n" + "zz\tFRIEND\tcarol\t-\n";
        Files.writeString(file, damaged);

        assertThatThrownBy(() -> Contacts.load(directory))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("nothing was changed");
        assertThat(Files.readString(file)).isEqualTo(damaged);
    }

    @Test
    void shouldForgetTheOldestStrangerWhenFullButNeverAFriend() throws IOException {
        Contacts contacts = Contacts.load(directory);
        contacts.learn(BOB, "bob").friend = FriendState.FRIEND;
        for (int i = 1; i < Contacts.MAX_CONTACTS; i++) {
            contacts.learn(key(i), "peer" + i);
        }

        contacts.learn(CAROL, "carol");

        assertThat(contacts.all()).hasSize(Contacts.MAX_CONTACTS);
        assertThat(contacts.get(BOB)).isNotNull();
        assertThat(contacts.get(key(1))).as("the oldest stranger").isNull();
        assertThat(contacts.get(CAROL)).isNotNull();
    }

    private static Octets key(int i) {
        byte[] key = new byte[32];
        key[0] = (byte) 0xFF;
        key[1] = (byte) (i >> 16);
        key[2] = (byte) (i >> 8);
        key[3] = (byte) i;
        return Octets.of(key);
    }
}
