package io.execbroker.broker.policy;

/** Whether a grant may, or must, ask for a terminal. */
public enum TtyRule {
    /** Grants with and without a tty pass (the rule is not enforced). Config: {@code ttyAllowed: any}. */
    ANY,
    /** Only grants with a tty pass. Config: {@code ttyAllowed: true}. */
    REQUIRED,
    /** Only grants without a tty pass. Config: {@code ttyAllowed: false}. */
    FORBIDDEN;

    /**
     * Returns the rule for the config value {@code any}, {@code true} or {@code false}.
     *
     * @throws IllegalArgumentException naming the key for any other value
     */
    public static TtyRule parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("ttyAllowed: null (expected: true, false or any)");
        }
        return switch (value) {
            case "any" -> ANY;
            case "true" -> REQUIRED;
            case "false" -> FORBIDDEN;
            default -> throw new IllegalArgumentException("ttyAllowed: \"" + value + "\" (expected: true, false or any)");
        };
    }

    boolean allows(boolean tty) {
        return this == ANY || (this == REQUIRED) == tty;
    }
}
