package dev.p2pchat.peer.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Commands read from a pipe, one per line, in UTF-8. A line longer than {@link #MAX_LINE_CHARS} is skipped to its
 * end and reported instead of held in memory: a runaway producer cannot exhaust the heap.
 */
final class LineInput implements AutoCloseable {
    /** Room for the longest message (64 KiB of ASCII) and the command around it, several times over. */
    static final int MAX_LINE_CHARS = 256 * 1024;

    /** One line, or the news that it was too long ({@code text} then holds its start). */
    record Line(String text, boolean tooLong) {}

    private final BufferedReader reader;

    LineInput(InputStream in) {
        this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** The next line without its line end, or null at the end of input. */
    Line next() throws IOException {
        StringBuilder line = new StringBuilder();
        boolean tooLong = false;
        int c;
        while ((c = reader.read()) >= 0 && c != '\n') {
            if (line.length() < MAX_LINE_CHARS) {
                line.append((char) c);
            } else {
                tooLong = true;
            }
        }
        if (c < 0 && line.length() == 0 && !tooLong) {
            return null;
        }
        if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
            line.setLength(line.length() - 1);
        }
        return new Line(line.toString(), tooLong);
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
