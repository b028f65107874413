package dev.goldilocks.common.grpc;

import dev.goldilocks.common.config.ConfigNode;
import java.time.Duration;

/**
 * How a server drains when it is told to stop (SIGTERM).
 *
 * @param preStop how long health reports NOT_SERVING while the port still accepts calls, so that load
 *                balancers (a Kubernetes Service's endpoints) move away before the port closes; 0 for tests
 *                and the CLI, about the load balancer's probe period times its failure threshold in Kubernetes
 * @param grace   how long calls in flight may take to finish once the port no longer accepts; those still
 *                running then end with UNAVAILABLE and reason SHUTTING_DOWN
 */
public record DrainSettings(Duration preStop, Duration grace) {

    public static final DrainSettings DEFAULT = new DrainSettings(Duration.ZERO, Duration.ofSeconds(30));

    private static final double MAX_SECONDS = 3600;

    public DrainSettings {
        if (preStop.isNegative() || grace.isNegative()) {
            throw new IllegalArgumentException("drain periods must not be negative: " + preStop + ", " + grace);
        }
    }

    /** Reads {@code drain: {pre_stop_seconds, grace_seconds}}; an absent section reads as the defaults. */
    public static DrainSettings read(ConfigNode root) {
        return root.section("drain", node -> new DrainSettings(
                seconds(node.number("pre_stop_seconds", DEFAULT.preStop().toMillis() / 1000.0, 0, MAX_SECONDS)),
                seconds(node.number("grace_seconds", DEFAULT.grace().toMillis() / 1000.0, 0, MAX_SECONDS))));
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
