package dev.p2pchat.tracker.ratelimit;

import java.net.InetSocketAddress;
import java.time.Clock;

/**
 * The tracker's five budgets, each spent where its cost arises, so nobody can spend another sender's budget:
 *
 * <ul>
 *   <li>cookie requests, per host (IPv4 address or IPv6 /64): the only requests answered before a sender proves
 *       its address, so the only ones a spoofer can make the tracker answer;
 *   <li>requests with a valid cookie, per endpoint (IP and port): a cookie proves the endpoint, so junk spoofed
 *       from a victim's address cannot drain the victim's budget, and neighbours behind one NAT keep their own;
 *   <li>signature verifications, per host: the most expensive work a request can cause;
 *   <li>REGISTERs, per network (IPv4 /24 or IPv6 /48), on top of the per-host signature budget: a party with many
 *       hosts in one prefix (150 addresses of a /24 registered 3,000 sybils in about a second) gets the budget of
 *       one network, not one per host. Only REGISTERs that would cost a signature spend it, all proven by a cookie;
 *   <li>directory queries (LOOKUP, LIST), per network, on top of the per-endpoint budget: registered sybils on many
 *       addresses of one prefix share one budget to map the directory with.
 * </ul>
 */
public final class RequestLimits {
    private final SourceKeys keys;
    private final SourceRateLimiter cookies;
    private final SourceRateLimiter requests;
    private final SourceRateLimiter signatures;
    private final SourceRateLimiter registrations;
    private final SourceRateLimiter queries;

    /**
     * @param registrationsPerSecond REGISTERs per second per network, bursting to twice that; 0 disables the limit
     * @param queriesPerSecond LOOKUPs and LISTs per second per network, bursting to twice that; 0 disables the limit
     */
    public RequestLimits(Clock clock, long seed, int ratePerSecond, int burst, int signaturesPerSecond,
            int registrationsPerSecond, int queriesPerSecond, int maxSources) {
        this.keys = new SourceKeys(seed);
        this.cookies = new SourceRateLimiter(clock, ratePerSecond, burst, maxSources);
        this.requests = new SourceRateLimiter(clock, ratePerSecond, burst, maxSources);
        this.signatures = new SourceRateLimiter(clock, signaturesPerSecond, Math.max(1, 2 * signaturesPerSecond),
                maxSources);
        this.registrations = new SourceRateLimiter(clock, registrationsPerSecond,
                Math.max(1, 2 * registrationsPerSecond), maxSources);
        this.queries = new SourceRateLimiter(clock, queriesPerSecond, Math.max(1, 2 * queriesPerSecond), maxSources);
    }

    public boolean allowCookieRequest(InetSocketAddress from) {
        return cookies.tryAcquire(SourceKeys.host(from.getAddress()));
    }

    public boolean allowRequest(InetSocketAddress from) {
        return requests.tryAcquire(keys.endpoint(from));
    }

    public boolean allowSignatureCheck(InetSocketAddress from) {
        return signatures.tryAcquire(SourceKeys.host(from.getAddress()));
    }

    public boolean allowRegistration(InetSocketAddress from) {
        return registrations.tryAcquire(SourceKeys.network(from.getAddress()));
    }

    public boolean allowQuery(InetSocketAddress from) {
        return queries.tryAcquire(SourceKeys.network(from.getAddress()));
    }
}
