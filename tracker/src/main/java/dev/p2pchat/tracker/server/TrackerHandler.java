package dev.p2pchat.tracker.server;

import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieBearing;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieChallenge;
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.Introduction;
import dev.p2pchat.protocol.tracker.TrackerMessage.Keepalive;
import dev.p2pchat.protocol.tracker.TrackerMessage.KeepaliveAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage.Deposit;
import dev.p2pchat.protocol.tracker.TrackerMessage.Fetch;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.Mail;
import dev.p2pchat.protocol.tracker.TrackerMessage.MailAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
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
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.tracker.SessionCipher;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.identity.TrackerIdentity;
import dev.p2pchat.tracker.mailbox.Mailbox;
import dev.p2pchat.tracker.cookie.CookieJar;
import dev.p2pchat.tracker.metrics.DropReason;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import dev.p2pchat.tracker.ratelimit.RequestLimits;
import dev.p2pchat.tracker.registry.Registration;
import dev.p2pchat.tracker.registry.Registry;
import dev.p2pchat.tracker.registry.Registry.Result;
import dev.p2pchat.tracker.relay.RelayTable;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers tracker requests: a cookie and the tracker's key to anyone (no larger than what they sent), a REGISTER only
 * from senders whose cookie proves their address, and everything else only inside a registration's session: sealed
 * under its keys, fresh, and from its registered address. Runs on the channel's event loop, which owns the registry
 * and cookie jar.
 */
final class TrackerHandler extends SimpleChannelInboundHandler<AddressedEnvelope<TrackerMessage, InetSocketAddress>> {
    static final String NAME = "tracker";

    private static final Logger log = LoggerFactory.getLogger(TrackerHandler.class);
    private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;
    /** Requests that also spend the per-network budget: directory queries, and mail requests (each a store task). */
    private static final Set<TrackerMessageType> NETWORK_BUDGETED = EnumSet.of(TrackerMessageType.LOOKUP,
            TrackerMessageType.LIST, TrackerMessageType.DEPOSIT, TrackerMessageType.FETCH, TrackerMessageType.MAIL_ACK);

    private final TrackerIdentity identity;
    /** Where the session numbers of refusals come from: unpredictable, as the registry's tokens are. */
    private final RandomGenerator sessions;
    private final Registry registry;
    private final CookieJar cookies;
    private final RequestLimits limits;
    private final RelayTable relays;
    private final Mailbox mailbox;
    private final TrackerMetrics metrics;
    private final RandomGenerator jitter;
    private final int leaseSeconds;
    private final long keepaliveMillis;
    private long lastWarnNanos = System.nanoTime() - WARN_INTERVAL_NANOS;

    TrackerHandler(TrackerIdentity identity, Registry registry, CookieJar cookies, RequestLimits limits,
            RelayTable relays, Mailbox mailbox, TrackerMetrics metrics, RandomGenerator jitter,
            RandomGenerator sessions, TrackerConfig config) {
        super(false);
        this.identity = identity;
        this.sessions = sessions;
        this.registry = registry;
        this.cookies = cookies;
        this.limits = limits;
        this.relays = relays;
        this.mailbox = mailbox;
        this.metrics = metrics;
        this.jitter = jitter;
        this.leaseSeconds = (int) config.lease().toSeconds();
        this.keepaliveMillis = config.keepalive().toMillis();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, AddressedEnvelope<TrackerMessage, InetSocketAddress> envelope) {
        TrackerMessage message = envelope.content();
        InetSocketAddress from = envelope.sender();
        metrics.countReceived(message.type());
        if (message instanceof TrackerMessage.CookieRequest request) {
            metrics.unvalidated(TrackerWire.COOKIE_REQUEST_SIZE);
            if (limits.allowCookieRequest(from)) {
                send(ctx, new CookieChallenge(request.txid(), cookies.mint(from), identity.publicKey()), from);
            } else {
                metrics.countDrop(DropReason.RATE_LIMITED);
            }
            return;
        }
        if (message instanceof Sealed sealed) {
            session(ctx, sealed, from);
            return;
        }
        if (!(message instanceof Register request)) {
            // A request that belongs in a session but came bare, or a message only the tracker sends.
            dropUnvalidated(SessionCipher.PEER_SENDS.contains(message.type()) ? DropReason.UNSEALED
                    : DropReason.UNEXPECTED_TYPE, message);
            return;
        }
        Octets freshCookie = cookies.validate(from, request.cookie());
        if (freshCookie == null) {
            dropUnvalidated(DropReason.BAD_COOKIE, message);
            return;
        }
        register(ctx, request, from, freshCookie);
    }

    /**
     * Opens a SEALED of a registration's session and acts on what it carries. A session the tracker does not hold
     * gets a SESSION_UNKNOWN (smaller than any SEALED) with the session's reset proof, so the peer registers again;
     * one from another address than the registration's (the peer's NAT mapping moved) is answered, sealed, that it
     * is not registered there; what does not open is dropped, having changed nothing.
     */
    private void session(ChannelHandlerContext ctx, Sealed sealed, InetSocketAddress from) {
        int size = Wire.SEALED_OVERHEAD + sealed.box().length() - TrackerWire.SEAL_TAG_SIZE;
        Registration registration = registry.findSession(sealed.session());
        if (registration == null) {
            metrics.countDrop(DropReason.SESSION_UNKNOWN);
            metrics.unvalidated(size);
            if (limits.allowCookieRequest(from)) {
                send(ctx, new SessionUnknown(sealed.session(), identity.resetProof(sealed.session())), from);
            }
            return;
        }
        // Opened before any budget is spent: what a spoofer sends from the peer's address with its token (seen on
        // the wire) does not open, so it cannot use up the peer's request budget.
        boolean home = registration.isObservedAt(from);
        TrackerMessage message;
        try {
            // From elsewhere, authenticated but not recorded: a copy raced ahead of the peer's own datagram must
            // not use up its counter.
            message = home ? registration.session().open(sealed) : registration.session().authenticate(sealed);
        } catch (CryptoException | ProtocolException e) {
            metrics.countDrop(DropReason.BAD_SEAL);
            metrics.unvalidated(size);
            return;
        }
        if (!home) {
            // The peer itself, from a new address: the registration stays where it was made (nothing seen on the
            // wire moves it), and the peer learns, sealed, that it must register from here. No larger than it sent.
            metrics.countDrop(DropReason.SESSION_MOVED);
            metrics.unvalidated(size);
            if (message instanceof Transaction request && limits.allowCookieRequest(from)) {
                send(ctx, registration.session(), error(request, ErrorCode.NOT_REGISTERED), from);
            }
            return;
        }
        metrics.countReceived(message.type());
        if (message instanceof Relay relay) {
            // The inner token must be the session's, as in every request. A RELAY spends the relay budget, not the
            // request budget: relayed traffic must not starve the session's keepalives and lookups.
            if (relay.token() != registration.token()) {
                metrics.countDrop(DropReason.RELAY_NOT_REGISTERED);
                return;
            }
            relay(ctx, registration, relay);
            return;
        }
        if (!limits.allowRequest(from)) {
            metrics.countDrop(DropReason.RATE_LIMITED);
            return;
        }
        CookieBearing request = (CookieBearing) message;
        if (!carriesToken(request, registration.token())) {
            send(ctx, registration, error(request, ErrorCode.BAD_TOKEN));
            return;
        }
        Octets freshCookie = cookies.validate(from, request.cookie());
        if (freshCookie == null) {
            metrics.countDrop(DropReason.BAD_COOKIE);
            return;
        }
        if (NETWORK_BUDGETED.contains(request.type()) && !limits.allowQuery(from)) {
            metrics.countDrop(DropReason.RATE_LIMITED);
            return;
        }
        Transaction reply = switch (request.type()) {
            case KEEPALIVE -> keepalive((Keepalive) request, from, freshCookie);
            case LOOKUP -> lookup(ctx, (Lookup) request, from);
            case LIST -> list((ListRequest) request);
            case RENAME -> rename((Rename) request, from);
            case UNREGISTER -> unregister((Unregister) request, from);
            case DEPOSIT -> deposit(ctx, registration, (Deposit) request);
            case FETCH -> fetch(ctx, registration, (Fetch) request);
            case MAIL_ACK -> acknowledgeMail(ctx, registration, (MailAck) request);
            default -> throw new IllegalStateException("not a session request: " + request.type());
        };
        if (reply != null) {
            send(ctx, registration, reply);
        }
    }

    /**
     * Whether a request names the session it came in (a LIST names none): tokens are unique, so a request that
     * carries the session's token and passes the registry's check acts on that session's registration only.
     */
    private static boolean carriesToken(CookieBearing request, long token) {
        if (request instanceof Keepalive keepalive) {
            return keepalive.token() == token;
        }
        if (request instanceof Lookup lookup) {
            return lookup.token() == token;
        }
        if (request instanceof Rename rename) {
            return rename.token() == token;
        }
        if (request instanceof Unregister unregister) {
            return unregister.token() == token;
        }
        if (request instanceof Deposit deposit) {
            return deposit.token() == token;
        }
        if (request instanceof Fetch fetch) {
            return fetch.token() == token;
        }
        if (request instanceof MailAck ack) {
            return ack.token() == token;
        }
        return true;
    }

    /** Why a signed request is not acted on: its signature is bad, or the sender's signature budget is spent. */
    private enum SignatureCheck { VALID, INVALID, OVER_BUDGET }

    /**
     * Registers, in a new session sealed under keys agreed with the REGISTER's session key and bound to the token the
     * registry picks; every answer is sealed in it, so a peer believes only this tracker. The cheap refusals come
     * before any budget or signature is spent: a REGISTER no newer than the key's live or recently ended registration
     * is a replay, dropped; a retransmitted one (the live session's key, from its address) is answered again for the
     * registration it made. A bad signature gets no answer: an honest peer never sends one, and a sealed refusal
     * would be a refusal in someone else's session.
     */
    private void register(ChannelHandlerContext ctx, Register request, InetSocketAddress from, Octets freshCookie) {
        Registration current = registry.find(request.identityKey());
        if (current != null && current.hasSessionKey(request.sessionKey())) {
            if (current.isObservedAt(from) && limits.allowRequest(from)) {
                send(ctx, current, registered(request, current, from, freshCookie));
            } else {
                metrics.countDrop(DropReason.STALE_REGISTER);
            }
            return;
        }
        if (request.timestamp() <= registry.lastTimestamp(request.identityKey())) {
            metrics.countDrop(DropReason.STALE_REGISTER);
            return;
        }
        // Besides the endpoint's request budget, the network's REGISTER budget: many hosts of one prefix share it.
        if (!limits.allowRequest(from) || !limits.allowRegistration(from)) {
            metrics.countDrop(DropReason.RATE_LIMITED);
            return;
        }
        SignatureCheck signature = checkSignature(request.identityKey(), request, from);
        if (signature != SignatureCheck.VALID) {
            metrics.countDrop(signature == SignatureCheck.OVER_BUDGET ? DropReason.RATE_LIMITED
                    : DropReason.BAD_SIGNATURE);
            return;
        }
        SessionCipher.Secret secret;
        try {
            secret = SessionCipher.Secret.forTracker(identity.key(), request.sessionKey());
        } catch (CryptoException e) {
            metrics.countDrop(DropReason.BAD_FIELD); // a low-order session key: no session can be agreed on
            return;
        }
        Result result = registry.register(request.name(), request.identityKey(), request.agreementKey(),
                request.capabilities(), from, request.privateAddresses(),
                new Registry.Session(secret, request.sessionKey(), request.timestamp()));
        if (!result.isOk()) {
            // A session of its own for the refusal, never shared with another: a fresh random number.
            send(ctx, secret.cipher(refusalSession()), error(request, result.error()), from);
            return;
        }
        Registration registration = result.registration();
        send(ctx, registration, registered(request, registration, from, freshCookie));
    }

    private long refusalSession() {
        long session;
        do {
            session = sessions.nextLong();
        } while (session == 0);
        return session;
    }

    private Registered registered(Register request, Registration registration, InetSocketAddress from,
            Octets freshCookie) {
        return new Registered(request.txid(), registration.token(), leaseSeconds, jitteredKeepalive(), from,
                freshCookie, identity.resetProof(registration.token()));
    }

    private Transaction keepalive(Keepalive request, InetSocketAddress from, Octets freshCookie) {
        Result result = registry.keepalive(request.name(), request.token(), from);
        if (!result.isOk()) {
            return error(request, result.error());
        }
        return new KeepaliveAck(request.txid(), jitteredKeepalive(), from, freshCookie);
    }

    /** Only a registered peer looks up, as itself; the lookup keeps it alive, since it is evidently there. */
    private Transaction lookup(ChannelHandlerContext ctx, Lookup request, InetSocketAddress from) {
        Result authenticated = registry.keepalive(request.requester(), request.token(), from);
        if (!authenticated.isOk()) {
            return error(request, authenticated.error());
        }
        Registration requester = authenticated.registration();
        Registration target = registry.find(request.target());
        if (target == null) {
            return error(request, ErrorCode.NOT_FOUND);
        }
        if (requester != target) {
            send(ctx, target, new Introduction(requester.toPeerInfoFor(target)));
            metrics.introduced();
            // The requester's wish; the relay opens between the two once the target wants it too (what the relay
            // gives up or refuses for lack of room it counts itself).
            relays.lookedUp(requester, target);
        }
        return new LookupResult(request.txid(), target.toPeerInfoFor(requester));
    }

    /**
     * Stores mail from a registered peer for another peer, and answers once it is on disk (OK) or refused
     * (MAILBOX_FULL): never larger than the DEPOSIT. The answer goes to the sender's registration, sealed.
     */
    private Transaction deposit(ChannelHandlerContext ctx, Registration sender, Deposit request) {
        mailbox.deposit(sender.identityKey(), request.recipient(), request.mail(), error -> later(ctx, sender,
                error == null ? new Ok(request.txid()) : error(request, error)));
        return null;
    }

    /**
     * Hands a registered peer the oldest piece of its own mail after the one it names. Larger than the FETCH, but
     * only ever sent, sealed, to the address the peer registered from and proved with its cookie.
     */
    private Transaction fetch(ChannelHandlerContext ctx, Registration recipient, Fetch request) {
        mailbox.fetch(recipient.identityKey(), request.after(), piece -> later(ctx, recipient, piece == null
                ? new Mail(request.txid(), 0, 0, Octets.zeros(0))
                : new Mail(request.txid(), piece.id(), piece.remaining(), piece.mail())));
        return null;
    }

    /** Deletes the pieces of its mail a registered peer has stored, and says OK once they are gone. */
    private Transaction acknowledgeMail(ChannelHandlerContext ctx, Registration recipient, MailAck request) {
        mailbox.acknowledge(recipient.identityKey(), request.ids(), () -> later(ctx, recipient,
                new Ok(request.txid())));
        return null;
    }

    /**
     * Sends an answer that waited for the mail store, so outside the read that flushes the datagrams it wrote: this
     * one is flushed by itself. The mail store answers on this handler's event loop.
     */
    private void later(ChannelHandlerContext ctx, Registration registration, TrackerMessage message) {
        send(ctx, registration, message);
        ctx.flush();
    }

    /**
     * Passes a RELAY from {@code sender} on as RELAYED, sealed in the target's session, or drops it; never answers.
     * The sender's session, opened from its registered address with its token, stands in for the cookie: it proves
     * the sender receives at its source address.
     */
    private void relay(ChannelHandlerContext ctx, Registration sender, Relay relay) {
        int size = TrackerWire.RELAY_FIXED_SIZE + relay.payload().length();
        RelayTable.Decision decision = relays.relay(sender, relay.target(), size);
        if (!decision.passes()) {
            metrics.countDrop(switch (decision.refusal()) {
                case NOT_PERMITTED -> DropReason.RELAY_NOT_PERMITTED;
                case OVER_BUDGET -> DropReason.RELAY_OVER_BUDGET;
            });
            return;
        }
        send(ctx, decision.target(), new Relayed(decision.sender().identityKey(), relay.payload()));
        metrics.relayed(size - TrackerWire.RELAY_FIXED_SIZE);
    }

    private Transaction list(ListRequest request) {
        Registry.Page page = registry.list(request.cursor(),
                TrackerWire.MAX_SEALED_MESSAGE_SIZE - TrackerWire.LIST_PAGE_FIXED_SIZE);
        return new ListPage(request.txid(), page.nextCursor(), registry.size(), page.entries());
    }

    private Transaction rename(Rename request, InetSocketAddress from) {
        return asHolder(request, request.name(), request.token(), from, holder -> {
            Result renamed = registry.rename(holder, request.newName());
            return renamed.isOk() ? new Ok(request.txid()) : error(request, renamed.error());
        });
    }

    private Transaction unregister(Unregister request, InetSocketAddress from) {
        return asHolder(request, request.name(), request.token(), from, holder -> {
            registry.remove(holder);
            return new Ok(request.txid());
        });
    }

    /** Runs {@code action} on the registration of {@code name} once token, address and signature prove the holder. */
    private <R extends Transaction & TrackerMessage.Signed> Transaction asHolder(R request, String name, long token,
            InetSocketAddress from, Function<Registration, Transaction> action) {
        Result holder = registry.authenticate(name, token, from);
        if (!holder.isOk()) {
            return error(request, holder.error());
        }
        SignatureCheck signature = checkSignature(holder.registration().identityKey(), request, from);
        if (signature != SignatureCheck.VALID) {
            return refuseSignature(request, signature);
        }
        return action.apply(holder.registration());
    }

    /** Verifies last, after every cheaper refusal, and only within the sender's signature budget. */
    private SignatureCheck checkSignature(Octets key, TrackerMessage.Signed request, InetSocketAddress from) {
        if (!limits.allowSignatureCheck(from)) {
            return SignatureCheck.OVER_BUDGET;
        }
        return Identity.verify(key, request) ? SignatureCheck.VALID : SignatureCheck.INVALID;
    }

    /** BAD_SIGNATURE for a bad signature; no reply at all (null) when the budget is spent. */
    private Transaction refuseSignature(Transaction request, SignatureCheck signature) {
        if (signature == SignatureCheck.OVER_BUDGET) {
            metrics.countDrop(DropReason.RATE_LIMITED);
            return null;
        }
        return error(request, ErrorCode.BAD_SIGNATURE);
    }

    private ErrorReply error(Transaction request, ErrorCode code) {
        metrics.error(code);
        return new ErrorReply(request.txid(), code);
    }

    private int jitteredKeepalive() {
        // +-10%, so that peers which registered together do not keep alive in lockstep.
        return (int) (keepaliveMillis * (0.9 + 0.2 * jitter.nextDouble()));
    }

    private void dropUnvalidated(DropReason reason, TrackerMessage message) {
        metrics.countDrop(reason);
        metrics.unvalidated(TrackerCodec.encode(message).length);
    }

    private static void send(ChannelHandlerContext ctx, TrackerMessage message, InetSocketAddress to) {
        ctx.write(new DefaultAddressedEnvelope<>(message, to), ctx.voidPromise());
    }

    /** Sends {@code message} to {@code registration} at its registered address, sealed in its session. */
    private void send(ChannelHandlerContext ctx, Registration registration, TrackerMessage message) {
        send(ctx, registration.session(), message, registration.observed());
    }

    /** Seals {@code message}; it counts as sent by its own type (the datagram counts as a SEALED). */
    private void send(ChannelHandlerContext ctx, SessionCipher cipher, TrackerMessage message, InetSocketAddress to) {
        metrics.countSealed(message.type());
        send(ctx, cipher.seal(message), to);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP channel serves everyone: never close it over one datagram, and never let a stream of
        // failures flood the log.
        long now = System.nanoTime();
        if (now - lastWarnNanos >= WARN_INTERVAL_NANOS) {
            lastWarnNanos = now;
            log.warn("request failed; the tracker keeps serving", cause);
        }
    }
}
