package dev.p2pchat.peer.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.HistoryEntry;
import dev.p2pchat.protocol.Octets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
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
        bob.address = new InetSocketAddress("::1", 7001);
        contacts.setFriend(bob, FriendState.FRIEND);
        contacts.setFriend(contacts.learn(CAROL, "carol"), FriendState.BLOCKED);
        contacts.learn(Octets.fromHex("02".repeat(32)), "stranger");
        contacts.flush();

        Contacts loaded = Contacts.load(directory);

        assertThat(loaded.all()).extracting(contact -> contact.name).containsExactly("bob", "carol");
        assertThat(loaded.get(BOB).friend).isEqualTo(FriendState.FRIEND);
        assertThat(loaded.get(BOB).address).isEqualTo(new InetSocketAddress("::1", 7001));
        assertThat(loaded.get(CAROL).friend).isEqualTo(FriendState.BLOCKED);
        assertThat(loaded.get(CAROL).address).isNull();
    }

    /**
     * A damaged line (a stranger's handshake name outside the naming rule, a hand edit, a crash of another program)
     * once made the next start exit until the file was edited by hand: it is skipped now, the rest is kept.
     */
    @Test
    void shouldSkipADamagedLineKeepTheRestAndLeaveTheFileAlone() throws IOException {
        Path file = directory.resolve(Contacts.FILE_NAME);
        String damaged = BOB.toHex() + "\tFRIEND\tbob\t-\n" + "zz\tFRIEND\tcarol\t-\n"
                + CAROL.toHex() + "\tREQUEST_RECEIVED\tBad Name!\t-\n"
                + Octets.fromHex("03".repeat(32)).toHex() + "\tBLOCKED\tdave\t-\tverified\n";
        Files.writeString(file, damaged);

        Contacts loaded = Contacts.load(directory);

        assertThat(loaded.all()).extracting(contact -> contact.name).containsExactly("bob", "dave");
        assertThat(loaded.get(Octets.fromHex("03".repeat(32))).verified).isTrue();
        assertThat(Files.readString(file)).as("nothing written at load").isEqualTo(damaged);

        loaded.setFriend(loaded.get(BOB), FriendState.BLOCKED);
        loaded.flush();
        assertThat(Files.readString(file)).as("the damaged lines are written back as they were")
                .contains("zz\tFRIEND\tcarol\t-\n", CAROL.toHex() + "\tREQUEST_RECEIVED\tBad Name!\t-\n")
                .contains(BOB.toHex() + "\tBLOCKED\tbob");
    }

    @Test
    void shouldWriteManyChangesOnceAtTheNextFlushReadableByTheOwnerOnly() throws IOException {
        Contacts contacts = Contacts.load(directory);
        for (int i = 0; i < 2_000; i++) {
            contacts.setFriend(contacts.learn(key(i), "peer" + i), FriendState.REQUEST_RECEIVED);
        }
        assertThat(Files.exists(directory.resolve(Contacts.FILE_NAME))).as("nothing written yet").isFalse();

        contacts.flush();

        assertThat(Files.readAllLines(directory.resolve(Contacts.FILE_NAME))).hasSize(2_000);
        assertThat(Files.getPosixFilePermissions(directory.resolve(Contacts.FILE_NAME)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(contacts.dirty()).isFalse();
    }

    @Test
    void shouldTellALookalikeOfAFriendAndFindContactsByFingerprint() {
        Contacts contacts = Contacts.inMemory();
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
        Contacts contacts = Contacts.load(directory);
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

    /** Strangers' 64 KiB messages, kept for show by the thousand, once could fill the heap. */
    @Test
    void shouldForgetStrangersMessagesFirstWhenAllMessagesHoldTooMuch() {
        Contacts contacts = Contacts.inMemory();
        Contact friend = contacts.learn(BOB, "bob");
        contacts.setFriend(friend, FriendState.FRIEND);
        String big = "x".repeat(32 * 1024); // 64 KiB held
        friend.remember(new HistoryEntry(Instant.EPOCH, false, 0, big, false, HistoryEntry.State.RECEIVED));
        int trimmed = 0;
        for (int i = 0; i < 2_000; i++) {
            Contact stranger = contacts.learn(key(i), "peer" + i);
            stranger.remember(new HistoryEntry(Instant.EPOCH, false, 0, big, false, HistoryEntry.State.RECEIVED));
            trimmed += contacts.trimStrangerMessages(stranger);
        }

        assertThat(contacts.messageBytes()).isLessThanOrEqualTo(Contacts.MAX_MESSAGE_BYTES);
        assertThat(trimmed).isPositive();
        assertThat(friend.history).as("a friend's messages stay").hasSize(1);
        assertThat(contacts.get(key(1_999)).history).as("the newest stranger's stay").hasSize(1);
        assertThat(contacts.get(key(0)).history).as("the oldest stranger's went").isEmpty();
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
