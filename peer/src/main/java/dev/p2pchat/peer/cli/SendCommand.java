package dev.p2pchat.peer.cli;

import dev.p2pchat.peer.chat.ChatEngine;
import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.peer.api.MessageId;
import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.api.PeerEvent.ConnectFailed;
import dev.p2pchat.peer.api.PeerEvent.Connected;
import dev.p2pchat.peer.api.PeerEvent.Delivered;
import dev.p2pchat.peer.api.PeerEvent.Failed;
import dev.p2pchat.peer.api.PeerEvent.Registered;
import dev.p2pchat.peer.api.PeerEvent.RegistrationRefused;
import dev.p2pchat.peer.cli.PeerOptions.Settings;
import dev.p2pchat.peer.api.PeerConfig;
import dev.p2pchat.peer.api.PeerListener;
import dev.p2pchat.peer.api.PeerNode;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code peer send}: delivers one message and exits, 0 only once the other peer acknowledged it. */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        version = "p2pchat peer 0.1.0",
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Sends one message and exits once the peer acknowledges it.",
            "Registers with the tracker (if one is given), connects to TO (a peer's name, or HOST:PORT",
            "for a peer reached by address), sends TEXT and waits for the acknowledgement. On success it",
            "prints the delivery on standard output; otherwise it says why on standard error.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:delivered: the peer acknowledged the message",
            "1:not delivered (unknown peer, connection failed, no acknowledgement in time, could not start)",
            "2:invalid option"
        })
final class SendCommand implements Callable<Integer> {
    static final long MAX_TIMEOUT_SECONDS = 3600;

    @Spec
    CommandSpec spec;

    @Mixin
    PeerOptions options;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Give up unless the message is acknowledged within this many seconds, 1 to "
                    + MAX_TIMEOUT_SECONDS + ". Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @Parameters(index = "0", paramLabel = "TO", description = "The peer's name, or HOST:PORT.")
    String to;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT",
            description = "The message; several words are joined with spaces.")
    List<String> words = new ArrayList<>();

    private final boolean ownsProcess;

    SendCommand(boolean ownsProcess) {
        this.ownsProcess = ownsProcess;
    }

    /** Why the message was not delivered. */
    private static final class NotDelivered extends Exception {
        private static final long serialVersionUID = 1L;

        NotDelivered(String reason) {
            super(reason);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = options.settings(spec.commandLine());
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new ParameterException(spec.commandLine(), "--timeout must be 1 to " + MAX_TIMEOUT_SECONDS
                    + " seconds, not " + timeoutSeconds);
        }
        String text = String.join(" ", words);
        try {
            ChatEngine.checkSize(text);
        } catch (ChatException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        InetSocketAddress address = null;
        if (to.indexOf(':') >= 0) {
            try {
                address = HostPort.parse(to);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "TO " + e.getMessage(), e);
            }
        }
        PeerOptions.applyLogLevel(settings.logLevel());

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Events events = new Events();
        PeerNode node = PeerCommand.start(settings, events, err);
        if (node == null) {
            return 1;
        }
        RunningPeer peer = new RunningPeer(node, null, List.of());
        Thread hook = ownsProcess ? peer.installShutdownHook(1) : null;
        try {
            Delivered delivered = send(settings.config(), node, events, address, text, deadline);
            Json json = Json.event("delivered").put("id", delivered.id().hex()).put("to", delivered.to().name())
                    .put("fingerprint", delivered.to().fingerprint());
            out.println(settings.json() ? json.toString() : EventReports.report(delivered).text());
            out.flush();
            return 0;
        } catch (NotDelivered e) {
            err.println("peer send: not delivered to " + to + ": " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            peer.close();
            RunningPeer.removeShutdownHook(hook);
        }
    }

    private Delivered send(PeerConfig config, PeerNode node, Events events, InetSocketAddress address, String text,
            long deadline) throws NotDelivered, InterruptedException {
        if (config.hasTracker()) {
            PeerEvent registration = events.await(e -> e instanceof Registered || e instanceof RegistrationRefused,
                    deadline);
            if (registration == null) {
                throw new NotDelivered("the tracker at " + config.trackerHost() + ":" + config.trackerPort()
                        + " did not answer within " + timeoutSeconds + " s");
            }
            if (registration instanceof RegistrationRefused refused) {
                throw new NotDelivered("the tracker refused the name " + refused.name() + ": " + refused.code());
            }
        }
        String name = to;
        if (address != null) {
            String target = HostPort.format(address);
            InetSocketAddress expected = address;
            complete(node.connect(to), deadline);
            PeerEvent outcome = events.await(e -> (e instanceof Connected c && expected.equals(c.address()))
                    || (e instanceof ConnectFailed f && f.target().equals(target)), deadline);
            if (outcome == null) {
                throw new NotDelivered("no answer from " + target + " within " + timeoutSeconds + " s");
            }
            if (outcome instanceof ConnectFailed failed) {
                throw new NotDelivered("could not connect: " + failed.reason());
            }
            name = ((Connected) outcome).peer().name();
        }
        MessageId id = complete(node.send(name, text), deadline);
        PeerEvent outcome = events.await(e -> (e instanceof Delivered d && d.id().equals(id))
                || (e instanceof Failed f && f.id().equals(id)), deadline);
        if (outcome == null) {
            throw new NotDelivered("no acknowledgement within " + timeoutSeconds + " s; message " + id
                    + " stays queued in " + config.dataDirectory() + " and goes out when a peer runs on it again");
        }
        if (outcome instanceof Failed failed) {
            throw new NotDelivered(failed.reason());
        }
        return (Delivered) outcome;
    }

    private <T> T complete(CompletableFuture<T> future, long deadline) throws NotDelivered, InterruptedException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new NotDelivered(Commands.problem(e));
        } catch (TimeoutException e) {
            throw new NotDelivered("no answer within " + timeoutSeconds + " s");
        }
    }

    /** Every event of this short-lived peer, kept so that one can be waited for after it happened. */
    private static final class Events implements PeerListener {
        private final List<PeerEvent> events = new ArrayList<>();

        @Override
        public synchronized void onEvent(PeerEvent event) {
            events.add(event);
            notifyAll();
        }

        /** The first event that matches, waiting until {@code deadline} (System.nanoTime); null if none came. */
        synchronized PeerEvent await(Predicate<PeerEvent> match, long deadline) throws InterruptedException {
            while (true) {
                for (PeerEvent event : events) {
                    if (match.test(event)) {
                        return event;
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return null;
                }
                wait(left);
            }
        }
    }
}
