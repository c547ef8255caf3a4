package dev.p2pchat.peer.directory;

import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieChallenge;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage.Deposit;
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.Fetch;
import dev.p2pchat.protocol.tracker.TrackerMessage.Introduction;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.KeepaliveAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Mail;
import dev.p2pchat.protocol.tracker.TrackerMessage.MailAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Rename;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.protocol.tracker.TrackerMessage.SessionUnknown;
import dev.p2pchat.protocol.tracker.TrackerMessage.Transaction;
import dev.p2pchat.protocol.tracker.TrackerMessage.Unregister;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.PeerInfo;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.tracker.SessionCipher;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The peer's side of the tracker conversation, as pure logic: it is told the time and what the tracker said,
 * and says what to send. Gets a cookie, registers, keeps the lease alive at the interval the tracker asks for,
 * and registers again by itself when the tracker forgets it (restart, expiry, a new address). Lookups, listings,
 * renames and the final unregister are requests with retransmission that complete a future.
 *
 * <p>It trusts one tracker key: the one the operator gave, or the one the first registration proved (trust on
 * first use; the owner pins it). Each REGISTER opens a session under a fresh key agreed with the tracker's, and
 * everything after it travels sealed in that session both ways. What the session acts on is only what opened in
 * it, once: a datagram from the tracker's address that does not (forged, replayed, or bare where a sealed one
 * belongs) changes nothing and is counted in {@link #refused()}. The one exception is a SESSION_UNKNOWN naming
 * the current session, which the tracker cannot seal (it lost the session): it only makes the peer register again.
 *
 * <p>Not thread-safe: one thread (the peer's event loop) calls every method.
 */
public final class TrackerSession {
    /** The longest wait between two retransmissions, however often the first one has doubled. */
    static final long MAX_RETRY_MILLIS = 30_000;
    /** The longest wait between tries of a keepalive or a cookie request: see {@link #probing}. */
    static final long PROBE_MILLIS = 1_000;
    /** Tries for a keepalive or a query before the tracker counts as silent or the query fails. */
    static final int MAX_ATTEMPTS = 4;
    /** The refusals of a REGISTER that trying again cannot change: the name, or what this peer announced. */
    static final Set<ErrorCode> FINAL_REFUSALS = EnumSet.of(ErrorCode.NAME_TAKEN, ErrorCode.NAME_INVALID,
            ErrorCode.ADDRESS_INVALID);
    /** Most queries (lookups, listings, renames) waiting for an answer at once. */
    static final int MAX_PENDING_QUERIES = 64;

    /** Where the conversation stands. */
    public enum State { STOPPED, FETCHING_COOKIE, REGISTERING, REGISTERED, REFUSED }

    /** What the session sends; the owner puts it on the socket towards the tracker. */
    @FunctionalInterface
    public interface Sender {
        void send(TrackerMessage message);
    }

    /** What the session tells its owner. */
    public interface Listener {
        /** Registered (again), as {@code observed} from the tracker's side. */
        void registered(InetSocketAddress observed);

        /** The tracker refused the registration for good (the name is taken or invalid); it stays refused. */
        void refused(ErrorCode code);

        /** The tracker refused the registration for now ({@code code}); it is asked again in {@code retryMillis}. */
        void deferred(ErrorCode code, long retryMillis);

        /** Another peer looked this one up; both should send to each other now. */
        void introduced(PeerInfo peer);

        /** A peer frame the tracker relayed from the peer holding {@code sender}. */
        void relayed(Octets sender, Octets frame);

        /** The tracker proved it holds {@code key}, which was not pinned yet: the owner pins it. */
        void trackerKeyLearned(Octets key);

        /**
         * The tracker's address answered with {@code presented}, not the pinned {@code expected}: an impostor, or a
         * tracker whose key was replaced. Nothing is registered with it. Told once per attempt to register.
         */
        void trackerKeyMismatch(Octets expected, Octets presented);

        /** The tracker stopped answering; the owner may resolve its address again. */
        void trackerSilent();
    }

    /** A query that failed: the tracker refused it, or never answered. */
    public static final class QueryFailedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient ErrorCode code;

        QueryFailedException(ErrorCode code, String message) {
            super(message);
            this.code = code;
        }

        /** The tracker's refusal, or null when it did not answer. */
        public ErrorCode code() {
            return code;
        }
    }

    private static final class Pending {
        final Transaction request;
        final Consumer<Transaction> onReply;
        final Runnable onGiveUp;
        final boolean retryForever;
        int attempts = 1;
        long retryAtMillis;

        Pending(Transaction request, Consumer<Transaction> onReply, Runnable onGiveUp, boolean retryForever,
                long retryAtMillis) {
            this.request = request;
            this.onReply = onReply;
            this.onGiveUp = onGiveUp;
            this.retryForever = retryForever;
            this.retryAtMillis = retryAtMillis;
        }
    }

    private final Clock clock;
    private final long firstRetryMillis;
    private final Identity identity;
    private final Octets agreementKey;
    private final int capabilities;
    private final List<InetSocketAddress> privateAddresses;
    private final Sender sender;
    private final Listener listener;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final SecureRandom random;
    private State state = State.STOPPED;
    private String name;
    private Octets cookie;
    /** The key this session trusts: given, pinned, or null until the first registration proves one. */
    private Octets trackerKey;
    /** The key the last challenge announced; used for a REGISTER only once it matches {@link #trackerKey}. */
    private Octets announcedKey;
    /** Whether this attempt to register (or check the mapping) already told of a challenge with another key. */
    private boolean reportedMismatch;
    /** What the last REGISTER's keys agreed on: its answer opens in the session the tracker chose for it. */
    private SessionCipher.Secret pendingSecret;
    /** The registration's session: everything after the REGISTERED opens in it, and is sealed in it. */
    private SessionCipher cipher;
    /** What a SESSION_UNKNOWN for the current session must carry to be believed. */
    private Octets resetProof;
    private long lastTimestamp;
    private long token;
    /** Written only by the owner's thread; volatile so that statistics may read it from any. */
    private volatile long refused;
    private InetSocketAddress observed;
    private long keepaliveDueMillis = Long.MAX_VALUE;
    private long registerAgainAtMillis = Long.MAX_VALUE;
    /** Whether a {@link #checkMapping} is under way, and what runs once it confirmed the registration. */
    private boolean checking;
    private final List<Runnable> afterCheck = new ArrayList<>();

    /**
     * @param firstRetry when the first retransmission goes out; each further one waits twice as long
     * @param trackerKey the tracker key to trust, or null to trust the first one a registration proves
     */
    public TrackerSession(
            Clock clock,
            Duration firstRetry,
            SecureRandom random,
            Octets trackerKey,
            Identity identity,
            String name,
            Octets agreementKey,
            int capabilities,
            List<InetSocketAddress> privateAddresses,
            Sender sender,
            Listener listener) {
        this.clock = clock;
        this.firstRetryMillis = firstRetry.toMillis();
        this.identity = identity;
        this.name = name;
        this.agreementKey = agreementKey;
        this.capabilities = capabilities;
        this.privateAddresses = List.copyOf(privateAddresses);
        this.sender = sender;
        this.listener = listener;
        this.random = random;
        this.trackerKey = trackerKey;
    }

    public State state() {
        return state;
    }

    /** The name this session registers (or registered) under. */
    public String name() {
        return name;
    }

    /** The tracker key this session trusts, or null before the first registration proved one. */
    public Octets trackerKey() {
        return trackerKey;
    }

    /** Datagrams from the tracker's address that were not acted on: forged, replayed, or not sealed. */
    public long refused() {
        return refused;
    }

    /** The address the tracker last saw this peer at, or null before the first registration. */
    public InetSocketAddress observed() {
        return observed;
    }

    /** Starts registering; from then on {@link #tick()} keeps the registration alive. */
    public void start() {
        fetchCookie();
    }

    /** Drives retransmissions and keepalives; call it often (every 100 ms or so). */
    public void tick() {
        long now = clock.millis();
        for (Pending request : List.copyOf(pending.values())) {
            if (request.retryAtMillis <= now && pending.get(request.request.txid()) == request) {
                retryOrGiveUp(request, now);
            }
        }
        if (state == State.REGISTERING && now >= registerAgainAtMillis) {
            registerAgainAtMillis = Long.MAX_VALUE;
            register();
        }
        if (state == State.REGISTERED && now >= keepaliveDueMillis) {
            keepaliveDueMillis = Long.MAX_VALUE;
            sendKeepalive();
        }
    }

    /** Hands the session a message that came from the tracker's address. */
    public void onMessage(TrackerMessage message) {
        if (message instanceof Sealed sealed) {
            onSealed(sealed);
        } else if (message instanceof CookieChallenge challenge) {
            onChallenge(challenge);
        } else if (message instanceof SessionUnknown unknown && state == State.REGISTERED
                && unknown.session() == token && resetProof != null
                && MessageDigest.isEqual(unknown.proof().toByteArray(), resetProof.toByteArray())) {
            // The tracker lost this session (a restart, an ended lease) and proved it is the tracker: nothing to do
            // but open a new one.
            fetchCookie();
        } else {
            refused = refused + 1;
        }
    }

    private void onSealed(Sealed sealed) {
        TrackerMessage message;
        // Stopped: only the answer to the UNREGISTER that stopped it is still awaited, in the session it had.
        SessionCipher opener = state == State.REGISTERED || state == State.STOPPED ? cipher
                : state == State.REGISTERING ? pendingSecret.cipher(sealed.session()) : null;
        try {
            if (opener == null) {
                throw new CryptoException(CryptoException.Reason.BAD_TAG, "no session");
            }
            message = opener.open(sealed);
        } catch (CryptoException | ProtocolException e) {
            refused = refused + 1;
            return;
        }
        if (state == State.REGISTERING) {
            // Only the answer to the REGISTER opens a session: a REGISTERED of the very session it names, or a
            // refusal in a session of its own.
            if (message instanceof Registered registered && registered.token() == sealed.session()) {
                cipher = opener;
            } else if (!(message instanceof ErrorReply)) {
                refused = refused + 1;
                return;
            }
        }
        if (message instanceof Introduction introduction) {
            if (state == State.REGISTERED) {
                listener.introduced(introduction.peer());
            }
        } else if (message instanceof Relayed relayed) {
            if (state == State.REGISTERED) {
                listener.relayed(relayed.sender(), relayed.payload());
            }
        } else {
            answer((Transaction) message);
        }
    }

    /**
     * A challenge counts only when it answers a cookie request still waiting, and comes from the trusted key (any key,
     * before one is pinned); another key is reported once per attempt to register.
     */
    private void onChallenge(CookieChallenge challenge) {
        if (!pending.containsKey(challenge.txid())) {
            return; // a late duplicate, or no answer to anything this side asked
        }
        if (trackerKey != null && !trackerKey.equals(challenge.trackerKey())) {
            refused = refused + 1;
            if (!reportedMismatch) {
                reportedMismatch = true;
                listener.trackerKeyMismatch(trackerKey, challenge.trackerKey());
            }
            return;
        }
        answer(challenge);
    }

    /** An answer to a request still waiting; a late duplicate (the answer to a retransmission) changes nothing. */
    private void answer(Transaction reply) {
        Pending request = pending.remove(reply.txid());
        if (request != null) {
            request.onReply.accept(reply);
        }
    }

    /**
     * {@code frame} wrapped for the tracker to relay to the peer holding {@code target}, sealed in the session; only
     * while registered, since the session proves the sender.
     */
    public Sealed relayed(Octets target, byte[] frame) {
        if (state != State.REGISTERED) {
            throw new IllegalStateException("not registered with the tracker (" + state + ")");
        }
        return cipher.seal(new Relay(token, target, Octets.of(frame)));
    }

    /**
     * Checks this peer's NAT mapping now, not at the next keepalive, then runs {@code then} once registered at the
     * mapping the tracker sees. A mapping that moved makes the cookie worthless (it is bound to the address), so a
     * fresh cookie comes first; the keepalive that follows is answered from the registered address, or refused
     * from a new one, which registers again at once. While not registered, {@code then} waits for the registration.
     */
    public void checkMapping(Runnable then) {
        if (afterCheck.size() < MAX_PENDING_QUERIES) {
            afterCheck.add(then);
        }
        if (state == State.REGISTERED && !checking) {
            checking = true;
            reportedMismatch = false;
            keepaliveDueMillis = Long.MAX_VALUE;
            send(new CookieRequest(txid()), reply -> {
                if (reply instanceof CookieChallenge challenge && state == State.REGISTERED) {
                    cookie = challenge.cookie();
                    announcedKey = challenge.trackerKey();
                    sendKeepalive();
                }
            }, () -> {
                checking = false;
                if (state == State.REGISTERED) { // not when a registration under way replaced the check
                    listener.trackerSilent();
                    fetchCookie();
                }
            }, false);
        }
    }

    /** Looks {@code target} up; the tracker also introduces this peer to the target. */
    public CompletableFuture<PeerInfo> lookup(String target) {
        CompletableFuture<PeerInfo> result = new CompletableFuture<>();
        if (!acceptsQueries(result)) {
            return result;
        }
        query(new Lookup(txid(), cookie, token, name, target), result, reply -> {
            if (reply instanceof LookupResult found) {
                result.complete(found.peer());
            } else {
                fail(result, reply, "lookup of " + target);
            }
        });
        return result;
    }

    /** Leaves {@code mail} for the peer whose identity key is {@code recipient}; completes once the tracker stored it. */
    public CompletableFuture<Void> deposit(Octets recipient, Octets mail) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (!acceptsQueries(result)) {
            return result;
        }
        query(new Deposit(txid(), cookie, token, recipient, mail), result, reply -> {
            if (reply instanceof Ok) {
                result.complete(null);
            } else {
                fail(result, reply, "deposit");
            }
        });
        return result;
    }

    /** The oldest piece of this peer's own mail with an id above {@code after} (id 0: there is none). */
    public CompletableFuture<Mail> fetchMail(long after) {
        CompletableFuture<Mail> result = new CompletableFuture<>();
        if (!acceptsQueries(result)) {
            return result;
        }
        query(new Fetch(txid(), cookie, token, after), result, reply -> {
            if (reply instanceof Mail mail) {
                result.complete(mail);
            } else {
                fail(result, reply, "fetching mail");
            }
        });
        return result;
    }

    /** Tells the tracker these pieces of mail are stored here, so it deletes them. */
    public CompletableFuture<Void> acknowledgeMail(List<Long> ids) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (!acceptsQueries(result)) {
            return result;
        }
        query(new MailAck(txid(), cookie, token, ids), result, reply -> {
            if (reply instanceof Ok) {
                result.complete(null);
            } else {
                fail(result, reply, "acknowledging mail");
            }
        });
        return result;
    }

    /** One page of registered peers, from {@code cursor} (0 for the first page). */
    public CompletableFuture<ListPage> list(int cursor) {
        CompletableFuture<ListPage> result = new CompletableFuture<>();
        if (!acceptsQueries(result)) {
            return result;
        }
        query(new ListRequest(txid(), cookie, cursor), result, reply -> {
            if (reply instanceof ListPage page) {
                result.complete(page);
            } else {
                fail(result, reply, "listing");
            }
        });
        return result;
    }

    /** Moves the registration to {@code newName}; from then on the session registers under that name. */
    public CompletableFuture<Void> rename(String newName) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (!acceptsQueries(result)) {
            return result;
        }
        Rename unsigned = new Rename(txid(), cookie, token, name, newName, Octets.zeros(Wire.SIGNATURE_SIZE));
        query(unsigned.withSignature(identity.signatureFor(unsigned)), result, reply -> {
            if (reply instanceof Ok) {
                name = newName;
                result.complete(null);
            } else {
                fail(result, reply, "rename to " + newName);
            }
        });
        return result;
    }

    /** Gives the name up and stops; completes when the tracker confirms, or fails when it does not answer. */
    public CompletableFuture<Void> unregister() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (!acceptsQueries(result)) {
            return result;
        }
        Unregister unsigned = new Unregister(txid(), cookie, token, name, Octets.zeros(Wire.SIGNATURE_SIZE));
        Unregister signed = unsigned.withSignature(identity.signatureFor(unsigned));
        stop();
        query(signed, result, reply -> {
            if (reply instanceof Ok) {
                result.complete(null);
            } else {
                fail(result, reply, "unregister");
            }
        });
        return result;
    }

    /** Stops registering and keeping alive, and forgets queued requests (their futures fail). */
    public void stop() {
        state = State.STOPPED;
        checking = false;
        afterCheck.clear();
        keepaliveDueMillis = Long.MAX_VALUE;
        for (Pending request : List.copyOf(pending.values())) {
            pending.remove(request.request.txid());
            request.onGiveUp.run();
        }
    }

    private void fetchCookie() {
        state = State.FETCHING_COOKIE;
        keepaliveDueMillis = Long.MAX_VALUE;
        reportedMismatch = false;
        cancelRegistering();
        send(new CookieRequest(txid()), this::onCookieReply, () -> { }, true);
    }

    /**
     * Forgets the cookie requests and REGISTERs still waiting: a new attempt replaces them, and an old one's give-up
     * must not undo the new one's work.
     */
    private void cancelRegistering() {
        pending.values().removeIf(request -> request.request.type() == TrackerMessageType.COOKIE_REQUEST
                || request.request.type() == TrackerMessageType.REGISTER);
        checking = false;
    }

    private void onCookieReply(Transaction reply) {
        if (reply instanceof CookieChallenge challenge && state == State.FETCHING_COOKIE) {
            cookie = challenge.cookie();
            announcedKey = challenge.trackerKey();
            register();
        }
    }

    /**
     * Registers in a new session: a fresh session key, agreed with the tracker key the challenge announced (the
     * trusted one, or the first one seen), and a timestamp newer than any earlier REGISTER of this session's.
     */
    private void register() {
        state = State.REGISTERING;
        endSessionRequests();
        cancelRegistering();
        X25519.KeyPair sessionKey = X25519.generate(random);
        try {
            pendingSecret = SessionCipher.Secret.forPeer(sessionKey, announcedKey);
        } catch (CryptoException e) {
            // A low-order "tracker key" agrees on a secret everyone knows: no session with it.
            refused = refused + 1;
            sessionKey.destroy();
            fetchCookie();
            return;
        }
        sessionKey.destroy();
        lastTimestamp = Math.max(clock.millis(), lastTimestamp + 1);
        Register unsigned = new Register(txid(), cookie, name, identity.publicKey(), agreementKey, capabilities,
                privateAddresses, Octets.of(sessionKey.publicKey()), lastTimestamp,
                Octets.zeros(Wire.SIGNATURE_SIZE));
        // No answer to a REGISTER usually means the cookie went stale (a restarted tracker): start over.
        send(unsigned.withSignature(identity.signatureFor(unsigned)), this::onRegisterReply, () -> {
            if (state == State.REGISTERING) {
                fetchCookie();
            }
        }, false);
    }

    private void onRegisterReply(Transaction reply) {
        if (state != State.REGISTERING) {
            return;
        }
        if (reply instanceof Registered registered) {
            if (trackerKey == null) {
                trackerKey = announcedKey; // the tracker proved it holds the key: the REGISTERED opened under it
                listener.trackerKeyLearned(trackerKey);
            }
            token = registered.token();
            resetProof = registered.resetProof();
            cookie = registered.cookie();
            observed = registered.observed();
            keepaliveDueMillis = clock.millis() + registered.keepaliveMillis();
            state = State.REGISTERED;
            listener.registered(observed);
            confirmed();
        } else if (reply instanceof ErrorReply error) {
            if (!FINAL_REFUSALS.contains(error.code())) {
                // Room appears as leases end (REGISTRY_FULL); anything else is no answer an honest tracker gives a
                // REGISTER: ask again later rather than give up, and say so.
                registerAgainAtMillis = clock.millis() + MAX_RETRY_MILLIS;
                listener.deferred(error.code(), MAX_RETRY_MILLIS);
                return;
            }
            state = State.REFUSED;
            listener.refused(error.code());
        }
    }

    /**
     * Ends the requests of the session being replaced: sent again, they would carry its token in the new session,
     * which the tracker refuses. Each ends as a refusal for NOT_REGISTERED would, the answer the tracker gives a
     * request of a session it no longer holds: a keepalive is superseded by the registration, a query fails.
     */
    private void endSessionRequests() {
        for (Pending request : List.copyOf(pending.values())) {
            if (SessionCipher.PEER_SENDS.contains(request.request.type())) {
                pending.remove(request.request.txid());
                request.onReply.accept(new ErrorReply(request.request.txid(), ErrorCode.NOT_REGISTERED));
            }
        }
    }

    private void sendKeepalive() {
        send(new Keepalive(txid(), cookie, token, name), this::onKeepaliveReply, () -> {
            if (state != State.STOPPED) { // stopped meanwhile: unregistering must not register again
                listener.trackerSilent();
                fetchCookie();
            }
        }, false);
    }

    private void onKeepaliveReply(Transaction reply) {
        if (state != State.REGISTERED) {
            return;
        }
        if (reply instanceof KeepaliveAck ack) {
            cookie = ack.cookie();
            keepaliveDueMillis = clock.millis() + ack.keepaliveMillis();
            if (!ack.observed().equals(observed)) {
                // The NAT mapping moved; the tracker only trusts the token from the registered address.
                register();
            } else {
                confirmed();
            }
        } else if (reply instanceof ErrorReply) {
            // NOT_REGISTERED (lease ended, tracker restarted) or BAD_TOKEN: the cookie still works.
            register();
        }
    }

    /** Registered at the mapping the tracker sees: what waited for a {@link #checkMapping} runs now. */
    private void confirmed() {
        checking = false;
        List<Runnable> waiting = List.copyOf(afterCheck);
        afterCheck.clear();
        waiting.forEach(Runnable::run);
    }

    private boolean acceptsQueries(CompletableFuture<?> result) {
        if (state != State.REGISTERED) {
            result.completeExceptionally(new IllegalStateException("not registered with the tracker (" + state + ")"));
            return false;
        }
        long queries = pending.values().stream().filter(p -> !p.retryForever).count();
        if (queries >= MAX_PENDING_QUERIES) {
            result.completeExceptionally(new IllegalStateException(
                    MAX_PENDING_QUERIES + " tracker requests are already waiting for answers"));
            return false;
        }
        return true;
    }

    private void query(Transaction request, CompletableFuture<?> result, Consumer<Transaction> onReply) {
        send(request, reply -> {
            if (reply instanceof ErrorReply error && error.code() == ErrorCode.NOT_REGISTERED
                    && state == State.REGISTERED) {
                register();
            }
            onReply.accept(reply);
        }, () -> result.completeExceptionally(
                new QueryFailedException(null, "the tracker did not answer a " + request.type())), false);
    }

    private static void fail(CompletableFuture<?> result, Transaction reply, String what) {
        ErrorCode code = reply instanceof ErrorReply error ? error.code() : null;
        result.completeExceptionally(new QueryFailedException(code, what + " failed: "
                + (code != null ? code : "unexpected reply " + reply.type())));
    }

    private void send(Transaction request, Consumer<Transaction> onReply, Runnable onGiveUp, boolean retryForever) {
        pending.put(request.txid(), new Pending(request, onReply, onGiveUp, retryForever,
                clock.millis() + firstRetryMillis));
        transmit(request);
    }

    /** Sends {@code request}, sealed under the session's next counter when it belongs in the session. */
    private void transmit(Transaction request) {
        sender.send(SessionCipher.PEER_SENDS.contains(request.type()) ? cipher.seal(request) : request);
    }

    private void retryOrGiveUp(Pending request, long now) {
        if (!request.retryForever && request.attempts >= MAX_ATTEMPTS) {
            pending.remove(request.request.txid());
            request.onGiveUp.run();
            return;
        }
        long wait = Math.min(probing(request.request) ? PROBE_MILLIS - random.nextInt((int) PROBE_MILLIS / 4)
                : MAX_RETRY_MILLIS, firstRetryMillis << Math.min(request.attempts, 16));
        request.attempts++;
        request.retryAtMillis = now + wait;
        transmit(request.request);
    }

    /**
     * Whether {@code request} asks whether the tracker is there at all: a keepalive, or a cookie request while
     * registering anew. These are tried at least every {@value #PROBE_MILLIS} ms (less a little jitter, so a crowd of
     * peers does not come back in step), so a tracker that restarts finds its peers again within about a second of
     * answering; both are small, and a cookie request costs the tracker no state.
     */
    private static boolean probing(Transaction request) {
        return request.type() == TrackerMessageType.KEEPALIVE || request.type() == TrackerMessageType.COOKIE_REQUEST;
    }

    /** A fresh transaction id: drawn at random, so that nobody off the path can guess which answer is awaited. */
    private int txid() {
        int txid;
        do {
            txid = random.nextInt();
        } while (pending.containsKey(txid));
        return txid;
    }
}
