package dev.p2pchat.peer.store;

import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.protocol.KeyFile;
import dev.p2pchat.protocol.Octets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's database in its data directory ({@value #FILE_NAME}): contacts, every conversation's messages both
 * ways, the outbox (outgoing messages still {@code QUEUED}) and, through the unique sender id of each message, what
 * a receiver needs to show a message once.
 *
 * <p>Writes never make the caller wait: they queue (bounded: {@value #MAX_QUEUED_TASKS} tasks; beyond it a write
 * fails at once, saying so) for one thread that commits all that waits in one transaction, then runs each write's
 * callback on the caller's executor (the event loop), in order. So whatever a callback does next (show a message,
 * send a receipt, hand a message to a conversation) happens only once the write is on disk. Reads queue behind the
 * writes before them, so a read sees everything written earlier.
 */
public final class PeerStore implements AutoCloseable {
    public static final String FILE_NAME = "p2pchat.db";
    /** Writes and reads waiting for the store's thread; beyond this a write fails at once. */
    public static final int MAX_QUEUED_TASKS = 100_000;
    /** Tasks one transaction takes at most, so that callbacks flow while a long burst is being written. */
    static final int MAX_BATCH = 8_192;

    private static final Logger log = LoggerFactory.getLogger(PeerStore.class);

    private final String location;
    private final Connection connection;
    private final Executor callbacks;
    private final BlockingQueue<Task> queue;
    private final Thread thread;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final LongAdder refused = new LongAdder();
    private final LongAdder failedWrites = new LongAdder();
    private final LongAdder committed = new LongAdder();
    private final LongAdder transactions = new LongAdder();
    private volatile boolean closed;

    /** A unit of work for the store's thread; its outcome is reported on the callbacks' executor. */
    private abstract static class Task {
        abstract void run(PeerStore store) throws SQLException;

        /** Runs on the callbacks' executor once the task's transaction committed (a read: once it ran). */
        abstract void done();

        /** Runs on the callbacks' executor when the task could not be carried out. */
        abstract void failed(String problem);

        boolean isRead() {
            return false;
        }
    }

    private static final Task STOP = new Task() {
        @Override
        void run(PeerStore store) {}

        @Override
        void done() {}

        @Override
        void failed(String problem) {}
    };

    private PeerStore(String location, Connection connection, Executor callbacks, boolean background) {
        this.location = location;
        this.connection = connection;
        this.callbacks = callbacks;
        if (background) {
            this.queue = new ArrayBlockingQueue<>(MAX_QUEUED_TASKS);
            this.thread = new Thread(this::runTasks, "p2pchat-store");
            this.thread.setDaemon(true);
            this.thread.start();
        } else {
            this.queue = null;
            this.thread = null;
        }
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
        return location;
    }

    // ---- reading at start (before any write is queued) ----

    /** Every saved contact. */
    public List<ContactRow> contacts() throws StoreException {
        return startRead(() -> {
            List<ContactRow> rows = new ArrayList<>();
            try (ResultSet result = statement("SELECT key, name, state, address, verified FROM contacts")
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
        return startRead(() -> messages(statement(SELECT + " WHERE m.state = 'QUEUED' ORDER BY m.seq")));
    }

    /** The highest message number given so far (0 in a new database): the next message takes one more. */
    public long lastSeq() throws StoreException {
        return startRead(() -> {
            try (ResultSet result = statement("SELECT coalesce(max(seq), 0) FROM messages").executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        });
    }

    // ---- writes ----

    /** Stores a message this side wrote, as QUEUED; {@code stored} runs once it is on disk. */
    public void insertOutgoing(StoredMessage message, Runnable stored, Consumer<String> failed) {
        submit(new Write(failed) {
            @Override
            void run(PeerStore store) throws SQLException {
                store.insert(message, "INSERT INTO messages " + COLUMNS + " VALUES " + VALUES);
            }

            @Override
            void done() {
                stored.run();
            }
        });
    }

    /**
     * Stores a message that arrived, unless the database holds one from the same peer with the same id already;
     * {@code stored} is told, once the transaction committed, whether it was new.
     */
    public void insertIncoming(StoredMessage message, Consumer<Boolean> stored, Consumer<String> failed) {
        submit(new Write(failed) {
            boolean inserted;

            @Override
            void run(PeerStore store) throws SQLException {
                inserted = store.insert(message, "INSERT OR IGNORE INTO messages " + COLUMNS + " VALUES " + VALUES)
                        == 1;
            }

            @Override
            void done() {
                stored.accept(inserted);
            }
        });
    }

    /** Settles a message: DELIVERED, FAILED (with the reason), or an incoming one's new state. */
    public void setState(long seq, StoredMessage.State state, String reason) {
        submit(new Write(problem -> log.warn("could not record message {} as {}: {}", seq, state, problem)) {
            @Override
            void run(PeerStore store) throws SQLException {
                PreparedStatement update = store.statement("UPDATE messages SET state = ?, reason = ? WHERE seq = ?");
                update.setString(1, state.name());
                update.setString(2, reason);
                update.setLong(3, seq);
                update.executeUpdate();
            }

            @Override
            void done() {}
        });
    }

    /** Saves (inserts or replaces) contacts. */
    public void saveContacts(List<ContactRow> rows, Consumer<String> failed) {
        submit(new Write(failed) {
            @Override
            void run(PeerStore store) throws SQLException {
                insertContacts(store.connection, rows);
            }

            @Override
            void done() {}
        });
    }

    /** Moves the messages held from {@code peer} to RECEIVED; {@code released} gets them, oldest first. */
    public void releaseHeld(Octets peer, Consumer<List<StoredMessage>> released) {
        submit(new Write(problem -> log.warn("could not release held messages: {}", problem)) {
            List<StoredMessage> found;

            @Override
            void run(PeerStore store) throws SQLException {
                PreparedStatement select = store.statement(SELECT + " WHERE m.peer = ? AND m.state = 'HELD' "
                        + "ORDER BY m.seq");
                select.setBytes(1, peer.toByteArray());
                found = store.messages(select);
                store.moveHeld(peer, StoredMessage.State.RECEIVED);
            }

            @Override
            void done() {
                released.accept(found);
            }
        });
    }

    /** Marks the messages held from {@code peer} DECLINED: out of sight for good, their ids kept. */
    public void discardHeld(Octets peer) {
        submit(new Write(problem -> log.warn("could not discard held messages: {}", problem)) {
            @Override
            void run(PeerStore store) throws SQLException {
                store.moveHeld(peer, StoredMessage.State.DECLINED);
            }

            @Override
            void done() {}
        });
    }

    /**
     * Deletes the oldest messages from peers that are not friends beyond the newest {@code keep}: strangers, however
     * many keys they make, cannot fill the disk. {@code trimmed} is told how many went.
     */
    public void trimStrangerMessages(int keep, Consumer<Integer> trimmed) {
        submit(new Write(problem -> log.warn("could not trim strangers' messages: {}", problem)) {
            int deleted;

            @Override
            void run(PeerStore store) throws SQLException {
                PreparedStatement delete = store.statement("DELETE FROM messages WHERE seq IN (SELECT m.seq FROM "
                        + "messages m LEFT JOIN contacts c ON c.key = m.peer WHERE m.outgoing = 0 "
                        + "AND coalesce(c.state, 'NONE') <> 'FRIEND' ORDER BY m.seq DESC LIMIT -1 OFFSET ?)");
                delete.setInt(1, keep);
                deleted = delete.executeUpdate();
            }

            @Override
            void done() {
                trimmed.accept(deleted);
            }
        });
    }

    // ---- reads ----

    /** The conversation with {@code peer}: its {@code limit} newest messages before {@code beforeSeq}, oldest first. */
    public CompletableFuture<List<StoredMessage>> history(Octets peer, long beforeSeq, int limit) {
        return read(store -> {
            PreparedStatement select = store.statement(SELECT + " WHERE m.peer = ? AND m.seq < ? AND m.state NOT IN "
                    + "('HELD', 'DECLINED') ORDER BY m.seq DESC LIMIT ?");
            select.setBytes(1, peer.toByteArray());
            select.setLong(2, beforeSeq);
            select.setInt(3, limit);
            return reversed(store.messages(select));
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
        return read(store -> {
            PreparedStatement select = store.statement(SELECT_COLUMNS + " FROM messages_text f JOIN messages m "
                    + "ON m.seq = f.rowid LEFT JOIN contacts c ON c.key = m.peer WHERE messages_text MATCH ? "
                    + "AND m.state NOT IN ('HELD', 'DECLINED') ORDER BY f.rowid DESC LIMIT ?");
            select.setString(1, query);
            select.setInt(2, limit);
            return reversed(store.messages(select));
        });
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
        return refused.sum();
    }

    /** Writes that failed (the disk full, the file read-only). */
    public long failedWrites() {
        return failedWrites.sum();
    }

    /** Tasks carried out, and the transactions they took: their ratio is the batching. */
    public long completedTasks() {
        return committed.sum();
    }

    public long transactions() {
        return transactions.sum();
    }

    /** Finishes what is queued, then closes the database. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (thread != null) {
            try {
                queue.put(STOP);
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Database.close(connection);
    }

    // ---- internals ----

    private abstract static class Write extends Task {
        private final Consumer<String> failure;

        Write(Consumer<String> failure) {
            this.failure = failure;
        }

        @Override
        void failed(String problem) {
            failure.accept(problem);
        }
    }

    private <T> CompletableFuture<T> read(SqlFunction<T> query) {
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(new Task() {
            T value;

            @Override
            void run(PeerStore store) throws SQLException {
                value = query.apply(store);
            }

            @Override
            void done() {
                result.complete(value);
            }

            @Override
            void failed(String problem) {
                result.completeExceptionally(new StoreException("could not read " + location + ": " + problem));
            }

            @Override
            boolean isRead() {
                return true;
            }
        });
        return result;
    }

    @FunctionalInterface
    private interface SqlFunction<T> {
        T apply(PeerStore store) throws SQLException;
    }

    @FunctionalInterface
    private interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    private <T> T startRead(SqlSupplier<T> query) throws StoreException {
        synchronized (connection) {
            try {
                return query.get();
            } catch (SQLException e) {
                throw new StoreException("could not read " + location + ": " + Database.problem(e), e);
            }
        }
    }

    private void submit(Task task) {
        if (closed) {
            task.failed("the store is closed");
            return;
        }
        if (queue == null) {
            runBatch(List.of(task));
        } else if (!queue.offer(task)) {
            refused.increment();
            task.failed(MAX_QUEUED_TASKS + " writes are waiting for the disk already");
        }
    }

    private void runTasks() {
        List<Task> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            stopping = batch.remove(STOP);
            runBatch(batch);
            batch.clear();
        }
        // What arrived after the stop (a race with close) is refused, not left unanswered.
        List<Task> late = new ArrayList<>();
        queue.drainTo(late);
        late.forEach(task -> callbacks.execute(() -> task.failed("the store is closed")));
    }

    /** Runs the writes in one transaction, committing before each read so that the read sees them. */
    private void runBatch(List<Task> batch) {
        synchronized (connection) {
            List<Task> writes = new ArrayList<>();
            for (Task task : batch) {
                if (task.isRead()) {
                    commit(writes);
                    writes = new ArrayList<>();
                    try {
                        task.run(this);
                        finish(List.of(task));
                    } catch (SQLException e) {
                        String problem = Database.problem(e);
                        callbacks.execute(() -> task.failed(problem));
                    }
                } else {
                    writes.add(task);
                }
            }
            commit(writes);
        }
    }

    private void commit(List<Task> writes) {
        if (writes.isEmpty()) {
            return;
        }
        try {
            execute("BEGIN IMMEDIATE");
            for (Task write : writes) {
                write.run(this);
            }
            execute("COMMIT");
            transactions.increment();
            finish(writes);
        } catch (SQLException e) {
            Database.rollback(connection);
            String problem = Database.problem(e);
            failedWrites.add(writes.size());
            log.warn("could not write {} changes to {}: {}", writes.size(), location, problem);
            callbacks.execute(() -> writes.forEach(write -> write.failed(problem)));
        }
    }

    private void finish(List<Task> tasks) {
        committed.add(tasks.size());
        callbacks.execute(() -> tasks.forEach(Task::done));
    }

    private void execute(String sql) throws SQLException {
        statement(sql).execute();
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    private static final String COLUMNS =
            "(seq, peer, id, outgoing, broadcast, at, sent_at, text, state, reason, expires)";
    private static final String VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_COLUMNS = "SELECT m.seq, m.peer, c.name, m.id, m.outgoing, m.broadcast, m.at, "
            + "m.sent_at, m.text, m.state, m.reason, m.expires";
    private static final String SELECT = SELECT_COLUMNS + " FROM messages m LEFT JOIN contacts c ON c.key = m.peer";

    private int insert(StoredMessage message, String sql) throws SQLException {
        PreparedStatement insert = statement(sql);
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
        PreparedStatement update = statement("UPDATE messages SET state = ? WHERE peer = ? AND state = 'HELD'");
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
        return new ContactRow(Octets.of(result.getBytes(1)), result.getString(2),
                FriendState.valueOf(result.getString(3)), address == null ? null : HostPort.parse(address),
                result.getInt(5) != 0);
    }

    private static void insertContacts(Connection connection, List<ContactRow> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO contacts (key, name, state, "
                + "address, verified) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET name = excluded.name, "
                + "state = excluded.state, address = excluded.address, verified = excluded.verified")) {
            for (ContactRow row : rows) {
                upsert.setBytes(1, row.key().toByteArray());
                upsert.setString(2, row.name());
                upsert.setString(3, row.state().name());
                upsert.setString(4, row.address() == null ? null : HostPort.format(row.address()));
                upsert.setInt(5, row.verified() ? 1 : 0);
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }
}
