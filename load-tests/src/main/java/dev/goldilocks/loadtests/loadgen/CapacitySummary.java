package dev.goldilocks.loadtests.loadgen;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each policy's capacity from a curve of runs: the highest offered rate at which at least {@code attainment}
 * of the requests met the SLO (DistServe's definition of goodput, with its 90% attainment), and what serving
 * at that rate costs in server CPU, dollars and quality.
 *
 * @param attainment the share of requests that must meet the SLO for a rate to count as served
 * @param policies   one entry per policy, in the order they ran
 */
public record CapacitySummary(double attainment, List<PolicyCapacity> policies) {

    /**
     * One policy's figures.
     *
     * @param policy             the routing policy
     * @param capacity           the highest offered rate (requests/s) that met the attainment, every lower rate
     *                           meeting it too; null when even the lowest did not
     * @param nextRate           the lowest rate that missed it (the capacity lies below it); null if none did
     * @param metAgainAt         higher rates that met it after that miss: the curve is not monotonic (noise from
     *                           a busy machine or runs too short), and the capacity is uncertain
     * @param maxGoodput         the most requests per second that met the SLO, at any rate
     * @param cpuSecondsPer1k    server CPU seconds per 1,000 successful requests at each offered rate
     * @param costPer1kUsd       mean cost of 1,000 successful requests over every run of the policy
     * @param quality            answers scored against their references, over every run of the policy
     * @param qualityByDomain    the same per domain
     */
    public record PolicyCapacity(String policy, Double capacity, Double nextRate, List<Double> metAgainAt,
                                 double maxGoodput,
                                 Map<Double, Double> cpuSecondsPer1k, Double costPer1kUsd, Quality quality,
                                 Map<String, Quality> qualityByDomain) {

        /** Server CPU seconds per 1,000 successful requests at an offered rate, when measured. */
        public Double cpuSecondsPer1kAt(Double rate) {
            return rate == null ? null : cpuSecondsPer1k.get(rate);
        }
    }

    /** The highest rate every policy served (null when one served none): where their CPU use compares fairly. */
    public Double commonCapacity() {
        return policies.stream().map(PolicyCapacity::capacity)
                .reduce((a, b) -> a == null || b == null ? null : Math.min(a, b)).orElse(null);
    }

    public static CapacitySummary of(List<StepResult> steps, double attainment) {
        Map<String, List<StepResult>> byPolicy = new LinkedHashMap<>();
        steps.forEach(s -> byPolicy.computeIfAbsent(s.label(), k -> new ArrayList<>()).add(s));
        List<PolicyCapacity> out = new ArrayList<>();
        byPolicy.forEach((policy, runs) -> out.add(policy(policy,
                runs.stream().sorted(Comparator.comparingDouble(StepResult::offeredRate)).toList(), attainment)));
        return new CapacitySummary(attainment, out);
    }

    private static PolicyCapacity policy(String policy, List<StepResult> runs, double attainment) {
        StepResult served = null;
        Double next = null;
        List<Double> metAgain = new ArrayList<>();
        for (StepResult s : runs) {
            boolean met = s.sloAttainment() >= attainment;
            if (next == null && met) {
                served = s;
            } else if (next == null) {
                next = s.offeredRate();
            } else if (met) {
                metAgain.add(s.offeredRate());
            }
        }
        Map<Double, Double> cpuPer1k = new TreeMap<>();
        runs.stream().filter(s -> s.serverCpuSeconds() != null && s.ok() > 0)
                .forEach(s -> cpuPer1k.put(s.offeredRate(), s.serverCpuSeconds() / s.ok() * 1000));
        long ok = runs.stream().mapToLong(StepResult::ok).sum();
        Double cost = ok == 0 ? null : runs.stream().filter(s -> s.costPer1kUsd() != null)
                .mapToDouble(s -> s.costPer1kUsd() * s.ok()).sum() / ok;
        Map<String, List<Quality>> byDomain = new TreeMap<>();
        runs.forEach(s -> s.qualityByDomain().forEach((d, q) -> byDomain.computeIfAbsent(d, k -> new ArrayList<>()).add(q)));
        Map<String, Quality> qualityByDomain = new TreeMap<>();
        byDomain.forEach((d, qs) -> qualityByDomain.put(d, Quality.pooled(qs)));
        return new PolicyCapacity(policy, served == null ? null : served.offeredRate(), next, metAgain,
                runs.stream().mapToDouble(StepResult::goodput).max().orElse(0), cpuPer1k, cost,
                Quality.pooled(runs.stream().map(StepResult::quality).toList()), qualityByDomain);
    }
}
