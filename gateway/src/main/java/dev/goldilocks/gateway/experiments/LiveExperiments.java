package dev.goldilocks.gateway.experiments;

import dev.goldilocks.router.DomainPrediction;
import dev.goldilocks.router.PolicySpec;
import dev.goldilocks.router.Router;
import dev.goldilocks.router.experiment.ExperimentAssigner;
import dev.goldilocks.store.SettingsHash;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The experiments that route requests now, as this replica last read them: running ones assign units to arms;
 * stopped ones with a shipped arm keep routing their units by it. Read on every request without a lock (an
 * immutable snapshot swapped on refresh); routers are built once per experiment version.
 */
public final class LiveExperiments {

    /** One experiment ready to route: its assignment and a router per arm. */
    private record Routable(Experiment experiment, ExperimentAssigner assigner, Map<String, Router> routers,
                            Map<String, String> settingsHashes) {
    }

    private final Function<PolicySpec, Router> routerFor;
    private final ExperimentMetrics metrics;
    private final Map<String, Routable> built = new HashMap<>();
    private volatile List<Routable> running = List.of();
    private volatile List<Routable> shipped = List.of();

    /** @param routerFor a router that runs only the given policy, built as the gateway builds its own */
    LiveExperiments(Function<PolicySpec, Router> routerFor, ExperimentMetrics metrics) {
        this.routerFor = routerFor;
        this.metrics = metrics;
    }

    /** Routes by {@code experiments} from now on. */
    synchronized void refresh(List<Experiment> experiments) {
        Map<String, Routable> next = new HashMap<>();
        for (Experiment e : experiments) {
            boolean routes = e.state() == ExperimentState.RUNNING
                    || e.state() == ExperimentState.STOPPED && e.shippedArm().isPresent();
            if (routes) {
                Routable old = built.get(e.name());
                next.put(e.name(), old != null && old.experiment().stored().version() == e.stored().version() ? old
                        : build(e));
            }
        }
        built.clear();
        built.putAll(next);
        running = experiments.stream().filter(e -> e.state() == ExperimentState.RUNNING).map(e -> next.get(e.name()))
                .toList();
        shipped = experiments.stream().filter(e -> e.state() == ExperimentState.STOPPED && e.shippedArm().isPresent())
                .map(e -> next.get(e.name())).toList();
    }

    private Routable build(Experiment e) {
        Map<String, Router> routers = new HashMap<>();
        Map<String, String> hashes = new HashMap<>();
        for (ExperimentSpec.Arm arm : e.spec().arms()) {
            routers.put(arm.name(), routerFor.apply(arm.policy()));
            hashes.put(arm.name(), SettingsHash.of(arm.policy().settings()));
        }
        return new Routable(e, e.spec().assigner(), routers, hashes);
    }

    /**
     * How experiments route a client request that neither pins a model nor asks for a policy, classified as
     * {@code prediction}: its arm in the running experiment covering its domain (unit: {@code unitId}, else the
     * API key's name, else as the experiment says), the shipped arm of a stopped one, or empty (the default
     * policy routes it).
     *
     * @param apiKeyName the name of the caller's API key; "" without one
     */
    public Optional<ArmRoute> route(DomainPrediction prediction, String unitId, String apiKeyName) {
        for (Routable r : running) {
            ExperimentSpec spec = r.experiment().spec();
            if (spec.covers(prediction.domain())) {
                return expose(r, unitId, apiKeyName);
            }
        }
        for (Routable r : shipped) {
            ExperimentSpec spec = r.experiment().spec();
            String unit = !unitId.isEmpty() ? unitId : apiKeyName.isEmpty() ? "" : "api-key:" + apiKeyName;
            if (spec.covers(prediction.domain()) && !unit.isEmpty() && r.assigner().assign(unit).isPresent()) {
                String arm = r.experiment().shippedArm().orElseThrow();
                return Optional.of(new ArmRoute("", "", unitId, r.settingsHashes().get(arm), r.routers().get(arm),
                        "experiment '" + spec.name() + "' stopped; its units stay on arm '" + arm + "'"));
            }
        }
        return Optional.empty();
    }

    private Optional<ArmRoute> expose(Routable r, String unitId, String apiKeyName) {
        ExperimentSpec spec = r.experiment().spec();
        String unit;
        String logged;
        String how;
        if (!unitId.isEmpty()) {
            unit = unitId;
            logged = unitId;
            how = ExperimentMetrics.EXPOSED_UNIT_ID;
        } else if (!apiKeyName.isEmpty()) {
            unit = "api-key:" + apiKeyName;
            logged = unit;
            how = ExperimentMetrics.EXPOSED_API_KEY;
        } else if (spec.perRequest()) {
            unit = "request:" + Long.toHexString(ThreadLocalRandom.current().nextLong());
            logged = ""; // the request is its own unit: the log groups it by its request id
            how = ExperimentMetrics.EXPOSED_PER_REQUEST;
        } else {
            metrics.request("", ExperimentMetrics.EXCLUDED_NO_UNIT);
            return Optional.empty();
        }
        Optional<String> arm = r.assigner().assign(unit);
        if (arm.isEmpty()) {
            return Optional.empty(); // outside the experiment's share of traffic
        }
        metrics.request(arm.get(), how);
        return Optional.of(new ArmRoute(spec.name(), arm.get(), logged, r.settingsHashes().get(arm.get()),
                r.routers().get(arm.get()), "experiment '" + spec.name() + "', arm '" + arm.get() + "'"));
    }

    /** The running experiment whose arm {@code arm} served a request of {@code domain}, if any. */
    Optional<ExperimentSpec> runningFor(String domain, String arm) {
        return running.stream().map(r -> r.experiment().spec()).filter(s -> s.covers(domain) && s.hasArm(arm))
                .findFirst();
    }
}
