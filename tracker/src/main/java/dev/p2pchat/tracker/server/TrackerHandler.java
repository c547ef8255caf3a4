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
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Rename;
import dev.p2pchat.protocol.tracker.TrackerMessage.Transaction;
import dev.p2pchat.protocol.tracker.TrackerMessage.Unregister;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.tracker.TrackerConfig;
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
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers tracker requests: a cookie to anyone (no larger than what they sent), everything else only to senders
 * whose cookie proves their address. Runs on the channel's event loop, which owns the registry and cookie jar.
 */
final class TrackerHandler extends SimpleChannelInboundHandler<AddressedEnvelope<TrackerMessage, InetSocketAddress>> {
    static final String NAME = "tracker";

    private static final Logger log = LoggerFactory.getLogger(TrackerHandler.class);
    private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;

    private final Registry registry;
    private final CookieJar cookies;
    private final RequestLimits limits;
    private final RelayTable relays;
    private final TrackerMetrics metrics;
    private final RandomGenerator jitter;
    private final int leaseSeconds;
    private final long keepaliveMillis;
    private long lastWarnNanos = System.nanoTime() - WARN_INTERVAL_NANOS;

    TrackerHandler(
            Registry registry, CookieJar cookies, RequestLimits limits, RelayTable relays, TrackerMetrics metrics,
            RandomGenerator jitter, TrackerConfig config) {
        super(false);
        this.registry = registry;
        this.cookies = cookies;
        this.limits = limits;
        this.relays = relays;
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
                send(ctx, new CookieChallenge(request.txid(), cookies.mint(from)), from);
            } else {
                metrics.countDrop(DropReason.RATE_LIMITED);
            }
            return;
        }
        if (message instanceof Relay relay) {
            relay(ctx, relay, from);
            return;
        }
        if (!(message instanceof CookieBearing request)) {
            dropUnvalidated(DropReason.UNEXPECTED_TYPE, message);
            return;
        }
        Octets freshCookie = cookies.validate(from, request.cookie());
        if (freshCookie == null) {
            dropUnvalidated(DropReason.BAD_COOKIE, message);
            return;
        }
        if (!limits.allowRequest(from)) {
            metrics.countDrop(DropReason.RATE_LIMITED);
            return;
        }
        Transaction reply = switch (request.type()) {
            case REGISTER -> register((Register) request, from, freshCookie);
            case KEEPALIVE -> keepalive((Keepalive) request, from, freshCookie);
            case LOOKUP -> lookup(ctx, (Lookup) request, from);
            case LIST -> list((ListRequest) request);
            case RENAME -> rename((Rename) request, from);
            case UNREGISTER -> unregister((Unregister) request, from);
            default -> throw new IllegalStateException("not a cookie-bearing type: " + request.type());
        };
        if (reply != null) {
            send(ctx, reply, from);
        }
    }

    /** Why a signed request is not acted on: its signature is bad, or the sender's signature budget is spent. */
    private enum SignatureCheck { VALID, INVALID, OVER_BUDGET }

    private Transaction register(Register request, InetSocketAddress from, Octets freshCookie) {
        ErrorCode refusal = registry.precheck(request.name(), request.identityKey(), request.privateAddresses());
        if (refusal != null) {
            return error(request, refusal);
        }
        SignatureCheck signature = checkSignature(request.identityKey(), request, from);
        if (signature != SignatureCheck.VALID) {
            return refuseSignature(request, signature);
        }
        Result result = registry.register(request.name(), request.identityKey(), request.agreementKey(),
                request.capabilities(), from, request.privateAddresses());
        if (!result.isOk()) {
            return error(request, result.error());
        }
        return new Registered(request.txid(), result.registration().token(), leaseSeconds, jitteredKeepalive(),
                from, freshCookie);
    }

    private Transaction keepalive(Keepalive request, InetSocketAddress from, Octets freshCookie) {
        Result result = registry.keepalive(request.name(), request.token(), from);
        if (!result.isOk()) {
            return error(request, result.error());
        }
        return new KeepaliveAck(request.txid(), jitteredKeepalive(), from, freshCookie);
    }

    private Transaction lookup(ChannelHandlerContext ctx, Lookup request, InetSocketAddress from) {
        Registration requester = null;
        if (!request.requester().isEmpty()) {
            // An authenticated lookup also keeps the requester alive: it is evidently there.
            Result authenticated = registry.keepalive(request.requester(), request.token(), from);
            if (!authenticated.isOk()) {
                return error(request, authenticated.error());
            }
            requester = authenticated.registration();
        }
        Registration target = registry.find(request.target());
        if (target == null) {
            return error(request, ErrorCode.NOT_FOUND);
        }
        if (requester != null && requester != target) {
            send(ctx, new Introduction(requester.toPeerInfo()), target.observed());
            metrics.introduced();
            relays.permit(requester, target);
        }
        return new LookupResult(request.txid(), target.toPeerInfo());
    }

    /**
     * Passes a RELAY on as RELAYED, or drops it; never answers. The token and the registered address stand in for
     * the cookie: both prove the sender receives at its source address.
     */
    private void relay(ChannelHandlerContext ctx, Relay relay, InetSocketAddress from) {
        int size = TrackerWire.RELAY_FIXED_SIZE + relay.payload().length();
        RelayTable.Decision decision = relays.relay(from, relay.token(), relay.target(), size);
        if (!decision.passes()) {
            metrics.countDrop(switch (decision.refusal()) {
                case NOT_REGISTERED -> DropReason.RELAY_NOT_REGISTERED;
                case NOT_PERMITTED -> DropReason.RELAY_NOT_PERMITTED;
                case OVER_BUDGET -> DropReason.RELAY_OVER_BUDGET;
            });
            if (decision.refusal() == RelayTable.Refusal.NOT_REGISTERED) {
                metrics.unvalidated(size);
            }
            return;
        }
        send(ctx, new Relayed(decision.sender().identityKey(), relay.payload()), decision.target().observed());
        metrics.relayed(size - TrackerWire.RELAY_FIXED_SIZE);
    }

    private Transaction list(ListRequest request) {
        Registry.Page page = registry.list(request.cursor(), Wire.MAX_DATAGRAM_SIZE - TrackerWire.LIST_PAGE_FIXED_SIZE);
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
