package dev.p2pchat.peer.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.store.PeerStore;
import dev.p2pchat.protocol.Octets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContactsTest {
    private static final Octets BOB = Octets.of(new byte[32]);
    private static final Octets CAROL = Octets.fromHex("01".repeat(32));

    @TempDir
    Path directory;

    @Test
    void shouldKeepFriendsBlocksAndRequestsButForgetStrangers() throws IOException {
        try (PeerStore store = open()) {
            Contacts contacts = Contacts.load(store);
            Contact bob = contacts.learn(BOB, "bob");
            contacts.setFriend(bob, FriendState.FRIEND);
            contacts.located(bob, new InetSocketAddress("::1", 7001));
            contacts.setFriend(contacts.learn(CAROL, "carol"), FriendState.BLOCKED);
            contacts.learn(Octets.fromHex("02".repeat(32)), "stranger");
            contacts.flush();
        }

        try (PeerStore store = open()) {
            Contacts loaded = Contacts.load(store);

            assertThat(loaded.all()).extracting(contact -> contact.name).containsExactlyInAnyOrder("bob", "carol");
            assertThat(loaded.get(BOB).friend).isEqualTo(FriendState.FRIEND);
            assertThat(loaded.get(BOB).address).isEqualTo(new InetSocketAddress("::1", 7001));
            assertThat(loaded.get(CAROL).friend).isEqualTo(FriendState.BLOCKED);
            assertThat(loaded.get(CAROL).address).isNull();
        }
    }

    @Test
    void shouldWriteManyChangesInOneTransactionAtTheNextFlushToAFileOnlyItsOwnerReads() throws IOException {
        try (PeerStore store = open()) {
            Contacts contacts = Contacts.load(store);
            for (int i = 0; i < 2_000; i++) {
                contacts.setFriend(contacts.learn(key(i), "peer" + i), FriendState.REQUEST_RECEIVED);
            }
            long before = store.transactions();

            contacts.flush();

            assertThat(store.transactions() - before).isEqualTo(1);
            assertThat(contacts.dirty()).isFalse();
            assertThat(Contacts.load(store).all()).hasSize(2_000);
        }
        assertThat(Files.getPosixFilePermissions(directory.resolve(PeerStore.FILE_NAME)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void shouldTellALookalikeOfAFriendAndFindContactsByFingerprint() throws IOException {
        Contacts contacts = Contacts.load(PeerStore.inMemory(Runnable::run));
        Contact friend = contacts.learn(BOB, "bob");
        contacts.setFriend(friend, FriendState.FRIEND);
        Contact stranger = contacts.learn(CAROL, "bob");

        assertThat(contacts.isLookalike(stranger)).isTrue();
        assertThat(contacts.isLookalike(friend)).isFalse();
        assertThat(contacts.friendsNamed("bob")).containsExactly(friend);
        assertThat(contacts.withFingerprint("0101-0101")).containsExactly(stranger);
        assertThat(contacts.withFingerprint("0101010")).as("too short").isEmpty();
        assertThat(contacts.withFingerprint("bob")).isEmpty();

        contacts.rename(friend, "robert");
        assertThat(contacts.isLookalike(stranger)).as("the friend took another name").isFalse();

        // A friend who takes another friend's name is no less marked than a stranger who does.
        Contact other = contacts.learn(Octets.fromHex("07".repeat(32)), "carol");
        contacts.setFriend(other, FriendState.FRIEND);
        contacts.rename(other, "robert");
        assertThat(contacts.warning(other)).isEqualTo("another friend goes by robert");
        assertThat(contacts.warning(friend)).isEqualTo("another friend goes by robert");
        assertThat(contacts.warning(stranger)).isNull();
    }

    @Test
    void shouldForgetTheOldestStrangerWhenFullButNeverAFriend() throws IOException {
        Contacts contacts = Contacts.load(PeerStore.inMemory(Runnable::run));
        contacts.setFriend(contacts.learn(BOB, "bob"), FriendState.FRIEND);
        for (int i = 1; i < Contacts.MAX_CONTACTS; i++) {
            contacts.learn(key(i), "peer" + i);
        }

        contacts.learn(CAROL, "carol");

        assertThat(contacts.all()).hasSize(Contacts.MAX_CONTACTS);
        assertThat(contacts.get(BOB)).isNotNull();
        assertThat(contacts.get(key(1))).as("the oldest stranger").isNull();
        assertThat(contacts.get(CAROL)).isNotNull();
    }

    private PeerStore open() throws IOException {
        return PeerStore.open(directory, Runnable::run, false);
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
