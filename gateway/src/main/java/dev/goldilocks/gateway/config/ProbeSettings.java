package dev.goldilocks.gateway.config;

import java.nio.file.Path;

/**
 * Probe traffic: held-out evaluation items sent to every candidate model at a low rate.
 *
 * @param enabled        whether probes run
 * @param itemsPerSecond how many items per second (each goes to every candidate model of its domain)
 * @param evalDir        folder of &lt;domain&gt;.jsonl evaluation sets
 */
public record ProbeSettings(boolean enabled, double itemsPerSecond, Path evalDir) {

    public static ProbeSettings off() {
        return new ProbeSettings(false, 0.5, Path.of("models/eval"));
    }
}
