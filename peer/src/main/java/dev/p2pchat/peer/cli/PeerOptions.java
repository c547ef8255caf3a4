package dev.p2pchat.peer.cli;

import ch.qos.logback.classic.Level;
import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.peer.api.PeerConfig;
import dev.p2pchat.protocol.Octets;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every peer command shares (the chat and {@code send}), each with an environment-variable default so
 * that a container needs no arguments. {@link #settings} checks them all once, before anything starts.
 */
final class PeerOptions {
    /** Log levels a user may pick. */
    enum LogLevel { ERROR, WARN, INFO, DEBUG, TRACE }

    /** Everything the options say, checked. */
    record Settings(PeerConfig config, boolean json, LogLevel logLevel) {}

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "${env:P2PCHAT_NAME:-}",
            description = "Name to go by (required): 1 to 32 of a-z, 0-9, '.', '_', '-', starting with a letter or "
                    + "digit [P2PCHAT_NAME].")
    String name;

    @Option(names = "--tracker", paramLabel = "HOST:PORT", defaultValue = "${env:P2PCHAT_TRACKER:-}",
            description = "Tracker to register with and look peers up at; the port defaults to "
                    + PeerConfig.DEFAULT_TRACKER_PORT + ". Empty for none: peers are then reached by address "
                    + "[P2PCHAT_TRACKER]. Default: none.")
    String tracker;

    @Option(names = "--tracker-key", paramLabel = "HEX", defaultValue = "${env:P2PCHAT_TRACKER_KEY:-}",
            description = "The tracker's key, as its operator printed it (64 hex digits); only a tracker holding "
                    + "it is believed [P2PCHAT_TRACKER_KEY]. Default: trust the key of the first registration "
                    + "and keep it in the data directory.")
    String trackerKey;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "${env:P2PCHAT_BIND:-0.0.0.0}",
            description = "Local address of the UDP socket; 0.0.0.0 for every interface [P2PCHAT_BIND]. "
                    + "Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:P2PCHAT_PORT:-0}",
            description = "Local UDP port; 0 picks a free one, printed at start [P2PCHAT_PORT]. "
                    + "Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", split = ",",
            defaultValue = "${env:P2PCHAT_BOOTSTRAP:-}",
            description = "Peer to connect to by address at start; repeat the option or separate with commas "
                    + "[P2PCHAT_BOOTSTRAP]. Default: none.")
    List<String> bootstrap = new ArrayList<>();

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:P2PCHAT_DATA_DIR:-}",
            description = "Where the identity key, the messages and contacts (p2pchat.db) are kept "
                    + "[P2PCHAT_DATA_DIR]. "
                    + "Default: ~/.p2pchat/NAME.")
    String dataDir;

    @Option(names = "--friends-only", defaultValue = "${env:P2PCHAT_FRIENDS_ONLY:-false}",
            description = "Hold messages from peers that are not friends instead of showing them "
                    + "[P2PCHAT_FRIENDS_ONLY=true|false]. Default: ${DEFAULT-VALUE}.")
    boolean friendsOnly;

    @Option(names = "--message-ttl", paramLabel = "DURATION", defaultValue = "${env:P2PCHAT_MESSAGE_TTL:-7d}",
            description = "How long a message waits for its receiver before it fails as expired: minutes, hours "
                    + "or days such as 90m, 12h, 30d (1m to 365d) [P2PCHAT_MESSAGE_TTL]. Default: ${DEFAULT-VALUE}.")
    String messageTtl;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "${env:P2PCHAT_LOG_LEVEL:-WARN}",
            description = "One of ${COMPLETION-CANDIDATES}; logs go to standard error [P2PCHAT_LOG_LEVEL]. "
                    + "Default: ${DEFAULT-VALUE}.")
    LogLevel logLevel;

    @Option(names = "--json", defaultValue = "${env:P2PCHAT_JSON:-false}",
            description = "Print one JSON object per line instead of text (implies line mode, no shell) "
                    + "[P2PCHAT_JSON=true|false]. Default: ${DEFAULT-VALUE}.")
    boolean json;

    /** Checks every option; a bad one becomes a {@link ParameterException} (exit code 2) that says what is wrong. */
    Settings settings(CommandLine commandLine) {
        try {
            return new Settings(config(), json, logLevel);
        } catch (IllegalArgumentException e) { // InvalidPathException among them
            throw new ParameterException(commandLine, e.getMessage(), e);
        }
    }

    private PeerConfig config() {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("--name is required (or set P2PCHAT_NAME)");
        }
        Path data = dataDir == null || dataDir.isBlank()
                ? Path.of(System.getProperty("user.home"), ".p2pchat", name)
                : Path.of(dataDir);
        PeerConfig.Builder builder = PeerConfig.builder(name, data)
                .bind(bind, port)
                .bootstrap(bootstrapAddresses())
                .friendsOnly(friendsOnly)
                .messageTtl(duration("--message-ttl", messageTtl.strip()));
        if (tracker != null && !tracker.isBlank()) {
            String[] hostAndPort = splitHostPort(tracker.strip());
            builder.tracker(hostAndPort[0], hostAndPort[1] == null ? PeerConfig.DEFAULT_TRACKER_PORT
                    : port("--tracker", tracker, hostAndPort[1]));
        }
        if (trackerKey != null && !trackerKey.isBlank()) {
            builder.trackerKey(trackerKey(trackerKey.strip()));
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([mhd])");

    private static Duration duration(String option, String text) {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a duration: give a number and m, h "
                    + "or d, such as 90m, 12h or 7d");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static Octets trackerKey(String hex) {
        try {
            return Octets.fromHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tracker-key '" + hex + "' is not hex: give the 64 hex digits the "
                    + "tracker printed after 'tracker key'", e);
        }
    }

    private List<InetSocketAddress> bootstrapAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String peer : bootstrap) {
            if (peer.isBlank()) {
                continue; // an empty P2PCHAT_BOOTSTRAP, or a trailing comma
            }
            try {
                addresses.add(HostPort.parse(peer.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--bootstrap " + e.getMessage(), e);
            }
        }
        return addresses;
    }

    /**
     * {@code host:port}, {@code [v6]:port} or a bare host, checked for form only: the tracker's name is resolved
     * when the peer starts, and again when the tracker goes quiet (it may move, as containers do).
     */
    private static String[] splitHostPort(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || (close + 1 < text.length() && text.charAt(close + 1) != ':')) {
                throw new IllegalArgumentException("--tracker '" + text + "' is not HOST:PORT");
            }
            String port = close + 1 < text.length() ? text.substring(close + 2) : null;
            return new String[] {text.substring(1, close), port};
        }
        int colon = text.indexOf(':');
        if (colon != text.lastIndexOf(':')) {
            throw new IllegalArgumentException("--tracker '" + text + "': put an IPv6 address in brackets, as "
                    + "[::1]:7070");
        }
        if (colon == 0) {
            throw new IllegalArgumentException("--tracker '" + text + "' has no host");
        }
        return colon < 0 ? new String[] {text, null}
                : new String[] {text.substring(0, colon), text.substring(colon + 1)};
    }

    private static int port(String option, String text, String port) {
        try {
            int value = Integer.parseInt(port);
            if (value >= 1 && value <= 65535) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " '" + text + "': the port must be a number from 1 to 65535");
    }

    static void applyLogLevel(LogLevel level) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.toLevel(level.name()));
    }
}
