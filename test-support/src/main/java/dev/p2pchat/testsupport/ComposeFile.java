package dev.p2pchat.testsupport;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * docker-compose.yml as the programs in its containers see it: for each service, the image target it runs, its
 * arguments, and its environment after Compose's own {@code ${VAR:-default}} substitution (with nothing set in the
 * caller's shell). Tests hold the file to the real command lines with it.
 */
public final class ComposeFile {
    /** One service: what it runs and with what. */
    public record Service(String name, String target, List<String> command, Map<String, String> environment,
            List<String> profiles) {
        public Service {
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
            profiles = List.copyOf(profiles);
        }

        /**
         * Parses this service's arguments with {@code commandLine}, its environment standing in for the
         * container's: each option whose default reads {@code ${env:NAME...}} gets NAME's value from the service,
         * as it would in the container. Fails as the program would (a {@link CommandLine.ParameterException}) on
         * an argument or value it refuses.
         */
        public CommandLine.ParseResult parse(CommandLine commandLine) {
            Map<ArgSpec, EnvDefault> defaults = defaults(commandLine.getCommandSpec());
            // A container sees only its own environment: a variable the service leaves unset takes the declared
            // fallback, never the value in the shell that runs the test.
            commandLine.setDefaultValueProvider(arg -> {
                EnvDefault declared = defaults.get(arg);
                return declared == null ? null : environment.getOrDefault(declared.variable(), declared.fallback());
            });
            return commandLine.parseArgs(command.toArray(String[]::new));
        }

        /** The environment variables set here that no option of {@code spec} (or its subcommands) reads. */
        public List<String> unreadVariables(CommandSpec spec) {
            TreeSet<String> unread = new TreeSet<>(environment.keySet());
            defaults(spec).values().forEach(declared -> unread.remove(declared.variable()));
            return List.copyOf(unread);
        }
    }

    /** How a picocli default names an environment variable: {@code ${env:NAME:-fallback}}. */
    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    /** An option's default: the value of {@code variable}, or {@code fallback} where it is unset. */
    private record EnvDefault(String variable, String fallback) {}
    /** Compose's substitution: {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR-default}}. */
    private static final Pattern SUBSTITUTION = Pattern.compile(
            "\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    private final Map<String, Service> services;

    private ComposeFile(Map<String, Service> services) {
        this.services = services;
    }

    public static ComposeFile read(Path file) throws IOException {
        Map<String, Object> root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = map(new Yaml(new SafeConstructor(new LoaderOptions())).load(reader), file.toString());
        }
        Map<String, Service> services = new LinkedHashMap<>();
        map(root.get("services"), "services").forEach((name, value) -> {
            Map<String, Object> service = map(value, "service " + name);
            Object build = service.get("build");
            String target = build instanceof Map<?, ?> options && options.get("target") != null
                    ? options.get("target").toString() : null;
            services.put(name, new Service(name, target, command(service.get("command")),
                    environment(service.get("environment")), strings(service.get("profiles"))));
        });
        return new ComposeFile(services);
    }

    public List<Service> services() {
        return List.copyOf(services.values());
    }

    /** The services that run the image built with {@code target}. */
    public List<Service> withTarget(String target) {
        return services.values().stream().filter(service -> target.equals(service.target())).toList();
    }

    public Service service(String name) {
        Service service = services.get(name);
        if (service == null) {
            throw new IllegalArgumentException("no service " + name + " in " + services.keySet());
        }
        return service;
    }

    /** The environment variable each option of {@code spec}, or of its subcommands, reads its default from. */
    private static Map<ArgSpec, EnvDefault> defaults(CommandSpec spec) {
        Map<ArgSpec, EnvDefault> variables = new LinkedHashMap<>();
        boolean interpolating = spec.interpolateVariables();
        spec.interpolateVariables(false); // the default as declared: ${env:NAME:-...}, not NAME's value here
        try {
            for (ArgSpec arg : spec.args()) {
                Matcher matcher = arg.defaultValue() == null ? null : ENV_DEFAULT.matcher(arg.defaultValue());
                if (matcher != null && matcher.matches()) {
                    variables.put(arg, new EnvDefault(matcher.group(1), matcher.group(2)));
                }
            }
        } finally {
            spec.interpolateVariables(interpolating);
        }
        spec.subcommands().values().forEach(sub -> variables.putAll(defaults(sub.getCommandSpec())));
        return variables;
    }

    private static List<String> command(Object command) {
        if (command == null) {
            return List.of();
        }
        if (command instanceof String text) {
            return text.isBlank() ? List.of() : List.of(substitute(text).strip().split("\\s+"));
        }
        return strings(command).stream().map(ComposeFile::substitute).toList();
    }

    private static Map<String, String> environment(Object environment) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> map) {
            map.forEach((key, value) -> variables.put(key.toString(), value == null ? "" : substitute(
                    value.toString())));
        } else if (environment != null) {
            for (String entry : strings(environment)) {
                int equals = entry.indexOf('=');
                variables.put(equals < 0 ? entry : entry.substring(0, equals),
                        equals < 0 ? "" : substitute(entry.substring(equals + 1)));
            }
        }
        return variables;
    }

    /** Compose's substitution with an empty shell environment: defaults where given, empty otherwise. */
    static String substitute(String value) {
        Matcher matcher = SUBSTITUTION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String replacement = matcher.group().equals("$$") ? "$"
                    : matcher.group(2) != null ? matcher.group(2) : "";
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("expected a list, found " + value);
        }
        return list.stream().map(String::valueOf).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(what + " is not a mapping");
        }
        return (Map<String, Object>) value;
    }
}
