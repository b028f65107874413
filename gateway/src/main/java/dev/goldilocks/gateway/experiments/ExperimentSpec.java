package dev.goldilocks.gateway.experiments;

import dev.goldilocks.proto.v1.ExperimentArm;
import dev.goldilocks.proto.v1.ExperimentDefinition;
import dev.goldilocks.proto.v1.ExperimentGuardrail;
import dev.goldilocks.router.PolicySpec;
import dev.goldilocks.router.experiment.ArmWeight;
import dev.goldilocks.router.experiment.ExperimentAssigner;
import dev.goldilocks.stats.experiment.Direction;
import dev.goldilocks.stats.experiment.ExperimentDesign;
import dev.goldilocks.stats.experiment.MetricSpec;
import dev.goldilocks.store.ExposureMetric;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * A valid experiment definition with every default filled in (see {@link DefinitionValidator}): arms as routing
 * policies with their settings, weights, who is assigned, and how the results are read.
 *
 * @param arms          control first
 * @param weights       the arms' relative weights, in their order, each positive
 * @param perRequest    true: a request without a unit is randomised by itself; false: it is excluded
 * @param trafficShare  the share of eligible units in the experiment, in (0, 1]
 * @param domains       the eligible domains; empty: every domain
 * @param judgeShare    the share of each arm's answers the judge scores, in [0, 1]
 */
public record ExperimentSpec(String name, List<Arm> arms, List<Double> weights, boolean perRequest, double trafficShare,
                             Set<String> domains, String salt, Metric primary, List<Metric> guardrails, double alpha,
                             long plannedUnits, boolean autoStop, double judgeShare, long minUnitsPerArm) {

    /** An arm: its name and the policy that routes its requests. */
    public record Arm(String name, PolicySpec policy) {
    }

    /** A metric the verdict reads, with its margin (see {@link MetricSpec}). */
    public record Metric(ExposureMetric metric, double margin) {
        public MetricSpec spec() {
            return new MetricSpec(metric.key(), direction(metric), margin);
        }
    }

    public ExperimentSpec {
        arms = List.copyOf(arms);
        weights = List.copyOf(weights);
        domains = Collections.unmodifiableSet(new TreeSet<>(domains));
        guardrails = List.copyOf(guardrails);
    }

    public static Direction direction(ExposureMetric metric) {
        return metric.higherIsBetter() ? Direction.HIGHER_IS_BETTER : Direction.LOWER_IS_BETTER;
    }

    public Arm control() {
        return arms.get(0);
    }

    public List<Arm> treatments() {
        return arms.subList(1, arms.size());
    }

    public List<String> armNames() {
        return arms.stream().map(Arm::name).toList();
    }

    public boolean hasArm(String arm) {
        return armNames().contains(arm);
    }

    /** Whether requests routed for {@code domain} are eligible. */
    public boolean covers(String domain) {
        return domains.isEmpty() || domains.contains(domain);
    }

    /** The domains this experiment and {@code other} both cover, given every domain there is. */
    public Set<String> sharedDomains(ExperimentSpec other, List<String> allDomains) {
        Set<String> shared = new TreeSet<>();
        for (String d : allDomains) {
            if (covers(d) && other.covers(d)) {
                shared.add(d);
            }
        }
        return shared;
    }

    /** The assignment of units to arms: a hash of (name, salt, unit) into buckets. */
    public ExperimentAssigner assigner() {
        return new ExperimentAssigner(name, salt, IntStream.range(0, arms.size())
                .mapToObj(i -> new ArmWeight(arms.get(i).name(), weights.get(i))).toList(), trafficShare);
    }

    /** How the results are read. */
    public ExperimentDesign design() {
        return new ExperimentDesign(primary.spec(), guardrails.stream().map(Metric::spec).toList(), alpha, plannedUnits,
                minUnitsPerArm, ExperimentDesign.DEFAULT_SAMPLE_RATIO_THRESHOLD);
    }

    /** Every metric: the primary first, then the guardrails, then the rest. */
    public List<ExposureMetric> metricsInOrder() {
        List<ExposureMetric> out = new ArrayList<>();
        out.add(primary.metric());
        guardrails.forEach(g -> out.add(g.metric()));
        for (ExposureMetric m : ExposureMetric.values()) {
            if (!out.contains(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** The definition with every default filled in, as it is stored and reported. */
    public ExperimentDefinition toDefinition() {
        ExperimentDefinition.Builder d = ExperimentDefinition.newBuilder().setName(name).addAllWeights(weights)
                .setWithoutUnit(perRequest ? DefinitionValidator.PER_REQUEST : DefinitionValidator.EXCLUDE)
                .setTrafficShare(trafficShare).addAllDomains(domains).setSalt(salt)
                .setPrimaryMetric(primary.metric().key()).setPrimaryMargin(primary.margin()).setAlpha(alpha)
                .setPlannedUnits(plannedUnits).setAutoStop(autoStop)
                .setJudgeShare(judgeShare == 0 ? DefinitionValidator.NO_JUDGE : judgeShare)
                .setMinUnitsPerArm(minUnitsPerArm);
        for (Arm a : arms) {
            ExperimentArm.Builder arm = d.addArmsBuilder().setName(a.name()).setPolicy(a.policy().name());
            a.policy().settings().forEach((k, v) -> arm.putSettings(k, String.valueOf(v)));
        }
        guardrails.forEach(g -> d.addGuardrails(ExperimentGuardrail.newBuilder().setMetric(g.metric().key())
                .setMargin(g.margin())));
        return d.build();
    }
}
