package dev.goldilocks.gateway.config;

import dev.goldilocks.common.config.ConfigNode;

/**
 * The OpenAI-compatible HTTP surface ({@code openai_http} in the gateway's YAML): off unless enabled.
 *
 * @param enabled               whether the gateway serves it
 * @param host                  interface to bind (default: the gateway's host)
 * @param port                  its port; 0 takes an ephemeral one
 * @param maxBodyBytes          the largest request body read; a larger one is 413
 * @param idleTimeoutSeconds    a keep-alive connection with no request in flight for this long is closed
 * @param requestTimeoutSeconds the deadline of the gRPC call behind each HTTP request (HTTP clients send none)
 * @param ioThreads             event-loop threads that read and write the sockets (they never block)
 */
public record OpenAiHttpSettings(boolean enabled, String host, int port, int maxBodyBytes, double idleTimeoutSeconds,
                                 double requestTimeoutSeconds, int ioThreads) {

    /** The port OpenAI-compatible servers (vLLM among them) listen on by default. */
    public static final int DEFAULT_PORT = 8000;
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    public static final double DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
    /** The OpenAI SDKs' own default timeout. */
    public static final double DEFAULT_REQUEST_TIMEOUT_SECONDS = 600;
    public static final int DEFAULT_IO_THREADS = 2;

    public static OpenAiHttpSettings off() {
        return new OpenAiHttpSettings(false, "127.0.0.1", DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES,
                DEFAULT_IDLE_TIMEOUT_SECONDS, DEFAULT_REQUEST_TIMEOUT_SECONDS, DEFAULT_IO_THREADS);
    }

    /** Enabled on {@code host:port} with every other setting at its default. */
    public static OpenAiHttpSettings on(String host, int port) {
        return new OpenAiHttpSettings(true, host, port, DEFAULT_MAX_BODY_BYTES, DEFAULT_IDLE_TIMEOUT_SECONDS,
                DEFAULT_REQUEST_TIMEOUT_SECONDS, DEFAULT_IO_THREADS);
    }

    public OpenAiHttpSettings withMaxBodyBytes(int bytes) {
        return new OpenAiHttpSettings(enabled, host, port, bytes, idleTimeoutSeconds, requestTimeoutSeconds, ioThreads);
    }

    /** Reads the {@code openai_http} section; an absent one is off. */
    static OpenAiHttpSettings read(ConfigNode node, String gatewayHost) {
        return new OpenAiHttpSettings(
                node.bool("enabled", false),
                node.string("host", gatewayHost),
                node.integer("port", DEFAULT_PORT, 0, 65535),
                node.integer("max_body_bytes", DEFAULT_MAX_BODY_BYTES, 1024, 1 << 30),
                node.number("idle_timeout_seconds", DEFAULT_IDLE_TIMEOUT_SECONDS, 1, 86_400),
                node.number("request_timeout_seconds", DEFAULT_REQUEST_TIMEOUT_SECONDS, 0.001, 86_400),
                node.integer("io_threads", DEFAULT_IO_THREADS, 1, 64));
    }
}
