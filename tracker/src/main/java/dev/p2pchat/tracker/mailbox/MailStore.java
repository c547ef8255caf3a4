package dev.p2pchat.tracker.mailbox;

import dev.p2pchat.protocol.KeyFile;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.store.Database;
import dev.p2pchat.store.StoreException;
import dev.p2pchat.store.StoreWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The tracker's mail on disk ({@value #FILE_NAME} in its data directory, or in memory without one): each piece
 * with its recipient's and sender's keys, when it came, and its bytes, which the tracker cannot read. Ids only
 * grow (never reused), so a recipient resumes a fetch after the last id it saw.
 */
final class MailStore implements AutoCloseable {
    static final String FILE_NAME = "mail.db";
    static final int MAX_QUEUED_TASKS = 100_000;
    private static final int MAX_BATCH = 4_096;

    private static final List<Database.Migration> MIGRATIONS = List.of(new Database.Migration(1, List.of(
            """
            CREATE TABLE mail (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                recipient BLOB NOT NULL,
                sender BLOB NOT NULL,
                at INTEGER NOT NULL,
                body BLOB NOT NULL
            )""",
            "CREATE INDEX mail_recipient ON mail (recipient, id)",
            "CREATE INDEX mail_at ON mail (at)")));

    /** A stored piece. */
    record Piece(long id, Octets recipient, Octets sender, long at, Octets body) {}

    /** What one sender has waiting for one recipient: how the limits are restored after a restart. */
    record Usage(Octets recipient, Octets sender, int pieces, long bytes) {}

    private final StoreWorker worker;

    private MailStore(StoreWorker worker) {
        this.worker = worker;
    }

    /** Opens (creating) the mail store in {@code directory}, or one in memory when it is null. */
    static MailStore open(Path directory, Executor callbacks) throws IOException {
        String location = ":memory:";
        if (directory != null) {
            Path file = directory.resolve(FILE_NAME);
            Files.createDirectories(directory);
            if (!Files.exists(file)) {
                KeyFile.createPrivateFile(file);
            }
            location = file.toString();
        }
        return new MailStore(new StoreWorker(location, Database.open(location, MIGRATIONS, db -> {}), callbacks,
                MAX_QUEUED_TASKS, MAX_BATCH, "p2pchat-mail"));
    }

    String location() {
        return worker.location();
    }

    /** What waits, per recipient and sender: read once, at start. */
    List<Usage> usage() throws StoreException {
        return worker.startRead(() -> {
            List<Usage> rows = new ArrayList<>();
            try (ResultSet result = worker.statement("SELECT recipient, sender, count(*), sum(length(body)) "
                    + "FROM mail GROUP BY recipient, sender").executeQuery()) {
                while (result.next()) {
                    rows.add(new Usage(Octets.of(result.getBytes(1)), Octets.of(result.getBytes(2)),
                            result.getInt(3), result.getLong(4)));
                }
            }
            return rows;
        });
    }

    /** Stores a piece; {@code stored} gets its id once it is on disk. */
    void insert(Octets recipient, Octets sender, long at, Octets body, Consumer<Long> stored,
            Consumer<String> failed) {
        worker.submit(new StoreWorker.Write(failed) {
            long id;

            @Override
            protected void run() throws SQLException {
                PreparedStatement insert = worker.statement("INSERT INTO mail (recipient, sender, at, body) "
                        + "VALUES (?, ?, ?, ?) RETURNING id");
                insert.setBytes(1, recipient.toByteArray());
                insert.setBytes(2, sender.toByteArray());
                insert.setLong(3, at);
                insert.setBytes(4, body.toByteArray());
                try (ResultSet result = insert.executeQuery()) {
                    result.next();
                    id = result.getLong(1);
                }
            }

            @Override
            protected void done() {
                stored.accept(id);
            }
        });
    }

    /** The oldest piece for {@code recipient} with an id above {@code after} (null if none), and whether more follow. */
    void first(Octets recipient, long after, FetchResult answer, Consumer<String> failed) {
        worker.submit(new StoreWorker.Write(failed) {
            Piece piece;
            boolean more;

            @Override
            protected void run() throws SQLException {
                PreparedStatement select = worker.statement("SELECT id, sender, at, body FROM mail "
                        + "WHERE recipient = ? AND id > ? ORDER BY id LIMIT 2");
                select.setBytes(1, recipient.toByteArray());
                select.setLong(2, after);
                try (ResultSet result = select.executeQuery()) {
                    if (result.next()) {
                        piece = new Piece(result.getLong(1), recipient, Octets.of(result.getBytes(2)),
                                result.getLong(3), Octets.of(result.getBytes(4)));
                        more = result.next();
                    }
                }
            }

            @Override
            protected void done() {
                answer.found(piece, more);
            }
        });
    }

    /** Answers {@link #first}. */
    @FunctionalInterface
    interface FetchResult {
        void found(Piece piece, boolean more);
    }

    /** Deletes those of {@code ids} that are {@code recipient}'s; {@code deleted} gets what went. */
    void delete(Octets recipient, List<Long> ids, Consumer<List<Usage>> deleted, Consumer<String> failed) {
        worker.submit(new Deletion(deleted, failed) {
            @Override
            protected void run() throws SQLException {
                PreparedStatement delete = worker.statement("DELETE FROM mail WHERE id = ? AND recipient = ? "
                        + "RETURNING " + GONE);
                for (long id : ids) {
                    delete.setLong(1, id);
                    delete.setBytes(2, recipient.toByteArray());
                    collect(delete);
                }
            }
        });
    }

    /** Deletes every piece that came before {@code before} (epoch milliseconds); {@code deleted} gets what went. */
    void expire(long before, Consumer<List<Usage>> deleted, Consumer<String> failed) {
        worker.submit(new Deletion(deleted, failed) {
            @Override
            protected void run() throws SQLException {
                PreparedStatement delete = worker.statement("DELETE FROM mail WHERE at < ? RETURNING " + GONE);
                delete.setLong(1, before);
                collect(delete);
            }
        });
    }

    /** What a delete returns of each piece it deleted, for {@link Deletion#collect}. */
    private static final String GONE = "recipient, sender, length(body)";

    /** A delete that tells {@code deleted} what went, piece by piece, once it committed. */
    private abstract static class Deletion extends StoreWorker.Write {
        private final List<Usage> gone = new ArrayList<>();
        private final Consumer<List<Usage>> deleted;

        Deletion(Consumer<List<Usage>> deleted, Consumer<String> failed) {
            super(failed);
            this.deleted = deleted;
        }

        /** Runs {@code delete}, whose RETURNING clause is {@link #GONE}, and keeps what it deleted. */
        void collect(PreparedStatement delete) throws SQLException {
            try (ResultSet result = delete.executeQuery()) {
                while (result.next()) {
                    gone.add(new Usage(Octets.of(result.getBytes(1)), Octets.of(result.getBytes(2)), 1,
                            result.getLong(3)));
                }
            }
        }

        @Override
        protected void done() {
            deleted.accept(gone);
        }
    }

    /** Writes refused because the queue was full, and writes that failed. */
    long refused() {
        return worker.refused();
    }

    long failedWrites() {
        return worker.failedWrites();
    }

    @Override
    public void close() {
        worker.close();
    }
}
