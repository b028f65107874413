package dev.goldilocks.gateway.experiments;

import dev.goldilocks.proto.v1.ArmMetric;
import dev.goldilocks.proto.v1.ArmSummary;
import dev.goldilocks.proto.v1.ExperimentSegment;
import dev.goldilocks.proto.v1.MetricComparison;
import dev.goldilocks.proto.v1.SampleRatioCheck;
import dev.goldilocks.proto.v1.TreatmentResult;
import dev.goldilocks.stats.Interval;
import dev.goldilocks.stats.experiment.Arm;
import dev.goldilocks.stats.experiment.ArmResult;
import dev.goldilocks.stats.experiment.ArmStatistic;
import dev.goldilocks.stats.experiment.ConfidenceSequence;
import dev.goldilocks.stats.experiment.ExperimentAnalysis;
import dev.goldilocks.stats.experiment.ExperimentDesign;
import dev.goldilocks.stats.experiment.ExperimentReport;
import dev.goldilocks.stats.experiment.MetricResult;
import dev.goldilocks.stats.experiment.MetricSpec;
import dev.goldilocks.stats.experiment.RatioMoments;
import dev.goldilocks.store.ArmTotals;
import dev.goldilocks.store.ExposureMetric;
import dev.goldilocks.store.RatioSums;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One slice of an experiment's exposures read by the stats module: each arm's metrics as ratio statistics over its
 * units (delta method), the verdict of every treatment from the primary metric and the guardrails
 * ({@link ExperimentAnalysis}: sample-ratio check first, then always-valid intervals), and the other metrics'
 * always-valid intervals beside them. Pure: numbers in, numbers and sentences out.
 */
final class SegmentAnalysis {

    private final ExperimentSpec spec;
    private final List<Double> plannedShares;
    private final Map<String, ArmTotals> totals = new HashMap<>();
    private final List<Arm> arms = new ArrayList<>();
    private final ExperimentReport report;
    private final Map<ExposureMetric, List<MetricResult>> secondary = new LinkedHashMap<>();

    /**
     * @param plannedShares the arms' shares of units as the assigner really splits them (the sample-ratio test's
     *                      expectation)
     * @param totals        the slice's totals per arm; an arm without exposures may be missing
     */
    SegmentAnalysis(ExperimentSpec spec, List<Double> plannedShares, List<ArmTotals> totals) {
        this.spec = spec;
        this.plannedShares = List.copyOf(plannedShares);
        totals.forEach(t -> this.totals.put(t.arm(), t));
        for (int i = 0; i < spec.arms().size(); i++) {
            String name = spec.arms().get(i).name();
            ArmTotals t = this.totals.get(name);
            Map<String, ArmStatistic> metrics = new HashMap<>();
            for (ExposureMetric m : ExposureMetric.values()) {
                RatioSums s = t == null ? null : t.metrics().get(m);
                metrics.put(m.key(), s == null ? RatioMoments.EMPTY : new RatioMoments(s.units(), s.sumX(), s.sumY(),
                        s.sumXX(), s.sumYY(), s.sumXY()));
            }
            arms.add(new Arm(name, plannedShares.get(i), t == null ? 0 : t.units(), metrics));
        }
        ExperimentDesign design = spec.design();
        this.report = new ExperimentAnalysis(design).analyze(arms.get(0), arms.subList(1, arms.size()));
        for (ExposureMetric m : spec.metricsInOrder()) {
            if (m != spec.primary().metric() && spec.guardrails().stream().noneMatch(g -> g.metric() == m)) {
                // the same always-valid interval for a metric that decides nothing: read as a primary metric
                ExperimentDesign alone = new ExperimentDesign(new MetricSpec(m.key(), ExperimentSpec.direction(m), 0),
                        List.of(), design.alpha(), design.tuningUnits(), design.minUnitsPerArm(),
                        design.sampleRatioThreshold());
                secondary.put(m, new ExperimentAnalysis(alone).analyze(arms.get(0), arms.subList(1, arms.size()))
                        .treatments().stream().map(ArmResult::primary).toList());
            }
        }
    }

    /** Each treatment's verdict and sentence, from the stats module. */
    List<ArmResult> verdicts() {
        return report.treatments();
    }

    long totalUnits() {
        return arms.stream().mapToLong(Arm::units).sum();
    }

    /** Every metric of treatment {@code index} (0 for the first treatment) against control, primary first. */
    List<MetricResult> comparisons(int index) {
        ArmResult r = report.treatments().get(index);
        List<MetricResult> out = new ArrayList<>();
        out.add(r.primary());
        out.addAll(r.guardrails());
        secondary.values().forEach(results -> out.add(results.get(index)));
        return out;
    }

    ExperimentSegment toProto(String domain) {
        ExperimentSegment.Builder segment = ExperimentSegment.newBuilder().setDomain(domain);
        ConfidenceSequence sequence = new ConfidenceSequence(spec.alpha(), spec.plannedUnits());
        for (int i = 0; i < arms.size(); i++) {
            Arm arm = arms.get(i);
            ArmTotals t = totals.get(arm.name());
            ArmSummary.Builder summary = segment.addArmsBuilder().setArm(arm.name())
                    .setPolicy(spec.arms().get(i).policy().toString()).setUnits(arm.units())
                    .setRequests(t == null ? 0 : t.requests());
            for (ExposureMetric m : spec.metricsInOrder()) {
                ArmStatistic s = arm.metric(m.key());
                Interval interval = s.units() < 2 || Double.isNaN(s.varianceOfMean()) ? new Interval(Double.NaN, Double.NaN)
                        : sequence.interval(s.mean(), Math.sqrt(s.varianceOfMean()), s.units());
                summary.addMetrics(ArmMetric.newBuilder().setMetric(m.key()).setMean(s.mean())
                        .setLow(interval.lower()).setHigh(interval.upper()).setUnits(s.units())
                        .setRequests(t == null ? 0 : Math.round(t.metrics().get(m).sumY())));
            }
        }
        segment.setSampleRatio(SampleRatioCheck.newBuilder().setPValue(report.sampleRatio().pValue())
                .setMismatch(report.sampleRatio().mismatch()).addAllObservedUnits(report.sampleRatio().observed())
                .addAllPlannedShares(plannedShares));
        for (int i = 0; i < report.treatments().size(); i++) {
            ArmResult r = report.treatments().get(i);
            TreatmentResult.Builder treatment = segment.addTreatmentsBuilder().setArm(r.arm())
                    .setVerdict(r.verdict().name().toLowerCase(Locale.ROOT)).setExplanation(r.explanation());
            for (MetricResult m : comparisons(i)) {
                treatment.addMetrics(comparison(m, role(m)));
            }
        }
        return segment.build();
    }

    private String role(MetricResult m) {
        if (m.metric().name().equals(spec.primary().metric().key())) {
            return "primary";
        }
        return spec.guardrails().stream().anyMatch(g -> g.metric().key().equals(m.metric().name())) ? "guardrail"
                : "secondary";
    }

    static MetricComparison comparison(MetricResult m, String role) {
        MetricComparison.Builder c = MetricComparison.newBuilder().setMetric(m.metric().name()).setRole(role)
                .setMargin(m.metric().margin()).setControl(m.control()).setTreatment(m.treatment())
                .setDifference(m.difference()).setLow(m.interval().lower()).setHigh(m.interval().upper())
                .setBetter(m.metric().direction() == dev.goldilocks.stats.experiment.Direction.HIGHER_IS_BETTER
                        ? "higher" : "lower")
                .setFinding(m.finding().name().toLowerCase(Locale.ROOT));
        if (role.equals("guardrail")) {
            c.setGuardrail(m.nonInferiority().name().toLowerCase(Locale.ROOT));
        }
        return c.build();
    }
}
