package dev.p2pchat.tracker.server;

import dev.p2pchat.protocol.ErrorCode;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Message;
import dev.p2pchat.protocol.Message.CookieBearing;
import dev.p2pchat.protocol.Message.CookieChallenge;
import dev.p2pchat.protocol.Message.ErrorReply;
import dev.p2pchat.protocol.Message.Introduction;
import dev.p2pchat.protocol.Message.Keepalive;
import dev.p2pchat.protocol.Message.KeepaliveAck;
import dev.p2pchat.protocol.Message.ListPage;
import dev.p2pchat.protocol.Message.ListRequest;
import dev.p2pchat.protocol.Message.Lookup;
import dev.p2pchat.protocol.Message.LookupResult;
import dev.p2pchat.protocol.Message.Ok;
import dev.p2pchat.protocol.Message.Register;
import dev.p2pchat.protocol.Message.Registered;
import dev.p2pchat.protocol.Message.Rename;
import dev.p2pchat.protocol.Message.Transaction;
import dev.p2pchat.protocol.Message.Unregister;
import dev.p2pchat.protocol.MessageCodec;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.cookie.CookieJar;
import dev.p2pchat.tracker.metrics.DropReason;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import dev.p2pchat.tracker.registry.Registration;
import dev.p2pchat.tracker.registry.Registry;
import dev.p2pchat.tracker.registry.Registry.Result;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers tracker requests: a cookie to anyone (no larger than what they sent), everything else only to senders
 * whose cookie proves their address. Runs on the channel's event loop, which owns the registry and cookie jar.
 */
final class TrackerHandler extends SimpleChannelInboundHandler<AddressedEnvelope<Message, InetSocketAddress>> {
    static final String NAME = "tracker";

    private static final Logger log = LoggerFactory.getLogger(TrackerHandler.class);
    private static final int COOKIE_REQUEST_SIZE =
            Wire.HEADER_SIZE + Wire.TRANSACTION_ID_SIZE + Wire.COOKIE_REQUEST_PADDING;
    private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;

    private final Registry registry;
    private final CookieJar cookies;
    private final TrackerMetrics metrics;
    private final RandomGenerator random;
    private final int leaseSeconds;
    private final long keepaliveMillis;
    private long lastWarnNanos = System.nanoTime() - WARN_INTERVAL_NANOS;

    TrackerHandler(
            Registry registry, CookieJar cookies, TrackerMetrics metrics, RandomGenerator random,
            TrackerConfig config) {
        super(false);
        this.registry = registry;
        this.cookies = cookies;
        this.metrics = metrics;
        this.random = random;
        this.leaseSeconds = (int) config.lease().toSeconds();
        this.keepaliveMillis = config.keepalive().toMillis();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, AddressedEnvelope<Message, InetSocketAddress> envelope) {
        Message message = envelope.content();
        InetSocketAddress from = envelope.sender();
        metrics.countReceived(message.type());
        if (message instanceof Message.CookieRequest request) {
            metrics.unvalidated(COOKIE_REQUEST_SIZE);
            send(ctx, new CookieChallenge(request.txid(), cookies.mint(from)), from);
            return;
        }
        if (!(message instanceof CookieBearing request)) {
            drop(DropReason.UNEXPECTED_TYPE, message);
            return;
        }
        if (!cookies.check(from, request.cookie())) {
            drop(DropReason.BAD_COOKIE, message);
            return;
        }
        Transaction reply = switch (request.type()) {
            case REGISTER -> register((Register) request, from);
            case KEEPALIVE -> keepalive((Keepalive) request, from);
            case LOOKUP -> lookup(ctx, (Lookup) request, from);
            case LIST -> list((ListRequest) request);
            case RENAME -> rename((Rename) request);
            case UNREGISTER -> unregister((Unregister) request);
            default -> throw new IllegalStateException("not a cookie-bearing type: " + request.type());
        };
        send(ctx, reply, from);
    }

    private Transaction register(Register request, InetSocketAddress from) {
        if (!Identity.verify(request.identityKey(), request)) {
            return error(request, ErrorCode.BAD_SIGNATURE);
        }
        Result result = registry.register(request.name(), request.identityKey(), request.agreementKey(),
                request.capabilities(), from, request.privateAddresses());
        if (!result.isOk()) {
            return error(request, result.error());
        }
        return new Registered(request.txid(), result.registration().token(), leaseSeconds, jitteredKeepalive(),
                from, cookies.mint(from));
    }

    private Transaction keepalive(Keepalive request, InetSocketAddress from) {
        Result result = registry.keepalive(request.name(), request.token(), from);
        if (!result.isOk()) {
            return error(request, result.error());
        }
        return new KeepaliveAck(request.txid(), jitteredKeepalive(), from, cookies.mint(from));
    }

    private Transaction lookup(ChannelHandlerContext ctx, Lookup request, InetSocketAddress from) {
        Registration requester = null;
        if (!request.requester().isEmpty()) {
            // An authenticated lookup also keeps the requester alive at the address it asks from, so the
            // introduction below carries the mapping the target must send to.
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
        }
        return new LookupResult(request.txid(), target.toPeerInfo());
    }

    private Transaction list(ListRequest request) {
        Registry.Page page = registry.list(request.cursor(), Wire.MAX_DATAGRAM_SIZE - Wire.LIST_PAGE_FIXED_SIZE);
        return new ListPage(request.txid(), page.nextCursor(), registry.size(), page.entries());
    }

    private Transaction rename(Rename request) {
        Result holder = authenticateSigned(request, request.name(), request.token());
        if (!holder.isOk()) {
            return error(request, holder.error());
        }
        Result renamed = registry.rename(holder.registration(), request.newName());
        return renamed.isOk() ? new Ok(request.txid()) : error(request, renamed.error());
    }

    private Transaction unregister(Unregister request) {
        Result holder = authenticateSigned(request, request.name(), request.token());
        if (!holder.isOk()) {
            return error(request, holder.error());
        }
        registry.remove(holder.registration());
        return new Ok(request.txid());
    }

    /** The registration under {@code name} if both its token and its key's signature check out. */
    private Result authenticateSigned(Message.Signed request, String name, long token) {
        Result holder = registry.authenticate(name, token);
        if (holder.isOk() && !Identity.verify(holder.registration().identityKey(), request)) {
            return new Result(null, ErrorCode.BAD_SIGNATURE);
        }
        return holder;
    }

    private ErrorReply error(Transaction request, ErrorCode code) {
        metrics.error(code);
        return new ErrorReply(request.txid(), code);
    }

    private int jitteredKeepalive() {
        // +-10%, so that peers which registered together do not keep alive in lockstep.
        return (int) (keepaliveMillis * (0.9 + 0.2 * random.nextDouble()));
    }

    private void drop(DropReason reason, Message message) {
        metrics.countDrop(reason);
        metrics.unvalidated(MessageCodec.encode(message).length);
    }

    private static void send(ChannelHandlerContext ctx, Message message, InetSocketAddress to) {
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
