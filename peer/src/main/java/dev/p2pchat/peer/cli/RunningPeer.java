package dev.p2pchat.peer.cli;

import dev.p2pchat.peer.api.PeerNode;
import java.util.List;

/**
 * A started peer with its output, stopped exactly once: by the end of input, {@code /quit}, Ctrl-D, or the
 * shutdown hook that SIGTERM and SIGINT run, whichever comes first.
 */
final class RunningPeer implements AutoCloseable {
    private final PeerNode node;
    private final Printer printer;
    private final List<AutoCloseable> alsoClose;
    private boolean closed;

    /**
     * @param printer where "stopped" is reported after the last events, then closed; null when nothing is printed
     * @param alsoClose closed last, in order (the shell's terminal)
     */
    RunningPeer(PeerNode node, Printer printer, List<AutoCloseable> alsoClose) {
        this.node = node;
        this.printer = printer;
        this.alsoClose = List.copyOf(alsoClose);
    }

    PeerNode node() {
        return node;
    }

    /** Says goodbye to every peer, gives the name up, prints the last events and "stopped", and closes. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        node.close();
        if (printer != null) {
            printer.print(Commands.stopped());
            printer.close();
        }
        for (AutoCloseable closeable : alsoClose) {
            try {
                closeable.close();
            } catch (Exception e) {
                // Nothing useful left to do with it while exiting.
            }
        }
    }

    /**
     * Makes SIGTERM and SIGINT close the peer and exit with {@code status}; without this the JVM exits 143 (or
     * 130) even after a clean stop, which supervisors read as a failure.
     *
     * @return the hook, for {@link #removeShutdownHook} once the peer stopped on its own
     */
    Thread installShutdownHook(int status) {
        Thread hook = new Thread(() -> {
            close();
            Runtime.getRuntime().halt(status);
        }, "p2pchat-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    static void removeShutdownHook(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running and exits the process itself.
        }
    }
}
