package dev.goldilocks.common.config;

/** A configuration error; the message starts with the offending key's path. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
