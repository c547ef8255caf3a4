package dev.p2pchat.peer.store;

import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contacts file earlier versions kept ({@value #FILE_NAME}: one line per friend, block, request or verified
 * peer: key, state, name, last address, verified), read once to move its contacts into the database. A damaged
 * line is skipped with a warning naming it; the file itself is kept beside the database as
 * {@value #BACKUP_NAME}.
 */
final class ContactsFile {
    static final String FILE_NAME = "contacts.tsv";
    static final String BACKUP_NAME = "contacts.tsv.bak";

    private static final Logger log = LoggerFactory.getLogger(ContactsFile.class);

    private ContactsFile() {}

    /** The contacts in {@code file}; none when it does not exist. */
    static List<ContactRow> read(Path file) throws IOException {
        List<ContactRow> rows = new ArrayList<>();
        if (!Files.exists(file)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                rows.add(parse(lines.get(i)));
            } catch (IllegalArgumentException e) {
                log.warn("{} line {} is damaged and was not moved into the database (it stays in {}): {} ({})",
                        file, i + 1, BACKUP_NAME, e.getMessage(), lines.get(i));
            }
        }
        return rows;
    }

    /** One saved line; the fifth field (verified) is absent in files written before it existed. */
    static ContactRow parse(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 4 && fields.length != 5) {
            throw new IllegalArgumentException("expected 5 tab-separated fields, found " + fields.length);
        }
        byte[] key;
        try {
            key = HexFormat.of().parseHex(fields[0]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key is not hex");
        }
        if (key.length != Wire.KEY_SIZE) {
            throw new IllegalArgumentException("a key is " + Wire.KEY_SIZE + " bytes of hex");
        }
        FriendState state;
        try {
            state = FriendState.valueOf(fields[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no friend state '" + fields[1] + "'");
        }
        String problem = Names.problem(fields[2]);
        if (problem != null) {
            throw new IllegalArgumentException("name '" + fields[2] + "': " + problem);
        }
        java.net.InetSocketAddress address;
        try {
            address = fields[3].equals("-") ? null : HostPort.parse(fields[3]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("address '" + fields[3] + "': " + e.getMessage());
        }
        if (fields.length == 5 && !fields[4].equals("-") && !fields[4].equals("verified")) {
            throw new IllegalArgumentException("the last field is 'verified' or '-', not '" + fields[4] + "'");
        }
        return new ContactRow(Octets.of(key), fields[2], state, address,
                fields.length == 5 && fields[4].equals("verified"), null);
    }
}
