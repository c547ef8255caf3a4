package dev.p2pchat.protocol.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the published test vectors beside these tests: the {@code .txt} files ({@code # case} starts a case,
 * {@code name = hex} lines fill it, other {@code #} lines are comments) and {@code noise.json}.
 */
final class CryptoVectors {
    private static final HexFormat HEX = HexFormat.of();

    private CryptoVectors() {}

    /** One case of a {@code .txt} file: its title and its fields. */
    record Case(String title, Map<String, String> fields) {
        byte[] bytes(String name) {
            String value = fields.get(name);
            if (value == null) {
                throw new IllegalArgumentException(title + " has no field " + name);
            }
            return HEX.parseHex(value);
        }

        @Override
        public String toString() {
            return title;
        }
    }

    static List<Case> cases(String resource) {
        List<Case> cases = new ArrayList<>();
        Map<String, String> fields = null;
        for (String line : read(resource).split("\n", -1)) {
            if (line.startsWith("# case ")) {
                fields = new LinkedHashMap<>();
                cases.add(new Case(line.substring("# case ".length()), fields));
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int equals = line.indexOf(" = ");
                if (fields == null || equals < 0) {
                    throw new IllegalArgumentException(resource + ": not a field of a case: " + line);
                }
                // "salt = " with nothing after it is a zero-length value.
                String name = line.substring(0, equals);
                if (fields.put(name, line.substring(equals + 3).strip()) != null) {
                    throw new IllegalArgumentException(resource + ": field " + name + " twice in one case");
                }
            }
        }
        return cases;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> noiseVectors() {
        Map<String, Object> root = (Map<String, Object>) MiniJson.parse(read("noise.json"));
        return (List<Map<String, Object>>) root.get("vectors");
    }

    static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    private static String read(String resource) {
        try (InputStream in = CryptoVectors.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
