package dev.p2pchat.peer.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * One JSON object, built field by field in order and written on one line. Only what the command line prints:
 * strings, whole numbers, booleans, null, nested objects and arrays of objects or strings.
 */
final class Json {
    private final StringBuilder out = new StringBuilder("{");

    static Json event(String event) {
        return new Json().put("event", event);
    }

    Json put(String name, String value) {
        key(name);
        if (value == null) {
            out.append("null");
        } else {
            string(out, value);
        }
        return this;
    }

    Json put(String name, long value) {
        key(name).append(value);
        return this;
    }

    Json put(String name, boolean value) {
        key(name).append(value);
        return this;
    }

    Json putNull(String name) {
        key(name).append("null");
        return this;
    }

    Json put(String name, Json value) {
        key(name).append(value);
        return this;
    }

    Json putObjects(String name, List<Json> values) {
        StringBuilder array = key(name).append('[');
        for (int i = 0; i < values.size(); i++) {
            array.append(i == 0 ? "" : ",").append(values.get(i));
        }
        array.append(']');
        return this;
    }

    Json putStrings(String name, List<String> values) {
        List<String> quoted = new ArrayList<>(values.size());
        for (String value : values) {
            StringBuilder one = new StringBuilder();
            string(one, value);
            quoted.add(one.toString());
        }
        key(name).append('[').append(String.join(",", quoted)).append(']');
        return this;
    }

    private StringBuilder key(String name) {
        if (out.length() > 1) {
            out.append(',');
        }
        string(out, name);
        return out.append(':');
    }

    @Override
    public String toString() {
        return out + "}";
    }

    /**
     * Appends {@code value} as a JSON string. Quote, backslash and every control character are escaped (so a
     * message never breaks the one-object-per-line output), as are U+2028 and U+2029 (line breaks to
     * JavaScript) and unpaired surrogates (which UTF-8 cannot carry).
     */
    static void string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        unicodeEscape(out, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.append(c).append(value.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicodeEscape(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append(String.format("\\u%04x", (int) c));
    }
}
