package dev.p2pchat.peer.cli;

/** Text from other peers made safe to print on one line of a terminal. */
final class Text {
    private Text() {}

    /**
     * {@code value} with every character that could end the line, move the cursor, start a terminal escape
     * sequence or reorder what follows (bidirectional controls) shown as an escape instead: a remote peer cannot
     * forge a line of output or take over the terminal.
     */
    static String safe(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String escape = escape(value, i, c);
            if (escape == null && out == null) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            if (escape == null) {
                out.append(c);
            } else {
                out.append(escape);
            }
        }
        return out == null ? value : out.toString();
    }

    private static String escape(String value, int i, char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                break;
        }
        boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
        boolean layout = c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f' || c == '\u061c';
        boolean unpaired = Character.isHighSurrogate(c)
                ? i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))
                : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(value.charAt(i - 1)));
        if (control && c <= 0xff) {
            return String.format("\\x%02x", (int) c);
        }
        return layout || unpaired ? String.format("\\u%04x", (int) c) : null;
    }
}
