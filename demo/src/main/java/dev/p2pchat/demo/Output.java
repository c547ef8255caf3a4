package dev.p2pchat.demo;

import java.io.PrintWriter;
import java.util.Collection;

/** The demo's one output: every program's lines, whole and in arrival order, each after its program's name. */
final class Output {
    static final String DEMO = "demo";
    static final String TRACKER = "tracker";

    private final PrintWriter out;
    private final int width;

    Output(PrintWriter out, Collection<String> peers) {
        this.out = out;
        this.width = Math.max(TRACKER.length(), peers.stream().mapToInt(String::length).max().orElse(0));
    }

    synchronized void line(String program, String line) {
        out.println(program + " ".repeat(Math.max(0, width - program.length())) + " | " + line);
        out.flush();
    }

    void say(String text) {
        line(DEMO, text);
    }
}
