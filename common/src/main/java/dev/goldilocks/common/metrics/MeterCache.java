package dev.goldilocks.common.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Meters found by their labels once. Micrometer's {@code Counter.builder(...).register(registry)} builds an id,
 * sorts its tags and looks the meter up in the registry on every call: on a request path that records several
 * meters per request this was about 5% of the gateway's CPU (JFR, load-tests/results/hop-findings.md). The
 * labels are bounded (configured models, domains, policies; rpc and outcome names), so this map is too.
 *
 * @param <K> the labels, as a record
 * @param <M> the meter, or a few meters that share the labels
 */
public final class MeterCache<K, M> {

    private final ConcurrentHashMap<K, M> meters = new ConcurrentHashMap<>();
    private final Function<K, M> register;

    /** @param register registers the meter of a set of labels the first time it is asked for */
    public MeterCache(Function<K, M> register) {
        this.register = register;
    }

    public M get(K labels) {
        M meter = meters.get(labels); // no lock on the hit path, unlike computeIfAbsent's on some JDKs
        return meter != null ? meter : meters.computeIfAbsent(labels, register);
    }
}
