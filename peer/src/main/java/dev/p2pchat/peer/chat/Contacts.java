package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.protocol.KeyFile;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every peer this one knows, by identity key: a contact is its key, and its name is only what it goes by. Friends,
 * blocks, open requests and verified peers are kept in a file in the data directory (one line per peer: key,
 * state, name, last address, verified), written at most once per {@link #flush} however many changes came between,
 * so they survive restarts; the rest is forgotten, least recently learned first, when the table is full.
 *
 * <p>The names friends go by are indexed, so that a peer that is not a friend but uses a friend's name is told apart
 * ({@link #isLookalike}) and a friend's name always resolves to the friend.
 */
public final class Contacts {
    static final int MAX_CONTACTS = 10_000;
    static final String FILE_NAME = "contacts.tsv";
    /**
     * Shortest fingerprint prefix a user may name a peer by: 8 hex digits, as in {@code 3f2a-9c01}; a stranger would
     * need some 2^32 keys to match a name of hex digits by chance.
     */
    static final int MIN_FINGERPRINT_DIGITS = 8;

    private static final Logger log = LoggerFactory.getLogger(Contacts.class);

    private final Path file;
    private final Map<Octets, Contact> byKey = new LinkedHashMap<>();
    /** The peers whose friend requests wait for an answer, oldest first. */
    private final LinkedHashSet<Octets> requests = new LinkedHashSet<>();
    /** Name to the keys of the friends that go by it (usually one). */
    private final Map<String, Set<Octets>> friendsByName = new HashMap<>();
    private Predicate<Contact> inUse = contact -> false;
    /** Saved lines that did not parse: written back as they were, so a damaged friend or block is not lost. */
    private final List<String> damaged = new ArrayList<>();
    private boolean dirty;
    /** Bytes the history and held messages of every contact hold. */
    private long messageBytes;

    /**
     * What the history and held messages of all contacts may hold together; beyond it, those of peers that are not
     * friends go, the least recently learned first: strangers cannot fill the heap with messages kept for show.
     */
    static final long MAX_MESSAGE_BYTES = 32L * 1024 * 1024;

    private Contacts(Path file) {
        this.file = file;
    }

    /**
     * The contacts saved in {@code directory}, or none. A damaged line is skipped with a warning that names it, and
     * written back as it is, never a refusal to start.
     */
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
                contacts.add(contacts.parse(lines.get(i)));
            } catch (IllegalArgumentException e) {
                log.warn("{} line {} is damaged and was skipped (kept in the file as it is): {} ({})",
                        contacts.file, i + 1, e.getMessage(), lines.get(i));
                contacts.damaged.add(lines.get(i));
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
            contact = new Contact(key, name, this);
            byKey.put(key, contact);
        }
        return contact;
    }

    /** Every contact that goes by {@code name}. */
    List<Contact> named(String name) {
        List<Contact> found = new ArrayList<>();
        for (Contact contact : byKey.values()) {
            if (name.equals(contact.name)) {
                found.add(contact);
            }
        }
        return found;
    }

    /** The friends that go by {@code name}. */
    List<Contact> friendsNamed(String name) {
        List<Contact> found = new ArrayList<>();
        for (Octets key : friendsByName.getOrDefault(name, Set.of())) {
            found.add(byKey.get(key));
        }
        return found;
    }

    /**
     * The contacts whose fingerprint starts with {@code reference}, read as hex digits with or without the dashes
     * of a fingerprint; none when it is not such a prefix of at least {@value #MIN_FINGERPRINT_DIGITS} digits.
     */
    List<Contact> withFingerprint(String reference) {
        String digits = reference.replace("-", "").toLowerCase(Locale.ROOT);
        List<Contact> found = new ArrayList<>();
        if (digits.length() < MIN_FINGERPRINT_DIGITS || digits.length() > 2 * Wire.KEY_SIZE
                || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return found;
        }
        for (Contact contact : byKey.values()) {
            if (contact.key.toHex().startsWith(digits)) {
                found.add(contact);
            }
        }
        return found;
    }

    /** How many friend requests wait for an answer. */
    int pendingRequests() {
        return requests.size();
    }

    /** The contact whose friend request has waited longest, or null. */
    Contact oldestRequest() {
        return requests.isEmpty() ? null : byKey.get(requests.iterator().next());
    }

    /** Whether a friend with another key goes by {@code contact}'s name (whether or not it is a friend itself). */
    boolean isLookalike(Contact contact) {
        Set<Octets> friends = contact.name == null ? null : friendsByName.get(contact.name);
        return friends != null && (friends.size() > 1 || !friends.contains(contact.key));
    }

    /** What to show beside {@code contact}'s name when it does not tell the contact apart; null when it does. */
    String warning(Contact contact) {
        if (!isLookalike(contact)) {
            return null;
        }
        return contact.friend == FriendState.FRIEND ? "another friend goes by " + contact.name
                : "not your friend " + contact.name;
    }

    /** Moves {@code contact} to {@code state}, to be saved at the next flush when that is worth keeping. */
    void setFriend(Contact contact, FriendState state) {
        boolean wasDurable = contact.durable();
        unindex(contact);
        contact.friend = state;
        index(contact);
        changed(wasDurable || contact.durable());
    }

    /** Records that {@code contact} now goes by {@code name}. */
    void rename(Contact contact, String name) {
        unindex(contact);
        contact.name = name;
        index(contact);
        changed(contact.durable());
    }

    /** Marks {@code contact} as verified by its safety number. */
    void verify(Contact contact) {
        contact.verified = true;
        changed(true);
    }

    Collection<Contact> all() {
        return byKey.values();
    }

    void held(long bytes) {
        messageBytes += bytes;
    }

    long messageBytes() {
        return messageBytes;
    }

    /**
     * Forgets the messages of strangers, least recently learned first, while all contacts' messages hold more than
     * {@link #MAX_MESSAGE_BYTES}; {@code keep}'s are kept (what just arrived). Returns how many contacts lost theirs.
     */
    int trimStrangerMessages(Contact keep) {
        int trimmed = 0;
        for (var it = byKey.values().iterator(); it.hasNext() && messageBytes > MAX_MESSAGE_BYTES; ) {
            Contact contact = it.next();
            if (contact != keep && contact.friend != FriendState.FRIEND
                    && (!contact.history.isEmpty() || !contact.held.isEmpty())) {
                contact.forgetMessages();
                trimmed++;
            }
        }
        return trimmed;
    }

    /** Whether changes wait for the next {@link #flush}. */
    boolean dirty() {
        return dirty;
    }

    /**
     * Writes the durable contacts to the file if anything changed since the last flush, replacing it in one step so
     * a crash leaves the old or the new; the file is readable by its owner only.
     */
    void flush() {
        if (!dirty || file == null) {
            dirty = false;
            return;
        }
        StringBuilder out = new StringBuilder();
        damaged.forEach(line -> out.append(line).append('\n'));
        for (Contact contact : byKey.values()) {
            if (contact.durable()) {
                out.append(contact.key.toHex()).append('\t').append(contact.friend).append('\t')
                        .append(contact.name).append('\t')
                        .append(contact.address == null ? "-" : HostPort.format(contact.address)).append('\t')
                        .append(contact.verified ? "verified" : "-")
                        .append('\n');
            }
        }
        try {
            KeyFile.replacePrivately(file, out);
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException("could not save contacts to " + file + ": " + e.getMessage(), e);
        }
    }

    private void changed(boolean durable) {
        if (durable) {
            dirty = true;
        }
    }

    private void add(Contact contact) {
        byKey.put(contact.key, contact);
        index(contact);
    }

    private void index(Contact contact) {
        if (contact.friend == FriendState.REQUEST_RECEIVED) {
            requests.add(contact.key);
        }
        if (contact.friend == FriendState.FRIEND && contact.name != null) {
            friendsByName.computeIfAbsent(contact.name, name -> new HashSet<>(2)).add(contact.key);
        }
    }

    private void unindex(Contact contact) {
        requests.remove(contact.key);
        if (contact.friend == FriendState.FRIEND && contact.name != null) {
            Set<Octets> keys = friendsByName.get(contact.name);
            if (keys != null) {
                keys.remove(contact.key);
                if (keys.isEmpty()) {
                    friendsByName.remove(contact.name);
                }
            }
        }
    }

    private void makeRoom() {
        if (byKey.size() < MAX_CONTACTS) {
            return;
        }
        for (var it = byKey.values().iterator(); it.hasNext(); ) {
            Contact contact = it.next();
            if (!contact.durable() && !inUse.test(contact)) {
                contact.forgetMessages();
                it.remove();
                return;
            }
        }
        throw new ChatException("the contact list is full (" + MAX_CONTACTS + " friends, blocks and open peers)");
    }

    /** One saved line; the fifth field (verified) is absent in files written before it existed. */
    private Contact parse(String line) {
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
        Contact contact = new Contact(Octets.of(key), fields[2], this);
        contact.friend = state;
        try {
            contact.address = fields[3].equals("-") ? null : HostPort.parse(fields[3]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("address '" + fields[3] + "': " + e.getMessage());
        }
        if (fields.length == 5 && !fields[4].equals("-") && !fields[4].equals("verified")) {
            throw new IllegalArgumentException("the last field is 'verified' or '-', not '" + fields[4] + "'");
        }
        contact.verified = fields.length == 5 && fields[4].equals("verified");
        return contact;
    }
}
