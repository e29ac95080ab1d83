package io.execbroker.broker.config;

import io.execbroker.broker.policy.PolicyRules;

import java.util.ArrayList;
import java.util.List;

/**
 * The risks a valid configuration still leaves open, said once at start-up so an operator sees them before a
 * user does. None stops the broker: each can be what the operator wants, but none should be an accident.
 */
public final class StartupWarnings {
    private StartupWarnings() {
    }

    /** Returns one sentence per risk in {@code cfg}, naming the key that closes it; empty if none. */
    public static List<String> of(BrokerConfig cfg) {
        List<String> warnings = new ArrayList<>();
        PolicyRules policy = cfg.settings().policy();
        if (!policy.commands().isEmpty() && policy.envKeys().isEmpty()) {
            warnings.add("policy.commands is set but policy.envKeys is not: a grant may set any environment "
                + "variable, PATH and LD_PRELOAD included, and so run other code than the allowed commands");
        }
        if (policy.users().isEmpty()) {
            warnings.add("policy.users is not set: a grant may name any exec user, root included");
        }
        if (cfg.jwt().isPresent() && !cfg.jwtAudience().equals(cfg.identity().id()) && cfg.jwt().get().singleUseJti()) {
            warnings.add("jwt.audience " + cfg.jwtAudience() + " is not broker.id " + cfg.identity().id() + ": a token"
                + " for that audience is taken by every broker that has it, and each keeps its own record of used jti"
                + " values, so a single-use token can be used once on each of them (unset jwt.audience to bind tokens"
                + " to this broker)");
        }
        return warnings;
    }
}
