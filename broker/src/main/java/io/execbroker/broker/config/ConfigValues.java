package io.execbroker.broker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The raw settings, layered: defaults, then the config file (YAML or JSON), then {@code EXEC_BROKER_…} environment
 * variables, then command-line flags. Typed getters check each value and name the key when it is wrong.
 * Immutable.
 */
public final class ConfigValues {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final Map<String, String> values;

    private ConfigValues(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * Returns the layered values.
     *
     * @param file the config file, if any (YAML, or JSON, which is YAML too)
     * @param env the environment, like {@code System.getenv()}
     * @param flags values from flags, by key path
     * @throws ConfigException for an unreadable file or an unknown key
     */
    public static ConfigValues load(Optional<Path> file, Map<String, String> env, Map<String, String> flags)
            throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKey.ALL) {
            if (key.defaultValue() != null) {
                values.put(key.path(), key.defaultValue());
            }
        }
        if (file.isPresent()) {
            values.putAll(readFile(file.get()));
        }
        for (ConfigKey key : ConfigKey.ALL) {
            String value = env.get(key.envName());
            if (value != null) {
                values.put(key.path(), value);
            }
        }
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            ConfigKey.of(flag.getKey());
            values.put(flag.getKey(), flag.getValue());
        }
        return new ConfigValues(values);
    }

    private static Map<String, String> readFile(Path file) throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("config file " + file + ": cannot read it: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return Map.of();
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + ": expected a mapping of keys");
        }
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", root, flat, file);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) throws ConfigException {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String path = prefix + field.getKey();
            JsonNode value = field.getValue();
            boolean known = ConfigKey.ALL.stream().anyMatch(k -> k.path().equals(path));
            if (value.isObject() && !known) {
                flatten(path + ".", value, out, file);
            } else if (!known) {
                throw new ConfigException("config file " + file + ": unknown key " + path
                    + " (see docs/configuration.md for the keys)");
            } else if (ConfigKey.of(path).type() == ConfigKey.Type.JSON) {
                out.put(path, value.isTextual() ? value.textValue() : value.toString());
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(item -> items.add(item.asText()));
                out.put(path, String.join(",", items));
            } else if (value.isValueNode()) {
                out.put(path, value.isNull() ? "" : value.asText());
            } else {
                throw new ConfigException(path + ": a mapping (expected: a " + ConfigKey.of(path).type() + ")");
            }
        }
    }

    /** Returns the value of {@code path}, if set and not empty. */
    public Optional<String> string(String path) {
        ConfigKey.of(path);
        String value = values.get(path);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public int integer(String path, int min) throws ConfigException {
        String value = required(path);
        try {
            int n = Integer.parseInt(value);
            if (n < min) {
                throw new ConfigException(path + ": " + value + " (expected: an integer >= " + min + ")");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(path + ": " + value + " (expected: an integer >= " + min + ")");
        }
    }

    public double decimal(String path) throws ConfigException {
        String value = required(path);
        try {
            double d = Double.parseDouble(value);
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException(path + ": " + value + " (expected: a number > 0)");
        }
    }

    public boolean bool(String path) throws ConfigException {
        String value = required(path);
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(path + ": " + value + " (expected: true or false)");
        };
    }

    /** Returns whole seconds as a duration; {@code min} is the smallest allowed. */
    public Duration seconds(String path, int min) throws ConfigException {
        return Duration.ofSeconds(integer(path, min));
    }

    public List<String> strings(String path) {
        return string(path).map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
            .orElse(List.of());
    }

    /** Returns a JSON value given as text, if set. */
    public Optional<JsonNode> json(String path) throws ConfigException {
        Optional<String> value = string(path);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(YAML.readTree(value.get()));
        } catch (IOException e) {
            throw new ConfigException(path + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** Returns an http(s) URL, if set. */
    public Optional<URI> url(String path) throws ConfigException {
        Optional<String> value = string(path);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value.get());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException(path + ": " + value.get() + " (expected: an http or https URL)");
            }
            return Optional.of(uri);
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(path + ": " + value.get() + " (expected: an http or https URL)");
        }
    }

    /** Returns a readable file, if set. */
    public Optional<Path> file(String path) throws ConfigException {
        Optional<String> value = string(path);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Path file = Path.of(value.get());
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new ConfigException(path + ": " + file + " (expected: a readable file)");
        }
        return Optional.of(file);
    }

    private String required(String path) throws ConfigException {
        return string(path).orElseThrow(() -> new ConfigException(path + ": missing (expected: a "
            + ConfigKey.of(path).type().name().toLowerCase(java.util.Locale.ROOT) + ")"));
    }
}
