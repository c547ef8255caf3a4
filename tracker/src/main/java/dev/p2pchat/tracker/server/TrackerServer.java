package dev.p2pchat.tracker.server;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.tracker.identity.TrackerIdentity;
import java.io.IOException;

import dev.p2pchat.protocol.netty.Transport;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.cookie.CookieJar;
import dev.p2pchat.tracker.mailbox.Mailbox;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import dev.p2pchat.tracker.ratelimit.RequestLimits;
import dev.p2pchat.tracker.registry.Registry;
import dev.p2pchat.tracker.relay.RelayTable;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running tracker: one UDP channel on one event loop thread, which owns the registry, plus the optional HTTP
 * metrics endpoint on the same loop. {@link #start()} binds and returns the bound address; {@link #close()}
 * releases the sockets and the thread.
 */
public final class TrackerServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrackerServer.class);
    private static final Duration EXPIRY_SWEEP = Duration.ofSeconds(1);
    private static final Duration MAIL_EXPIRY_SWEEP = Duration.ofMinutes(1);

    private final TrackerConfig config;
    private final Clock clock;
    private final RandomGenerator random;
    private final TrackerIdentity identity;
    private final TrackerMetrics metrics = new TrackerMetrics();
    private EventLoopGroup group;
    private Channel channel;
    private Mailbox mailbox;
    private MetricsEndpoint metricsEndpoint;

    /**
     * A tracker with the key kept in the configured data directory, made there on the first start, or a key of its
     * own for this process when none is configured.
     *
     * @throws IOException if the key file cannot be read or made (a damaged one is reported and left as it is)
     */
    public TrackerServer(TrackerConfig config) throws IOException {
        this(config, Clock.systemUTC(), new SecureRandom(), identityOf(config));
    }

    public TrackerServer(TrackerConfig config, Clock clock, RandomGenerator random, TrackerIdentity identity) {
        this.config = config;
        this.clock = clock;
        this.random = random;
        this.identity = identity;
    }

    private static TrackerIdentity identityOf(TrackerConfig config) throws IOException {
        SecureRandom random = new SecureRandom();
        return config.dataDirectory() == null ? TrackerIdentity.ephemeral(random)
                : TrackerIdentity.loadOrCreate(config.dataDirectory(), random);
    }

    /** The tracker's public key, which peers pin. */
    public Octets publicKey() {
        return identity.publicKey();
    }

    /**
     * Opens the mailbox and binds the UDP socket (and the metrics endpoint, if configured); returns the bound UDP
     * address.
     */
    public synchronized InetSocketAddress start() throws InterruptedException, IOException {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        // A cookie is accepted for up to two epochs: so long a captured REGISTER could be replayed.
        Registry registry = new Registry(clock, random, config.maxPeers(), config.maxPerHost(),
                config.maxPerNetwork(), config.lease(), config.cookieEpoch().multipliedBy(2));
        metrics.registeredPeers(registry::size);
        CookieJar cookies = new CookieJar(clock, identity.cookieSecret(), config.cookieEpoch());
        RequestLimits limits = new RequestLimits(clock, random.nextLong(), config.ratePerSecond(),
                config.rateBurst(), config.signaturesPerSecond(), config.registrationsPerSecond(),
                config.queriesPerSecond(), config.maxRateSources());
        // Jitter needs no secrecy: a fast generator seeded from the secure one spares every reply a SecureRandom call.
        RandomGenerator jitter = new SplittableRandom(random.nextLong());
        RelayTable relays = new RelayTable(clock, config.relay(), registry::find, metrics::relayEvent);
        metrics.relayPeers(relays::size);
        metrics.relayWishes(relays::wishes);
        Transport transport = Transport.best();
        group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        EventLoop loop = group.next();
        try {
            mailbox = Mailbox.open(clock, config.mail(), config.dataDirectory(), loop);
            metrics.mailbox(mailbox);
            TrackerHandler handler = new TrackerHandler(identity, registry, cookies, limits, relays, mailbox,
                    metrics, jitter, random, config);
            channel = transport.datagramBootstrap(loop)
                    .handler(new TrackerChannelInitializer(metrics, new StunResponder(limits, metrics), handler))
                    .bind(config.bindAddress(), config.port())
                    .sync()
                    .channel();
            if (config.metricsPort() >= 0) {
                metricsEndpoint = MetricsEndpoint.start(group, transport.serverChannel(), config.metricsBind(),
                        config.metricsPort(), metrics);
            }
        } catch (Exception e) { // including the BindException that Netty throws undeclared
            close();
            throw e;
        }
        channel.eventLoop().scheduleAtFixedRate(() -> {
            metrics.expired(registry.expire());
            relays.expire();
        },
                EXPIRY_SWEEP.toMillis(), EXPIRY_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        channel.eventLoop().scheduleAtFixedRate(mailbox::expire, 0, MAIL_EXPIRY_SWEEP.toMillis(),
                TimeUnit.MILLISECONDS);
        long statsMillis = config.statsInterval().toMillis();
        if (statsMillis > 0) {
            channel.eventLoop().scheduleAtFixedRate(() -> log.info("stats {}", metrics.statsLine()),
                    statsMillis, statsMillis, TimeUnit.MILLISECONDS);
        }
        log.debug("tracker on {} with the {} transport", localAddress(), transport);
        return localAddress();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The bound address of the HTTP metrics endpoint, or null when it is off. */
    public InetSocketAddress metricsAddress() {
        return metricsEndpoint == null ? null : metricsEndpoint.localAddress();
    }

    public TrackerMetrics metrics() {
        return metrics;
    }

    /** The UDP channel, so that a test can insert a handler (a fault injector) into its pipeline by name. */
    public Channel channel() {
        return channel;
    }

    /** Closes the sockets and stops the event loop; waits at most about a second. */
    @Override
    public synchronized void close() {
        if (group == null) {
            return;
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
            metricsEndpoint = null;
        }
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        group = null;
        if (mailbox != null) {
            // After the loop: deposits already written are answered no more, but are on disk.
            mailbox.close();
            mailbox = null;
        }
    }
}
