package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Every peer this one knows, by identity key. Friends, blocks and open requests are written to a file in the data
 * directory on every change (one line per peer: key, state, name, last address), so they survive restarts; the
 * rest is forgotten, least recently learned first, when the table is full.
 */
public final class Contacts {
    static final int MAX_CONTACTS = 10_000;
    static final String FILE_NAME = "contacts.tsv";

    private final Path file;
    private final Map<Octets, Contact> byKey = new LinkedHashMap<>();
    private Predicate<Contact> inUse = contact -> false;

    private Contacts(Path file) {
        this.file = file;
    }

    /** The contacts saved in {@code directory}, or none; a damaged file is an error, never silently dropped. */
    public static Contacts load(Path directory) throws IOException {
        Contacts contacts = new Contacts(directory.resolve(FILE_NAME));
        if (!Files.exists(contacts.file)) {
            return contacts;
        }
        List<String> lines = Files.readAllLines(contacts.file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                Contact contact = parse(lines.get(i));
                contacts.byKey.put(contact.key, contact);
            } catch (IllegalArgumentException e) {
                throw new IOException(contacts.file + " line " + (i + 1) + ": " + e.getMessage()
                        + " (fix or remove the line; nothing was changed)", e);
            }
        }
        return contacts;
    }

    /** Contacts kept in memory only. */
    public static Contacts inMemory() {
        return new Contacts(null);
    }

    /** Tells which contacts must not be forgotten to make room (those with an open conversation). */
    void keepWhile(Predicate<Contact> inUse) {
        this.inUse = inUse;
    }

    Contact get(Octets key) {
        return byKey.get(key);
    }

    /** The contact for {@code key}, created under {@code name} if new (an existing one keeps its name). */
    Contact learn(Octets key, String name) {
        Contact contact = byKey.get(key);
        if (contact == null) {
            makeRoom();
            contact = new Contact(key, name);
            byKey.put(key, contact);
        }
        return contact;
    }

    List<Contact> named(String name) {
        List<Contact> found = new ArrayList<>();
        for (Contact contact : byKey.values()) {
            if (contact.name.equals(name)) {
                found.add(contact);
            }
        }
        return found;
    }

    Collection<Contact> all() {
        return byKey.values();
    }

    /** Writes the durable contacts to the file, replacing it in one step so a crash leaves the old or the new. */
    void save() {
        if (file == null) {
            return;
        }
        StringBuilder out = new StringBuilder();
        for (Contact contact : byKey.values()) {
            if (contact.durable()) {
                out.append(contact.key.toHex()).append('\t').append(contact.friend).append('\t')
                        .append(contact.name).append('\t')
                        .append(contact.address == null ? "-" : HostPort.format(contact.address))
                        .append('\n');
            }
        }
        try {
            Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
            Files.writeString(temporary, out, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save contacts to " + file + ": " + e.getMessage(), e);
        }
    }

    private void makeRoom() {
        if (byKey.size() < MAX_CONTACTS) {
            return;
        }
        for (var it = byKey.values().iterator(); it.hasNext(); ) {
            Contact contact = it.next();
            if (!contact.durable() && !inUse.test(contact)) {
                it.remove();
                return;
            }
        }
        throw new ChatException("the contact list is full (" + MAX_CONTACTS + " friends, blocks and open peers)");
    }

    private static Contact parse(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 4) {
            throw new IllegalArgumentException("expected 4 tab-separated fields, found " + fields.length);
        }
        byte[] key = HexFormat.of().parseHex(fields[0]);
        if (key.length != Wire.KEY_SIZE) {
            throw new IllegalArgumentException("a key is " + Wire.KEY_SIZE + " bytes of hex");
        }
        FriendState state = FriendState.valueOf(fields[1]);
        String problem = Names.problem(fields[2]);
        if (problem != null) {
            throw new IllegalArgumentException("name '" + fields[2] + "': " + problem);
        }
        Contact contact = new Contact(Octets.of(key), fields[2]);
        contact.friend = state;
        contact.address = fields[3].equals("-") ? null : HostPort.parse(fields[3]);
        return contact;
    }
}
