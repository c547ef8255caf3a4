package dev.p2pchat.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A program's packaged jar, run as a user runs it: {@code java -jar}, with the JVM that runs the tests. */
public final class PackagedJar {
    private PackagedJar() {}

    /**
     * {@code java -jar JAR ARGS} for {@code program} ({@code tracker}, {@code peer}): the jar the system property
     * {@code PROGRAM.jar} names, else the one the program's module builds, as seen from any module's directory.
     *
     * @throws AssertionError if there is no such jar (mvn package builds it)
     */
    public static List<String> command(String program, String... args) {
        Path jar = Path.of(System.getProperty(program + ".jar",
                "../" + program + "/target/p2pchat-" + program + ".jar"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError("the " + program + " jar is not at " + jar.toAbsolutePath()
                    + " (mvn package builds it)");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }
}
