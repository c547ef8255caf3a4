package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.store.ContactRow;
import dev.p2pchat.peer.store.PeerStore;
import dev.p2pchat.store.StoreException;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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
 * blocks, open requests, verified peers and the peers stored messages were exchanged with are saved in the data
 * directory's database, at most once per {@link #flush} however many changes came between, so they survive restarts;
 * the rest is forgotten, least recently learned first, when the table is full.
 *
 * <p>The names friends go by are indexed, so that a peer that is not a friend but uses a friend's name is told apart
 * ({@link #isLookalike}) and a friend's name always resolves to the friend.
 */
public final class Contacts {
    static final int MAX_CONTACTS = 10_000;
    /**
     * Shortest fingerprint prefix a user may name a peer by: 8 hex digits, as in {@code 3f2a-9c01}; a stranger would
     * need some 2^32 keys to match a name of hex digits by chance.
     */
    static final int MIN_FINGERPRINT_DIGITS = 8;

    private static final Logger log = LoggerFactory.getLogger(Contacts.class);

    private final PeerStore store;
    private final Map<Octets, Contact> byKey = new LinkedHashMap<>();
    /** The peers whose friend requests wait for an answer, oldest first. */
    private final LinkedHashSet<Octets> requests = new LinkedHashSet<>();
    /** Name to the keys of the friends that go by it (usually one). */
    private final Map<String, Set<Octets>> friendsByName = new HashMap<>();
    private Predicate<Contact> inUse = contact -> false;
    /** Contacts changed since the last flush. */
    private final Set<Contact> changed = new LinkedHashSet<>();

    private Contacts(PeerStore store) {
        this.store = store;
    }

    /** The contacts saved in {@code store} (the first {@value #MAX_CONTACTS}), to be saved there. */
    public static Contacts load(PeerStore store) throws StoreException {
        Contacts contacts = new Contacts(store);
        for (ContactRow row : store.contacts()) {
            if (contacts.byKey.size() == MAX_CONTACTS) {
                log.warn("{} holds more than {} contacts; the others are known again when they write", store.location(),
                        MAX_CONTACTS);
                break;
            }
            Contact contact = new Contact(row.key(), row.name(), contacts);
            contact.friend = row.state();
            contact.address = row.address();
            contact.verified = row.verified();
            contact.agreementKey = row.agreementKey();
            contact.hasMessages = true; // a saved contact stays saved: a cheap upsert, and its messages keep a name
            contacts.add(contact);
        }
        return contacts;
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
        boolean wasSaved = contact.saved();
        unindex(contact);
        contact.friend = state;
        index(contact);
        if (wasSaved) {
            changed.add(contact); // the database must learn it is no friend any more
        }
        changed(contact);
    }

    /** Records that {@code contact} now goes by {@code name}. */
    void rename(Contact contact, String name) {
        unindex(contact);
        contact.name = name;
        index(contact);
        changed(contact);
    }

    /** Records where {@code contact} was last reached, for the next start to try first. */
    void located(Contact contact, java.net.InetSocketAddress address) {
        if (address != null && !address.equals(contact.address)) {
            contact.address = address;
            changed(contact);
        }
    }

    /** Records the X25519 key {@code contact} proved in a handshake, or the tracker gave, for sealing mail to it. */
    void agreed(Contact contact, Octets agreementKey) {
        if (agreementKey != null && !agreementKey.isAllZeros() && !agreementKey.equals(contact.agreementKey)) {
            contact.agreementKey = agreementKey;
            changed(contact);
        }
    }

    /** Marks {@code contact} as verified by its safety number. */
    void verify(Contact contact) {
        contact.verified = true;
        changed(contact);
    }

    Collection<Contact> all() {
        return byKey.values();
    }

    /** Marks {@code contact} as one messages are stored with, so that it is saved under its name. */
    void keep(Contact contact) {
        if (!contact.hasMessages) {
            contact.hasMessages = true;
            changed.add(contact);
        }
    }

    /** Whether changes wait for the next {@link #flush}. */
    boolean dirty() {
        return !changed.isEmpty();
    }

    /** Saves the contacts that changed since the last flush, in one write. */
    void flush() {
        if (changed.isEmpty()) {
            return;
        }
        List<ContactRow> rows = new ArrayList<>(changed.size());
        for (Contact contact : changed) {
            if (contact.saved()) {
                rows.add(new ContactRow(contact.key, contact.name, contact.friend, contact.address, contact.verified,
                        contact.agreementKey));
            }
        }
        List<Contact> saving = new ArrayList<>(changed);
        changed.clear();
        // A failed write leaves them changed, for the next flush to try again.
        store.saveContacts(rows, problem -> {
            log.warn("could not save {} contacts to {}: {}", rows.size(), store.location(), problem);
            changed.addAll(saving);
        });
    }

    private void changed(Contact contact) {
        if (contact.saved()) {
            changed.add(contact);
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
            if (!contact.durable() && !inUse.test(contact) && !changed.contains(contact)) {
                it.remove(); // its saved row, if any, stays: its messages keep their name
                return;
            }
        }
        throw new ChatException("the contact list is full (" + MAX_CONTACTS + " friends, blocks and open peers)");
    }
}
