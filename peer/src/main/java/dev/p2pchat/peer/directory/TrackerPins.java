package dev.p2pchat.peer.directory;

import dev.p2pchat.protocol.KeyFile;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker keys this peer trusts, by tracker (as configured, {@code HOST:PORT}), in {@value #FILE_NAME} in the
 * data directory: one line per tracker, the tracker and its key in hex. A key is pinned when the first registration
 * with a tracker proves it, and from then on a tracker at that address with another key is not believed. A damaged
 * line is skipped with a warning that names it; the file is rewritten only when a key is pinned.
 */
public final class TrackerPins {
    public static final String FILE_NAME = "trackers.tsv";
    /** Most trackers remembered; the oldest pin is forgotten first. */
    static final int MAX_PINS = 64;

    private static final Logger log = LoggerFactory.getLogger(TrackerPins.class);
    private static final HexFormat HEX = HexFormat.of();

    private final Path file;
    private final Map<String, Octets> pins;

    private TrackerPins(Path file, Map<String, Octets> pins) {
        this.file = file;
        this.pins = pins;
    }

    /** The pins kept in {@code dataDirectory}; none when there is no file yet. */
    public static TrackerPins load(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve(FILE_NAME);
        Map<String, Octets> pins = new LinkedHashMap<>();
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) {
                    continue;
                }
                Octets key = parse(line);
                if (key == null) {
                    log.warn("{} line {} is damaged and was skipped: {}", file, i + 1, line);
                    continue;
                }
                pins.put(line.substring(0, line.indexOf('\t')), key);
            }
        }
        return new TrackerPins(file, pins);
    }

    /** The key pinned for {@code tracker}, or null. */
    public synchronized Octets pinned(String tracker) {
        return pins.get(tracker);
    }

    /** Pins {@code key} for {@code tracker} and writes the file (atomically, readable by the owner only). */
    public synchronized void pin(String tracker, Octets key) throws IOException {
        pins.remove(tracker);
        pins.put(tracker, key);
        while (pins.size() > MAX_PINS) {
            String oldest = pins.keySet().iterator().next();
            log.warn("more than {} trackers pinned: forgot the oldest, {}", MAX_PINS, oldest);
            pins.remove(oldest);
        }
        StringBuilder text = new StringBuilder();
        pins.forEach((name, pinned) -> text.append(name).append('\t').append(pinned.toHex()).append('\n'));
        KeyFile.replacePrivately(file, text);
    }

    private static Octets parse(String line) {
        int tab = line.indexOf('\t');
        if (tab <= 0 || line.indexOf('\t', tab + 1) >= 0) {
            return null;
        }
        try {
            byte[] key = HEX.parseHex(line.substring(tab + 1).strip());
            return key.length == Wire.KEY_SIZE ? Octets.of(key) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
