package dev.p2pchat.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * An embedded SQLite database in one file: opened in WAL mode (readers never wait for the writer, and a crash
 * leaves the last committed transaction), its schema brought up to date by numbered migrations kept in
 * {@code PRAGMA user_version}. A file whose schema is newer than this program knows is refused before anything in
 * it changes.
 */
public final class Database {
    /** One step of the schema: the statements that take it from version {@code n - 1} to {@code n}. */
    public record Migration(int version, List<String> statements) {}

    private Database() {}

    /**
     * Opens (creating if needed) the database at {@code file} and migrates it to the last of {@code migrations}.
     *
     * @param afterCreate run inside the transaction that creates the schema of a new file (a one-time import)
     */
    public static Connection open(String file, List<Migration> migrations, Importer afterCreate) throws StoreException {
        int known = migrations.get(migrations.size() - 1).version();
        Connection connection;
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        } catch (SQLException e) {
            throw new StoreException("could not open " + file + ": " + problem(e), e);
        }
        try {
            int version = userVersion(connection);
            if (version > known) {
                throw new StoreException(file + " has schema version " + version + ", newer than this version of "
                        + "p2pchat knows (" + known + "): it was written by a newer p2pchat; run that one, or "
                        + "start with another --data-dir. Nothing in it was changed.");
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode = WAL");
                // FULL: a transaction that committed survives a power cut too, since a receipt follows it.
                statement.execute("PRAGMA synchronous = FULL");
                statement.execute("PRAGMA foreign_keys = ON");
                statement.execute("PRAGMA busy_timeout = 5000");
            }
            if (version < known) {
                migrate(connection, migrations, version, afterCreate);
            }
            return connection;
        } catch (StoreException e) {
            close(connection);
            throw e;
        } catch (SQLException e) {
            close(connection);
            throw new StoreException("could not open " + file + ": " + problem(e), e);
        }
    }

    /** Runs inside the creating transaction of a new database. */
    @FunctionalInterface
    public interface Importer {
        void imported(Connection connection) throws SQLException, StoreException;
    }

    private static void migrate(Connection connection, List<Migration> migrations, int from, Importer afterCreate)
            throws SQLException, StoreException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            for (Migration migration : migrations) {
                if (migration.version() > from) {
                    for (String sql : migration.statements()) {
                        statement.execute(sql);
                    }
                }
            }
            if (from == 0) {
                afterCreate.imported(connection);
            }
            statement.execute("PRAGMA user_version = " + migrations.get(migrations.size() - 1).version());
            statement.execute("COMMIT");
        } catch (SQLException | StoreException | RuntimeException e) {
            rollback(connection);
            throw e;
        }
    }

    private static int userVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA user_version")) {
            return result.next() ? result.getInt(1) : 0;
        }
    }

    /** What went wrong, in words a user acts on: the disk is full, the file is read-only, it is damaged. */
    public static String problem(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            SQLiteErrorCode code = sqlite.getResultCode();
            String name = code == null ? "" : code.name();
            if (name.startsWith("SQLITE_FULL")) {
                return "the disk is full";
            }
            if (name.startsWith("SQLITE_READONLY") || name.startsWith("SQLITE_CANTOPEN")
                    || name.startsWith("SQLITE_PERM") || name.startsWith("SQLITE_AUTH")) {
                return "the database file or its directory cannot be written (read-only or no permission)";
            }
            if (name.startsWith("SQLITE_CORRUPT") || name.startsWith("SQLITE_NOTADB")) {
                return "the database file is damaged or not a database";
            }
            if (name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED")) {
                return "the database is locked by another program";
            }
            if (name.startsWith("SQLITE_IOERR")) {
                return "a disk error (" + name + ")";
            }
        }
        return e.getMessage();
    }

    /**
     * Ends a failed transaction. The connection stays in auto-commit mode and transactions are begun and ended by
     * statement, because SQLite ends a transaction by itself on some failures (a full disk), which a driver that
     * tracks the transaction itself does not learn.
     */
    public static void rollback(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("ROLLBACK");
        } catch (SQLException e) {
            // Already rolled back by SQLite itself.
        }
    }

    public static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // Closing after a failure: the failure is what gets reported.
        }
    }
}
