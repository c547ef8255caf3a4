package dev.p2pchat.peer.node;

import dev.p2pchat.peer.identity.IdentityStore;
import dev.p2pchat.peer.tracker.TrackerSession;
import dev.p2pchat.protocol.ErrorCode;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Message;
import dev.p2pchat.protocol.Message.ListPage;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.PeerInfo;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.netty.DatagramMessageDecoder;
import dev.p2pchat.protocol.netty.DatagramMessageEncoder;
import dev.p2pchat.protocol.netty.Transport;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A running peer: one UDP socket for the tracker and for other peers, one event loop thread that owns all state,
 * and a small API that the command line, the shell and tests all use. Every method may be called from any
 * thread; work hops onto the event loop, and results come back as futures.
 */
public final class PeerNode implements AutoCloseable {
    static final String HANDLER_NAME = "peer";
    /** How long {@link #close()} waits for the tracker to confirm the unregister. */
    private static final Duration UNREGISTER_WAIT = Duration.ofSeconds(1);

    private final PeerConfig config;
    private final PeerListener listener;
    private final Identity identity;
    private final EventLoopGroup group;
    private final Channel channel;
    private final TrackerSession tracker;
    private final ScheduledFuture<?> ticker;
    private final LongAdder malformed = new LongAdder();
    private volatile InetSocketAddress trackerAddress;

    private PeerNode(PeerConfig config, PeerListener listener, Identity identity) throws InterruptedException {
        this.config = config;
        this.listener = listener;
        this.identity = identity;
        this.trackerAddress = resolveTracker();
        Transport transport = Transport.best();
        this.group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        try {
            this.channel = transport.datagramBootstrap(group)
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel ch) {
                            ch.pipeline()
                                    .addLast(DatagramMessageEncoder.NAME, new DatagramMessageEncoder())
                                    .addLast(DatagramMessageDecoder.NAME, new DatagramMessageDecoder(
                                            (sender, bytes, failure) -> malformed.increment()))
                                    .addLast(HANDLER_NAME, new Handler());
                        }
                    })
                    .bind(config.bindAddress(), config.bindPort())
                    .sync()
                    .channel();
        } catch (Exception e) { // including the BindException Netty throws undeclared
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            throw e;
        }
        this.tracker = new TrackerSession(Clock.systemUTC(), config.trackerRetry(), new SecureRandom(), identity,
                config.name(), Octets.zeros(Wire.KEY_SIZE), 0, List.of(), this::sendToTracker, new TrackerEvents());
        EventLoop loop = channel.eventLoop();
        loop.execute(tracker::start);
        long tickMillis = config.tick().toMillis();
        this.ticker = loop.scheduleAtFixedRate(tracker::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /** Loads or creates the identity in the data directory, binds the socket and starts registering. */
    public static PeerNode start(PeerConfig config, PeerListener listener) throws IOException, InterruptedException {
        Identity identity = IdentityStore.loadOrCreate(config.dataDirectory(), new SecureRandom());
        return new PeerNode(config, listener, identity);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public Octets identityKey() {
        return identity.publicKey();
    }

    /** Looks a peer up by name; the tracker also introduces this peer to it. */
    public CompletableFuture<PeerInfo> lookup(String name) {
        return onLoop(() -> tracker.lookup(name));
    }

    /** One page of the peers registered with the tracker, from {@code cursor} (0 for the first page). */
    public CompletableFuture<ListPage> who(int cursor) {
        return onLoop(() -> tracker.list(cursor));
    }

    /** Registers under {@code newName} from now on; the tracker refuses a name another key holds. */
    public CompletableFuture<Void> rename(String newName) {
        return onLoop(() -> tracker.rename(newName));
    }

    /** Datagrams that did not decode and were dropped. */
    public long malformedDatagrams() {
        return malformed.sum();
    }

    /** Gives the name up (waiting up to a second for the tracker), then closes the socket and the thread. */
    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        try {
            onLoop(tracker::unregister).get(UNREGISTER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Not registered, or the tracker is away: the lease ends by itself.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ticker.cancel(false);
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private <T> CompletableFuture<T> onLoop(Supplier<CompletableFuture<T>> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        channel.eventLoop().execute(() -> action.get().whenComplete((value, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        }));
        return result;
    }

    private void sendToTracker(Message message) {
        channel.writeAndFlush(new DefaultAddressedEnvelope<>(message, trackerAddress), channel.voidPromise());
    }

    private InetSocketAddress resolveTracker() {
        // A fresh InetSocketAddress resolves the name again: a tracker that moved is found at its new address.
        return new InetSocketAddress(config.trackerHost(), config.trackerPort());
    }

    /** Routes datagrams: from the tracker's address to the tracker session; peer traffic comes with issue 3. */
    private final class Handler extends SimpleChannelInboundHandler<AddressedEnvelope<Message, InetSocketAddress>> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, AddressedEnvelope<Message, InetSocketAddress> in) {
            if (in.sender().equals(trackerAddress)) {
                tracker.onMessage(in.content());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // One bad datagram must not close the socket that every conversation shares.
        }
    }

    private final class TrackerEvents implements TrackerSession.Listener {
        @Override
        public void registered(InetSocketAddress observed) {
            listener.registered(observed);
        }

        @Override
        public void refused(ErrorCode code) {
            listener.registrationRefused(code);
        }

        @Override
        public void introduced(PeerInfo peer) {
            listener.introduced(peer);
        }

        @Override
        public void trackerSilent() {
            trackerAddress = resolveTracker();
        }
    }
}
