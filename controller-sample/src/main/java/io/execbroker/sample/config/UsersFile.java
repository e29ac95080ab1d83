package io.execbroker.sample.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.protocol.grant.InvalidGrantException;
import io.execbroker.sample.auth.PasswordHash;
import io.execbroker.sample.auth.UserAccount;
import io.execbroker.sample.auth.Users;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the users file: one JSON object keyed by user name, each with a password hash and the user's grants in the
 * grant JSON of DESIGN.md §5. The grant's {@code subject} is always the user name, whatever the file says.
 * <pre>{@code
 * {"alice": {"hash": "pbkdf2-sha256$210000$…$…",
 *            "grants": [{"container": "servertest", "command": ["/bin/sh"], "tty": true}]}}
 * }</pre>
 */
public final class UsersFile {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private UsersFile() {
    }

    /** @throws IllegalArgumentException naming the file, the user and the bad field */
    public static Users load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("users file " + file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return parse(text, file.toString());
    }

    /** Parses the users file's text; {@code source} names it in messages. */
    public static Users parse(String text, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("users file " + source + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("users file " + source + ": expected a JSON object keyed by user name");
        }
        Map<String, UserAccount> accounts = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String where = "users file " + source + ", user \"" + entry.getKey() + "\"";
            accounts.put(entry.getKey(), account(entry.getKey(), entry.getValue(), where));
        }
        return new Users(accounts);
    }

    private static UserAccount account(String name, JsonNode node, String where) {
        if (name.isEmpty() || !node.isObject()) {
            throw new IllegalArgumentException(where + ": expected a non-empty name and an object {hash, grants}");
        }
        JsonNode hash = node.get("hash");
        if (hash == null || !hash.isTextual()) {
            throw new IllegalArgumentException(where + ": hash missing (expected: a string from hash-password)");
        }
        PasswordHash passwordHash;
        try {
            passwordHash = PasswordHash.parse(hash.textValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        return new UserAccount(name, passwordHash, grants(name, node.get("grants"), where));
    }

    private static List<ExecGrant> grants(String name, JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(where + ": grants is a " + node.getNodeType() + " (expected: an array)");
        }
        List<ExecGrant> grants = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            try {
                grants.add(GrantJson.parse(node.get(i).toString(), null).toBuilder().subject(name).build());
            } catch (InvalidGrantException e) {
                throw new IllegalArgumentException(where + ", grants[" + i + "]: " + e.getMessage(), e);
            }
        }
        return grants;
    }
}
