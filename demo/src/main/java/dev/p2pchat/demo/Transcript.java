package dev.p2pchat.demo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the peers printed, read as it comes (safe from any thread): which expected messages arrived and how often,
 * which peers finished their script, and every sign of trouble (an {@code error:} line, a failed message, a message
 * held or not expected). Works on the peers' text output, the same lines a user reads.
 */
final class Transcript {
    /** How the peer command shows a received message: {@code <alice> hi} or {@code [all] <alice> hi}. */
    private static final Pattern MESSAGE = Pattern.compile("(\\[all\\] )?<([^>]+)> (.*)");
    private static final Pattern FAILED = Pattern.compile("#[0-9a-f]{8} to .+ failed: .*");
    /** What the peer command prints once its {@code --script} has run. */
    static final String SCRIPT_FINISHED = "* finished the script ";
    /** Problems kept word for word; more are counted, not stored. */
    static final int MAX_PROBLEMS = 100;

    private final List<Expectation> expected;
    private final int[] received;
    private final Set<String> finished = new HashSet<>();
    private final List<String> problems = new ArrayList<>();
    private int problemsNotKept;

    Transcript(List<Expectation> expected) {
        this.expected = List.copyOf(expected);
        this.received = new int[expected.size()];
    }

    /** Reads one line that {@code peer} printed on its standard output. */
    synchronized void add(String peer, String line) {
        Matcher message = MESSAGE.matcher(line);
        if (message.matches()) {
            received(peer, message.group(2), message.group(3), message.group(1) != null, line);
        } else if (line.startsWith(SCRIPT_FINISHED)) {
            finished.add(peer);
        } else if (line.startsWith("error: ") || line.startsWith("[held] ") || FAILED.matcher(line).matches()) {
            problem(peer + " printed \"" + line + "\"");
        }
    }

    private void received(String peer, String from, String text, boolean broadcast, String line) {
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i).matches(peer, from, text, broadcast)) {
                received[i]++;
                return;
            }
        }
        problem(peer + " received a message no script sent: \"" + line + "\"");
    }

    private void problem(String problem) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(problem);
        } else {
            problemsNotKept++;
        }
    }

    /** Whether every expected message has arrived. */
    synchronized boolean allArrived() {
        for (int count : received) {
            if (count == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the demo is over for the peers still running: every expected message arrived, and each of them has
     * run its whole script (those that stay on then wait for input; only the demo can end them).
     */
    synchronized boolean over(Collection<String> stillRunning) {
        return allArrived() && finished.containsAll(stillRunning);
    }

    synchronized boolean finishedScript(String peer) {
        return finished.contains(peer);
    }

    /** How many expected messages arrived, once or more. */
    synchronized int arrived() {
        int arrived = 0;
        for (int count : received) {
            arrived += count > 0 ? 1 : 0;
        }
        return arrived;
    }

    int expected() {
        return expected.size();
    }

    /** Everything wrong so far: messages missing or shown twice, then the lines that told of trouble. */
    synchronized List<String> problems() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            if (received[i] == 0) {
                all.add("missing: " + expected.get(i));
            } else if (received[i] > 1) {
                all.add("shown " + received[i] + " times: " + expected.get(i));
            }
        }
        all.addAll(problems);
        if (problemsNotKept > 0) {
            all.add("and " + problemsNotKept + " more problems");
        }
        return all;
    }
}
