package dev.goldilocks.store;

import java.util.Map;
import java.util.Objects;

/**
 * One experiment arm's exposures, summed per randomisation unit and then over units.
 *
 * @param domain   the domain the requests were routed for; "" for every domain together
 * @param units    distinct units (the unit's hash, or the request itself when it was randomised per request)
 * @param requests exposed requests
 * @param metrics  each metric's sums over units
 */
public record ArmTotals(String arm, String domain, long units, long requests, Map<ExposureMetric, RatioSums> metrics) {

    public ArmTotals {
        Objects.requireNonNull(arm, "arm");
        Objects.requireNonNull(domain, "domain");
        metrics = Map.copyOf(metrics);
    }
}
