package io.execbroker.broker.config;

/** A setting that stops the broker from starting; the message names the key and what was expected. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
