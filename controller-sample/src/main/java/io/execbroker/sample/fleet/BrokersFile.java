package io.execbroker.sample.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the brokers file of {@code --brokers}: one JSON object keyed by broker id, each with the URL the page
 * connects to and the containers that broker serves (the containers of its Docker host), in order of preference.
 * <pre>{@code
 * {"host-a": {"url": "wss://host-a.example:8866/exec", "containers": ["web-1", "web-2"]},
 *  "host-b": {"url": "wss://host-b.example:8866/exec", "containers": ["db-1"]}}
 * }</pre>
 */
public final class BrokersFile {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BrokersFile() {
    }

    /** @throws IllegalArgumentException naming the file, the broker and what is wrong */
    public static Brokers load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("brokers file " + file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return parse(text, file.toString());
    }

    /** Parses the brokers file's text; {@code source} names it in messages. */
    public static Brokers parse(String text, String source) {
        String where = "brokers file " + source;
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object keyed by broker id");
        }
        List<BrokerRoute> routes = new ArrayList<>();
        try {
            for (Map.Entry<String, JsonNode> entry : root.properties()) {
                routes.add(route(entry.getKey(), entry.getValue()));
            }
            return Brokers.fleet(routes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static BrokerRoute route(String id, JsonNode node) {
        String name = "broker " + Shown.of(id);
        if (!node.isObject()) {
            throw new IllegalArgumentException(name + ": a " + node.getNodeType() + " (expected: an object {url,"
                + " containers})");
        }
        JsonNode url = node.get("url");
        if (url == null || !url.isTextual()) {
            throw new IllegalArgumentException(name + ": url missing (expected: a ws:// or wss:// URL)");
        }
        URI uri;
        try {
            uri = new URI(url.textValue());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + ": url " + Shown.of(url.textValue()) + " is not a URL ("
                + e.getReason() + ")", e);
        }
        return BrokerRoute.serving(id, uri, containers(name, node.get("containers")));
    }

    private static List<String> containers(String name, JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new IllegalArgumentException(name + ": containers missing or empty (expected: an array of the"
                + " container names it serves)");
        }
        List<String> containers = new ArrayList<>();
        for (JsonNode element : node) {
            String container = element.isTextual() ? element.textValue() : "";
            if (container.startsWith("/")) {
                container = container.substring(1);
            }
            if (!BrokerRoute.ID.matcher(container).matches()) {
                throw new IllegalArgumentException(name + ": container " + Shown.of(element.isTextual() ? element.textValue() : element.toString())
                    + " (expected: a Docker container name, [a-zA-Z0-9][a-zA-Z0-9_.-]*)");
            }
            if (containers.contains(container)) {
                throw new IllegalArgumentException(name + ": container " + container + " listed twice");
            }
            containers.add(container);
        }
        return containers;
    }
}
