package dev.p2pchat.peer.store;

import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.protocol.KeyFile;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.store.Database;
import dev.p2pchat.store.StoreException;
import dev.p2pchat.store.StoreWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's database in its data directory ({@value #FILE_NAME}): contacts, every conversation's messages both
 * ways, the outbox (outgoing messages still {@code QUEUED}) and, through the unique sender id of each message, what
 * a receiver needs to show a message once.
 *
 * <p>Writes never make the caller wait: they go to a {@link StoreWorker} (at most {@value #MAX_QUEUED_TASKS} waiting),
 * whose callbacks run on the event loop once the write is on disk. So whatever a callback does next (show a message,
 * send a receipt, hand a message to a conversation) happens only once the message is stored.
 */
public final class PeerStore implements AutoCloseable {
    public static final String FILE_NAME = "p2pchat.db";
    /** Writes and reads waiting for the store's thread; beyond this a write fails at once. */
    public static final int MAX_QUEUED_TASKS = 100_000;
    /** Tasks one transaction takes at most, so that callbacks flow while a long burst is being written. */
    static final int MAX_BATCH = 8_192;
    /** Messages the text index takes in per step while the store is idle. */
    static final int INDEX_STEP = 256;

    private static final Logger log = LoggerFactory.getLogger(PeerStore.class);

    private final StoreWorker worker;

    private PeerStore(String location, Connection connection, Executor callbacks, boolean background) {
        this.worker = new StoreWorker(location, connection, callbacks, background ? MAX_QUEUED_TASKS : 0,
                MAX_BATCH, "p2pchat-store");
        worker.whenIdle(() -> indexText(INDEX_STEP));
    }

    /**
     * Opens the database in {@code directory}, creating it on the first start and moving the contacts of an older
     * version's {@code contacts.tsv} into it (the file is kept as {@code contacts.tsv.bak}).
     *
     * @param callbacks where the outcome of every write and read is reported (the event loop)
     * @param background whether writes go to the store's own thread (always, but in tests of pure logic that want
     *     each write done before the call returns)
     * @throws StoreException when it cannot be opened or written, or its schema is newer than this program's
     */
    public static PeerStore open(Path directory, Executor callbacks, boolean background) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        Path contactsFile = directory.resolve(ContactsFile.FILE_NAME);
        boolean created = !Files.exists(file);
        if (created) {
            KeyFile.createPrivateFile(file);
        }
        List<ContactRow> imported = ContactsFile.read(contactsFile);
        Connection connection = Database.open(file.toString(), PeerSchema.MIGRATIONS,
                db -> insertContacts(db, imported));
        PeerStore store = new PeerStore(file.toString(), connection, callbacks, background);
        if (Files.exists(contactsFile)) {
            // Only once the contacts are committed in the database; a crash before leaves the file to import again.
            Files.move(contactsFile, directory.resolve(ContactsFile.BACKUP_NAME), StandardCopyOption.REPLACE_EXISTING);
            log.info("moved {} contacts from {} into {}; the old file is kept as {}", imported.size(), contactsFile,
                    file, ContactsFile.BACKUP_NAME);
        }
        return store;
    }

    /** A database in memory, gone when closed: for tests and for a peer run without a data directory. */
    public static PeerStore inMemory(Executor callbacks) throws StoreException {
        return new PeerStore(":memory:", Database.open(":memory:", PeerSchema.MIGRATIONS, db -> {}), callbacks,
                false);
    }

    /** Where the database is, for messages to the user. */
    public String location() {
        return worker.location();
    }

    // ---- reading at start (before any write is queued) ----

    /** Every saved contact. */
    public List<ContactRow> contacts() throws StoreException {
        return worker.startRead(() -> {
            List<ContactRow> rows = new ArrayList<>();
            try (ResultSet result = worker.statement("SELECT key, name, state, address, verified, agreement FROM contacts")
                    .executeQuery()) {
                while (result.next()) {
                    rows.add(contact(result));
                }
            }
            return rows;
        });
    }

    /** Every outgoing message still waiting for its receiver, oldest first. */
    public List<StoredMessage> queued() throws StoreException {
        return worker.startRead(() -> messages(worker.statement(SELECT + " WHERE m.state = 'QUEUED' ORDER BY m.seq")));
    }

    /** The highest message number given so far (0 in a new database): the next message takes one more. */
    public long lastSeq() throws StoreException {
        return worker.startRead(() -> {
            try (ResultSet result = worker.statement("SELECT coalesce(max(seq), 0) FROM messages").executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        });
    }

    // ---- writes ----

    /** Stores a message this side wrote, as QUEUED; {@code stored} runs once it is on disk. */
    public void insertOutgoing(StoredMessage message, Runnable stored, Consumer<String> failed) {
        worker.submit(new StoreWorker.Write(failed) {
            @Override
            protected void run() throws SQLException {
                insert(message, "INSERT INTO messages " + COLUMNS + " VALUES " + VALUES);
            }

            @Override
            protected void done() {
                stored.run();
            }
        });
    }

    /**
     * Stores a message that arrived, unless the database holds one from the same peer with the same id already;
     * {@code stored} is told, once the transaction committed, whether it was new.
     */
    public void insertIncoming(StoredMessage message, Consumer<Boolean> stored, Consumer<String> failed) {
        worker.submit(new StoreWorker.Write(failed) {
            boolean inserted;

            @Override
            protected void run() throws SQLException {
                inserted = insert(message, "INSERT OR IGNORE INTO messages " + COLUMNS + " VALUES " + VALUES)
                        == 1;
            }

            @Override
            protected void done() {
                stored.accept(inserted);
            }
        });
    }

    /** Settles a message: DELIVERED, FAILED (with the reason), or an incoming one's new state. */
    public void setState(long seq, StoredMessage.State state, String reason) {
        worker.submit(new StoreWorker.Write(problem -> log.warn("could not record message {} as {}: {}", seq, state, problem)) {
            @Override
            protected void run() throws SQLException {
                PreparedStatement update = worker.statement("UPDATE messages SET state = ?, reason = ? WHERE seq = ?");
                update.setString(1, state.name());
                update.setString(2, reason);
                update.setLong(3, seq);
                update.executeUpdate();
            }

            @Override
            protected void done() {}
        });
    }

    /** Saves (inserts or replaces) contacts. */
    public void saveContacts(List<ContactRow> rows, Consumer<String> failed) {
        worker.submit(new StoreWorker.Write(failed) {
            @Override
            protected void run() throws SQLException {
                insertContacts(worker.connection(), rows);
            }

            @Override
            protected void done() {}
        });
    }

    /** Moves the messages held from {@code peer} to RECEIVED; {@code released} gets them, oldest first. */
    public void releaseHeld(Octets peer, Consumer<List<StoredMessage>> released) {
        worker.submit(new StoreWorker.Write(problem -> log.warn("could not release held messages: {}", problem)) {
            List<StoredMessage> found;

            @Override
            protected void run() throws SQLException {
                PreparedStatement select = worker.statement(SELECT + " WHERE m.peer = ? AND m.state = 'HELD' "
                        + "ORDER BY m.seq");
                select.setBytes(1, peer.toByteArray());
                found = messages(select);
                moveHeld(peer, StoredMessage.State.RECEIVED);
            }

            @Override
            protected void done() {
                released.accept(found);
            }
        });
    }

    /** Marks the messages held from {@code peer} DECLINED: out of sight for good, their ids kept. */
    public void discardHeld(Octets peer) {
        worker.submit(new StoreWorker.Write(problem -> log.warn("could not discard held messages: {}", problem)) {
            @Override
            protected void run() throws SQLException {
                moveHeld(peer, StoredMessage.State.DECLINED);
            }

            @Override
            protected void done() {}
        });
    }

    /**
     * Deletes the oldest messages from peers that are not friends beyond the newest {@code keep}: strangers, however
     * many keys they make, cannot fill the disk. {@code trimmed} is told how many went.
     */
    public void trimStrangerMessages(int keep, Consumer<Integer> trimmed) {
        worker.submit(new StoreWorker.Write(problem -> log.warn("could not trim strangers' messages: {}", problem)) {
            int deleted;

            @Override
            protected void run() throws SQLException {
                PreparedStatement delete = worker.statement("DELETE FROM messages WHERE seq IN (SELECT m.seq FROM "
                        + "messages m LEFT JOIN contacts c ON c.key = m.peer WHERE m.outgoing = 0 "
                        + "AND coalesce(c.state, 'NONE') <> 'FRIEND' ORDER BY m.seq DESC LIMIT -1 OFFSET ?)");
                delete.setInt(1, keep);
                deleted = delete.executeUpdate();
            }

            @Override
            protected void done() {
                trimmed.accept(deleted);
            }
        });
    }

    // ---- reads ----

    /** The conversation with {@code peer}: its {@code limit} newest messages before {@code beforeSeq}, oldest first. */
    public CompletableFuture<List<StoredMessage>> history(Octets peer, long beforeSeq, int limit) {
        return worker.read(() -> {
            PreparedStatement select = worker.statement(SELECT + " WHERE m.peer = ? AND m.seq < ? AND m.state NOT IN "
                    + "('HELD', 'DECLINED') ORDER BY m.seq DESC LIMIT ?");
            select.setBytes(1, peer.toByteArray());
            select.setLong(2, beforeSeq);
            select.setInt(3, limit);
            return reversed(messages(select));
        });
    }

    /**
     * The {@code limit} newest messages, either way and with any peer, that hold every word of {@code text} (a word
     * matches the start of a word: "deliv" finds "delivered"), oldest first.
     */
    public CompletableFuture<List<StoredMessage>> search(String text, int limit) {
        String query = ftsQuery(text);
        if (query.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        CompletableFuture<List<StoredMessage>> found = new CompletableFuture<>();
        // A write, not a read: it first indexes what the idle steps have not reached yet, so nothing is missed.
        worker.submit(new StoreWorker.Write(problem -> found.completeExceptionally(
                new StoreException("could not search " + worker.location() + ": " + problem))) {
            List<StoredMessage> result;

            @Override
            protected void run() throws SQLException {
                while (indexText(Integer.MAX_VALUE)) {
                    // until the index is up to date
                }
                PreparedStatement select = worker.statement(SELECT_COLUMNS + " FROM messages_text f JOIN messages m "
                        + "ON m.seq = f.rowid LEFT JOIN contacts c ON c.key = m.peer WHERE messages_text MATCH ? "
                        + "AND m.state NOT IN ('HELD', 'DECLINED') ORDER BY f.rowid DESC LIMIT ?");
                select.setString(1, query);
                select.setInt(2, limit);
                result = reversed(messages(select));
            }

            @Override
            protected void done() {
                found.complete(result);
            }
        });
        return found;
    }

    /** Every word of {@code text} as a quoted prefix term, so that no character of it is FTS5 syntax. */
    static String ftsQuery(String text) {
        StringBuilder query = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (!word.isEmpty()) {
                query.append(query.length() == 0 ? "" : " ").append('"').append(word.replace("\"", "\"\""))
                        .append("\"*");
            }
        }
        return query.toString();
    }

    // ---- health ----

    /** Writes refused because the queue was full. */
    public long refused() {
        return worker.refused();
    }

    /** Writes that failed (the disk full, the file read-only). */
    public long failedWrites() {
        return worker.failedWrites();
    }

    /** Tasks carried out, and the transactions they took: their ratio is the batching. */
    public long completedTasks() {
        return worker.completedTasks();
    }

    public long transactions() {
        return worker.transactions();
    }

    /** Finishes what is queued, then closes the database. */
    @Override
    public void close() {
        worker.close();
    }

    // ---- internals ----

    private static final String COLUMNS =
            "(seq, peer, id, outgoing, broadcast, at, sent_at, text, state, reason, expires)";
    private static final String VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_COLUMNS = "SELECT m.seq, m.peer, c.name, m.id, m.outgoing, m.broadcast, m.at, "
            + "m.sent_at, m.text, m.state, m.reason, m.expires";
    private static final String SELECT = SELECT_COLUMNS + " FROM messages m LEFT JOIN contacts c ON c.key = m.peer";

    /** Adds up to {@code limit} of the messages not yet in the text index to it; whether more wait. */
    private boolean indexText(int limit) throws SQLException {
        long indexed;
        try (ResultSet result = worker.statement("SELECT indexed FROM text_index").executeQuery()) {
            result.next();
            indexed = result.getLong(1);
        }
        PreparedStatement bound = worker.statement("SELECT max(seq), count(*) FROM (SELECT seq FROM messages "
                + "WHERE seq > ? ORDER BY seq LIMIT ?)");
        bound.setLong(1, indexed);
        bound.setInt(2, limit);
        long upTo;
        try (ResultSet result = bound.executeQuery()) {
            result.next();
            if (result.getInt(2) == 0) {
                return false;
            }
            upTo = result.getLong(1);
        }
        PreparedStatement index = worker.statement("INSERT INTO messages_text (rowid, text) SELECT seq, text "
                + "FROM messages WHERE seq > ? AND seq <= ?");
        index.setLong(1, indexed);
        index.setLong(2, upTo);
        index.executeUpdate();
        PreparedStatement mark = worker.statement("UPDATE text_index SET indexed = ?");
        mark.setLong(1, upTo);
        mark.executeUpdate();
        return true;
    }

    private int insert(StoredMessage message, String sql) throws SQLException {
        PreparedStatement insert = worker.statement(sql);
        insert.setLong(1, message.seq());
        insert.setBytes(2, message.peer().toByteArray());
        insert.setBytes(3, message.id().toByteArray());
        insert.setInt(4, message.outgoing() ? 1 : 0);
        insert.setInt(5, message.broadcast() ? 1 : 0);
        insert.setLong(6, message.at());
        insert.setLong(7, message.sentAt());
        insert.setString(8, message.text());
        insert.setString(9, message.state().name());
        insert.setString(10, message.reason());
        insert.setLong(11, message.expires());
        return insert.executeUpdate();
    }

    private void moveHeld(Octets peer, StoredMessage.State to) throws SQLException {
        PreparedStatement update = worker.statement("UPDATE messages SET state = ? WHERE peer = ? AND state = 'HELD'");
        update.setString(1, to.name());
        update.setBytes(2, peer.toByteArray());
        update.executeUpdate();
    }

    private List<StoredMessage> messages(PreparedStatement select) throws SQLException {
        List<StoredMessage> found = new ArrayList<>();
        try (ResultSet result = select.executeQuery()) {
            while (result.next()) {
                found.add(new StoredMessage(result.getLong(1), Octets.of(result.getBytes(2)), result.getString(3),
                        Octets.of(result.getBytes(4)), result.getInt(5) != 0, result.getInt(6) != 0,
                        result.getLong(7), result.getLong(8), result.getString(9),
                        StoredMessage.State.valueOf(result.getString(10)), result.getString(11), result.getLong(12)));
            }
        }
        return found;
    }

    private static List<StoredMessage> reversed(List<StoredMessage> newestFirst) {
        List<StoredMessage> oldestFirst = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(oldestFirst);
        return oldestFirst;
    }

    private static ContactRow contact(ResultSet result) throws SQLException {
        String address = result.getString(4);
        byte[] agreement = result.getBytes(6);
        return new ContactRow(Octets.of(result.getBytes(1)), result.getString(2),
                FriendState.valueOf(result.getString(3)), address == null ? null : HostPort.parse(address),
                result.getInt(5) != 0, agreement == null ? null : Octets.of(agreement));
    }

    private static void insertContacts(Connection connection, List<ContactRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO contacts (key, name, state, "
                + "address, verified, agreement) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                + "name = excluded.name, state = excluded.state, address = excluded.address, "
                + "verified = excluded.verified, agreement = coalesce(excluded.agreement, agreement)")) {
            for (ContactRow row : rows) {
                upsert.setBytes(1, row.key().toByteArray());
                upsert.setString(2, row.name());
                upsert.setString(3, row.state().name());
                upsert.setString(4, row.address() == null ? null : HostPort.format(row.address()));
                upsert.setInt(5, row.verified() ? 1 : 0);
                upsert.setBytes(6, row.agreementKey() == null ? null : row.agreementKey().toByteArray());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }
}
