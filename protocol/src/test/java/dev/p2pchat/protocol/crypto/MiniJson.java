package dev.p2pchat.protocol.crypto;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict JSON reader (RFC 8259) for the Noise test vectors. The protocol module has no JSON library, and the
 * test-support module's parser is out of reach because test-support depends on this module.
 *
 * <p>Objects become {@link LinkedHashMap}s (a repeated key is an error), arrays {@link ArrayList}s, numbers
 * {@link BigDecimal}s; anything malformed, or left after the value, throws {@link IllegalArgumentException}.
 */
final class MiniJson {
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final String text;
    private int position;

    private MiniJson(String text) {
        this.text = text;
    }

    static Object parse(String text) {
        MiniJson reader = new MiniJson(text);
        Object value = reader.value();
        reader.skipWhitespace();
        if (reader.position != text.length()) {
            throw reader.error("trailing characters");
        }
        return value;
    }

    private Object value() {
        skipWhitespace();
        if (position == text.length()) {
            throw error("a value is missing");
        }
        char first = text.charAt(position);
        if (first == '{') {
            return object();
        } else if (first == '[') {
            return array();
        } else if (first == '"') {
            return string();
        } else if (text.startsWith("true", position)) {
            position += 4;
            return Boolean.TRUE;
        } else if (text.startsWith("false", position)) {
            position += 5;
            return Boolean.FALSE;
        } else if (text.startsWith("null", position)) {
            position += 4;
            return null;
        }
        Matcher number = NUMBER.matcher(text).region(position, text.length());
        if (!number.lookingAt()) {
            throw error("not a JSON value");
        }
        position = number.end();
        return new BigDecimal(number.group());
    }

    private Map<String, Object> object() {
        Map<String, Object> members = new LinkedHashMap<>();
        expect('{');
        skipWhitespace();
        if (accept('}')) {
            return members;
        }
        do {
            skipWhitespace();
            String key = string();
            skipWhitespace();
            expect(':');
            if (members.containsKey(key)) {
                throw error("repeated key " + key);
            }
            members.put(key, value());
            skipWhitespace();
        } while (accept(','));
        expect('}');
        return members;
    }

    private List<Object> array() {
        List<Object> elements = new ArrayList<>();
        expect('[');
        skipWhitespace();
        if (accept(']')) {
            return elements;
        }
        do {
            elements.add(value());
            skipWhitespace();
        } while (accept(','));
        expect(']');
        return elements;
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (position == text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(position++);
            if (c == '"') {
                return out.toString();
            } else if (c < 0x20) {
                throw error("control character in a string");
            } else if (c != '\\') {
                out.append(c);
            } else if (position == text.length()) {
                throw error("unterminated escape");
            } else {
                char escape = text.charAt(position++);
                switch (escape) {
                    case '"', '\\', '/' -> out.append(escape);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> out.append(unicodeEscape());
                    default -> throw error("bad escape \\" + escape);
                }
            }
        }
    }

    private char unicodeEscape() {
        if (position + 4 > text.length()) {
            throw error("short \\u escape");
        }
        String digits = text.substring(position, position + 4);
        if (!digits.matches("[0-9a-fA-F]{4}")) {
            throw error("bad \\u escape");
        }
        position += 4;
        return (char) Integer.parseInt(digits, 16);
    }

    private void skipWhitespace() {
        while (position < text.length() && " \t\r\n".indexOf(text.charAt(position)) >= 0) {
            position++;
        }
    }

    private boolean accept(char c) {
        if (position < text.length() && text.charAt(position) == c) {
            position++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!accept(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(String reason) {
        return new IllegalArgumentException(reason + " at character " + position);
    }
}
