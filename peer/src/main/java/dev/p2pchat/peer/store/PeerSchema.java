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
            END""")));

    static int version() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }
}
