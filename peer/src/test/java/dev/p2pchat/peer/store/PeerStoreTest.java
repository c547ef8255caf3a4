package dev.p2pchat.peer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.store.Database;
import dev.p2pchat.store.StoreException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PeerStoreTest {
    private static final Octets BOB = Octets.fromHex("0b".repeat(32));
    private static final Octets CAROL = Octets.fromHex("0c".repeat(32));

    @TempDir
    Path directory;

    /** A contacts file as the version before the database wrote it, with a damaged line among good ones. */
    @Test
    void shouldMoveTheContactsOfAnOlderVersionIntoTheDatabaseAndKeepTheFileAsABackup() throws IOException {
        String written = BOB.toHex() + "\tFRIEND\tbob\t127.0.0.1:7001\tverified\n"
                + "zz\tFRIEND\tbroken\t-\n"
                + CAROL.toHex() + "\tBLOCKED\tcarol\t-\n";
        Files.writeString(directory.resolve("contacts.tsv"), written);

        try (PeerStore store = PeerStore.open(directory, Runnable::run, false)) {
            assertThat(store.contacts()).containsExactlyInAnyOrder(
                    new ContactRow(BOB, "bob", FriendState.FRIEND, new InetSocketAddress("127.0.0.1", 7001), true,
                            null),
                    new ContactRow(CAROL, "carol", FriendState.BLOCKED, null, false, null));
        }
        assertThat(directory.resolve("contacts.tsv")).doesNotExist();
        assertThat(Files.readString(directory.resolve("contacts.tsv.bak"))).as("the old file, damaged line and all")
                .isEqualTo(written);

        try (PeerStore again = PeerStore.open(directory, Runnable::run, false)) {
            assertThat(again.contacts()).as("imported once").hasSize(2);
        }
    }

    /** A database the first version of the store wrote gains the contacts' agreement keys and loses nothing. */
    @Test
    void shouldMigrateADatabaseOfTheFirstSchemaKeepingWhatItHolds() throws Exception {
        Path file = directory.resolve(PeerStore.FILE_NAME);
        Connection first = Database.open(file.toString(), PeerSchema.MIGRATIONS.subList(0, 1), db -> {
            try (Statement insert = db.createStatement()) {
                insert.execute("INSERT INTO contacts (key, name, state, address, verified) VALUES (X'"
                        + BOB.toHex() + "', 'bob', 'FRIEND', NULL, 1)");
            }
        });
        Database.close(first);

        Octets agreement = Octets.fromHex("11".repeat(32));
        try (PeerStore store = PeerStore.open(directory, Runnable::run, false)) {
            assertThat(store.contacts()).containsExactly(new ContactRow(BOB, "bob", FriendState.FRIEND, null, true,
                    null));
            store.saveContacts(List.of(new ContactRow(BOB, "bob", FriendState.FRIEND, null, true, agreement)),
                    problem -> { throw new AssertionError(problem); });
        }
        try (PeerStore again = PeerStore.open(directory, Runnable::run, false)) {
            assertThat(again.contacts()).extracting(ContactRow::agreementKey).containsExactly(agreement);
        }
    }

    @Test
    void shouldRefuseADatabaseFromANewerVersionAndChangeNothingInIt() throws Exception {
        PeerStore.open(directory, Runnable::run, false).close();
        Path file = directory.resolve(PeerStore.FILE_NAME);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA user_version = 99");
        }
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> PeerStore.open(directory, Runnable::run, false))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 99, newer than this version of p2pchat knows (" + PeerSchema.version() + ")")
                .hasMessageContaining("Nothing in it was changed");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void shouldStoreAnIncomingIdOncePerSender() throws IOException {
        try (PeerStore store = PeerStore.open(directory, Runnable::run, false)) {
            List<Boolean> outcomes = new ArrayList<>();
            Octets id = Octets.fromHex("11".repeat(16));
            store.insertIncoming(incoming(1, BOB, id, "hello"), outcomes::add, problem -> outcomes.add(null));
            store.insertIncoming(incoming(2, BOB, id, "hello again"), outcomes::add, problem -> outcomes.add(null));
            store.insertIncoming(incoming(3, CAROL, id, "same id, other sender"), outcomes::add,
                    problem -> outcomes.add(null));

            assertThat(outcomes).containsExactly(true, false, true);
            assertThat(store.history(BOB, Long.MAX_VALUE, 10).join()).extracting(StoredMessage::text)
                    .containsExactly("hello");
        }
    }

    @Test
    void shouldPageTheHistoryAndFindWordsByTheirStartInEveryConversation() throws IOException {
        try (PeerStore store = PeerStore.open(directory, Runnable::run, false)) {
            for (int i = 1; i <= 30; i++) {
                store.insertIncoming(incoming(i, i % 2 == 0 ? BOB : CAROL, id(i), "message " + i
                        + (i % 10 == 0 ? " delivered \"quoted\" (x) AND OR" : "")), inserted -> { }, problem -> { });
            }

            assertThat(store.history(BOB, Long.MAX_VALUE, 3).join()).extracting(StoredMessage::seq)
                    .containsExactly(26L, 28L, 30L);
            assertThat(store.history(BOB, 26, 2).join()).extracting(StoredMessage::seq).containsExactly(22L, 24L);
            assertThat(store.search("deliv", 10).join()).extracting(StoredMessage::seq).containsExactly(10L, 20L, 30L);
            assertThat(store.search("\"quoted\" (x", 10).join()).as("query syntax is only text").hasSize(3);
            assertThat(store.search("AND", 10).join()).hasSize(3);
            assertThat(store.search("message deliv", 2).join()).extracting(StoredMessage::seq)
                    .containsExactly(20L, 30L);
        }
    }

    /** A real full disk: a 1 MiB tmpfs, which only root may mount. */
    @Test
    void shouldReportAFullDiskToTheWriteItFailedAndKeepWhatWasStored() throws Exception {
        Path mount = directory.resolve("small");
        Files.createDirectories(mount);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString()) == 0,
                "mounting a tmpfs needs root");
        try {
            try (PeerStore store = PeerStore.open(mount, Runnable::run, false)) {
                List<String> problems = new ArrayList<>();
                int stored = 0;
                String big = "x".repeat(16 * 1024);
                for (int i = 1; i <= 200 && problems.isEmpty(); i++) {
                    int[] ok = {0};
                    store.insertIncoming(incoming(i, BOB, id(i), big), inserted -> ok[0] = 1, problems::add);
                    stored += ok[0];
                }

                assertThat(problems).as("after %d stored", stored).singleElement().asString()
                        .contains("the disk is full");
                assertThat(stored).isPositive();
                assertThat(store.failedWrites()).isEqualTo(1);
                assertThat(store.history(BOB, Long.MAX_VALUE, 1000).join()).as("what was stored stays")
                        .hasSize(stored);
            }
        } finally {
            run("umount", mount.toString());
        }
    }

    @Test
    void shouldRefuseToStartOnAReadOnlyDiskSayingSo() throws Exception {
        Path mount = directory.resolve("frozen");
        Files.createDirectories(mount);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString()) == 0,
                "mounting a tmpfs needs root");
        try {
            PeerStore.open(mount, Runnable::run, false).close();
            assertThat(run("mount", "-o", "remount,ro", mount.toString())).isZero();

            assertThatThrownBy(() -> PeerStore.open(mount, Runnable::run, false))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("cannot be written");
        } finally {
            run("umount", mount.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    private static Octets id(int i) {
        byte[] id = new byte[16];
        id[0] = 1;
        id[15] = (byte) i;
        id[14] = (byte) (i >> 8);
        return Octets.of(id);
    }

    private static StoredMessage incoming(long seq, Octets peer, Octets id, String text) {
        return new StoredMessage(seq, peer, null, id, false, false, 1_000 + seq, 1_000 + seq, text,
                StoredMessage.State.RECEIVED, null, 0);
    }
}
