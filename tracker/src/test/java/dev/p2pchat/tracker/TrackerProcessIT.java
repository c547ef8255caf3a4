package dev.p2pchat.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.testsupport.PackagedJar;
import dev.p2pchat.testsupport.TrackerTestClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The packaged tracker jar, started as an operator would, registered with, and stopped with SIGTERM. */
@Timeout(60)
class TrackerProcessIT {
    private static final Pattern LISTENING = Pattern.compile("tracker listening on udp ([0-9.]+):(\\d+)");
    private static final Pattern METRICS = Pattern.compile("metrics on (http://\\S+)");
    private static final Pattern KEY = Pattern.compile("^tracker key ([0-9a-f]{64}) \\(peers: --tracker-key \\1\\)$");

    /** Where the tracker keeps its key: never the home directory of whoever runs the tests. */
    @TempDir
    Path dataDir;

    /**
     * A standard STUN client (coturn's, installed by .ci/run) learns its address from the tracker's port. Under CI it
     * must be there; elsewhere the test is skipped without it.
     */
    @Test
    void shouldTellAStandardStunClientItsAddress() throws Exception {
        boolean installed = Files.isExecutable(Path.of("/usr/bin/turnutils_stunclient"));
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(installed, "coturn's turnutils_stunclient is not installed (apt-get install coturn)");
        }
        Process tracker = new ProcessBuilder(PackagedJar.command("tracker", "--bind", "127.0.0.1", "--port", "0",
                "--data-dir", dataDir.toString()))
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(tracker.getInputStream(), StandardCharsets.UTF_8))) {
            Matcher listening = LISTENING.matcher(String.valueOf(out.readLine()));
            assertThat(listening.find()).as("first line of standard output").isTrue();

            Process client = new ProcessBuilder("turnutils_stunclient", "-p", listening.group(2), listening.group(1))
                    .redirectErrorStream(true).start();
            client.getOutputStream().close();
            String printed = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.waitFor(10, TimeUnit.SECONDS)).as("client exited").isTrue();

            assertThat(client.exitValue()).as(printed).isZero();
            assertThat(printed).containsPattern("UDP reflexive addr: 127\\.0\\.0\\.1:\\d+");
        } finally {
            tracker.destroyForcibly();
            tracker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldServeARegistrationAndExitZeroPromptlyOnSigterm() throws Exception {
        Path stderr = Files.createTempFile("tracker", ".err");
        Process tracker = new ProcessBuilder(PackagedJar.command("tracker", "--bind", "127.0.0.1", "--port", "0",
                "--metrics-port", "0", "--data-dir", dataDir.toString()))
                .redirectError(stderr.toFile())
                .start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(tracker.getInputStream(), StandardCharsets.UTF_8))) {
            Matcher listening = LISTENING.matcher(String.valueOf(out.readLine()));
            assertThat(listening.find()).as("first line of standard output").isTrue();
            Matcher key = KEY.matcher(String.valueOf(out.readLine()));
            assertThat(key.find()).as("second line of standard output: the key peers pin").isTrue();
            Matcher metrics = METRICS.matcher(String.valueOf(out.readLine()));
            assertThat(metrics.find()).isTrue();
            InetSocketAddress address =
                    new InetSocketAddress(listening.group(1), Integer.parseInt(listening.group(2)));

            try (TrackerTestClient client = new TrackerTestClient(address)) {
                client.fetchCookie();
                assertThat(client.trackerKey()).as("the key the cookie challenge announces is the one printed")
                        .isEqualTo(Octets.of(HexFormat.of().parseHex(key.group(1))));
                assertThat(client.register(Identity.generate(new SecureRandom()), "alice"))
                        .isInstanceOf(Registered.class);
                assertThat(client.lookup("alice")).isInstanceOf(LookupResult.class);
            }
            HttpResponse<String> scrape = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(metrics.group(1))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body()).contains("p2pchat_tracker_registered_peers 1",
                    "p2pchat_tracker_received_total{type=\"register\"} 1",
                    "p2pchat_tracker_received_total{type=\"sealed\"} 1",
                    "p2pchat_tracker_received_total{type=\"lookup\"} 1",
                    "p2pchat_tracker_sent_total{type=\"lookup_result\"} 1",
                    "p2pchat_tracker_dropped_total{reason=\"unsealed\"} 0",
                    "p2pchat_tracker_dropped_total{reason=\"session_unknown\"} 0",
                    "p2pchat_tracker_dropped_total{reason=\"bad_seal\"} 0",
                    "p2pchat_tracker_dropped_total{reason=\"stale_register\"} 0");

            long stopAsked = System.nanoTime();
            tracker.destroy(); // SIGTERM
            assertThat(tracker.waitFor(5, TimeUnit.SECONDS)).as("exited").isTrue();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopAsked);
            assertThat(tracker.exitValue()).isZero();
            assertThat(stopMillis).as("milliseconds from SIGTERM to exit").isLessThan(2000);
            assertThat(Files.readString(stderr)).contains("stopping: final stats peers=1");
        } finally {
            tracker.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }

    /** The key is made on the first start, printed, and the same after a restart on the same data directory. */
    @Test
    void shouldPrintItsKeyAtStartAndKeepItAcrossARestartOnTheSameDataDirectory() throws Exception {
        String first = startedKey(dataDir);
        assertThat(Files.readString(dataDir.resolve("tracker.key"))).as("the key file").startsWith(
                "p2pchat tracker x25519 private key v1\n");

        assertThat(startedKey(dataDir)).as("after a restart").isEqualTo(first);
        assertThat(startedKey(dataDir.resolve("other"))).as("another data directory").isNotEqualTo(first);
    }

    /** Starts a tracker on {@code directory}, reads the key line it prints, and stops it. */
    private static String startedKey(Path directory) throws Exception {
        Process tracker = new ProcessBuilder(PackagedJar.command("tracker", "--bind", "127.0.0.1", "--port", "0",
                "--data-dir", directory.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(tracker.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(LISTENING.matcher(String.valueOf(out.readLine())).find()).as("first line").isTrue();
            String line = String.valueOf(out.readLine());
            Matcher key = KEY.matcher(line);
            assertThat(key.find()).as("second line: %s", line).isTrue();
            return key.group(1);
        } finally {
            tracker.destroy();
            if (!tracker.waitFor(5, TimeUnit.SECONDS)) {
                tracker.destroyForcibly();
            }
        }
    }
}
