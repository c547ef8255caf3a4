package dev.p2pchat.peer.store;

import dev.p2pchat.store.Database;
import java.util.List;

/** The peer database's schema, one migration per version; a new version appends one and never edits the past. */
final class PeerSchema {
    private PeerSchema() {}

    static final List<Database.Migration> MIGRATIONS = List.of(new Database.Migration(1, List.of(
            """
            CREATE TABLE contacts (
                key BLOB PRIMARY KEY,
                name TEXT NOT NULL,
                state TEXT NOT NULL,
                address TEXT,
                verified INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID""",
            // seq: this side's order of messages. id: the sender's; a receiver's dedup is the unique (peer, id).
            """
            CREATE TABLE messages (
                seq INTEGER PRIMARY KEY,
                peer BLOB NOT NULL,
                id BLOB NOT NULL,
                outgoing INTEGER NOT NULL,
                broadcast INTEGER NOT NULL,
                at INTEGER NOT NULL,
                sent_at INTEGER NOT NULL,
                text TEXT NOT NULL,
                state TEXT NOT NULL,
                reason TEXT,
                expires INTEGER NOT NULL DEFAULT 0
            )""",
            "CREATE UNIQUE INDEX messages_by_id ON messages (peer, id)",
            "CREATE INDEX messages_by_peer ON messages (peer, seq)",
            "CREATE INDEX messages_queued ON messages (seq) WHERE state = 'QUEUED'",
            "CREATE INDEX messages_held ON messages (peer, seq) WHERE state = 'HELD'",
            "CREATE VIRTUAL TABLE messages_text USING fts5 (text, content = 'messages', content_rowid = 'seq')",
            """
            CREATE TRIGGER messages_text_insert AFTER INSERT ON messages BEGIN
                INSERT INTO messages_text (rowid, text) VALUES (new.seq, new.text);
            END""",
            """
            CREATE TRIGGER messages_text_delete AFTER DELETE ON messages BEGIN
                INSERT INTO messages_text (messages_text, rowid, text) VALUES ('delete', old.seq, old.text);
            END""")),
            // A contact's X25519 key, learned from its handshakes and the tracker: what mail for it is sealed to.
            new Database.Migration(2, List.of("ALTER TABLE contacts ADD COLUMN agreement BLOB")),
            // The text index is built behind the writes, not by a trigger in each: it cost 20 us of the 30 a stored
            // message took. text_index.indexed is the last seq indexed; a search first indexes what is newer.
            new Database.Migration(3, List.of(
                    "DROP TRIGGER messages_text_insert",
                    "DROP TRIGGER messages_text_delete",
                    "CREATE TABLE text_index (indexed INTEGER NOT NULL)",
                    "INSERT INTO text_index VALUES ((SELECT coalesce(max(seq), 0) FROM messages))",
                    """
                    CREATE TRIGGER messages_text_delete AFTER DELETE ON messages
                    WHEN old.seq <= (SELECT indexed FROM text_index) BEGIN
                        INSERT INTO messages_text (messages_text, rowid, text) VALUES ('delete', old.seq, old.text);
                    END""")));

    static int version() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }
}
