package dev.goldilocks.stats.experiment;

import dev.goldilocks.stats.Interval;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an experiment at any moment: the sample-ratio check first (a mismatch blocks every verdict), then for each
 * treatment arm the always-valid interval of its difference from control on the primary metric and on each
 * guardrail, and the verdict they support.
 */
public final class ExperimentAnalysis {

    private final ExperimentDesign design;
    private final ConfidenceSequence sequence;
    private final SampleRatioTest sampleRatioTest;
    private final Explanation explanation;

    public ExperimentAnalysis(ExperimentDesign design) {
        this.design = design;
        this.sequence = new ConfidenceSequence(design.alpha(), design.tuningUnits());
        this.sampleRatioTest = new SampleRatioTest(design.sampleRatioThreshold());
        this.explanation = new Explanation(1 - design.alpha());
    }

    public ExperimentReport analyze(Arm control, List<Arm> treatments) {
        if (treatments.isEmpty()) {
            throw new IllegalArgumentException("treatments: an experiment needs at least one treatment arm");
        }
        List<Arm> all = new ArrayList<>();
        all.add(control);
        all.addAll(treatments);
        SampleRatio sampleRatio = sampleRatioTest.test(all);
        List<ArmResult> results = treatments.stream().map(t -> compare(control, t, sampleRatio)).toList();
        return new ExperimentReport(control.name(), sampleRatio, results);
    }

    private ArmResult compare(Arm control, Arm treatment, SampleRatio sampleRatio) {
        MetricResult primary = compare(design.primary(), control, treatment);
        List<MetricResult> guardrails = design.guardrails().stream().map(g -> compare(g, control, treatment))
                .toList();
        Verdict verdict = verdict(control, treatment, sampleRatio, primary, guardrails);
        String sentence = switch (verdict) {
            case SAMPLE_RATIO_MISMATCH -> explanation.sampleRatioMismatch(sampleRatio);
            case GUARDRAIL_BREACHED -> explanation.guardrailBreached(treatment.name(), guardrails.stream()
                    .filter(g -> g.nonInferiority() == MetricResult.GuardrailStatus.BREACHED).findFirst()
                    .orElseThrow());
            case TREATMENT_BETTER -> explanation.better(treatment.name(), primary);
            case TREATMENT_WORSE -> explanation.worse(treatment.name(), primary);
            case NO_DIFFERENCE -> explanation.noDifference(treatment.name(), primary);
            case RUNNING -> tooFewUnits(control, treatment)
                    ? explanation.collecting(treatment.name(), treatment.units(), control.units(),
                    design.minUnitsPerArm())
                    : explanation.running(treatment.name(), primary, guardrails);
        };
        return new ArmResult(treatment.name(), verdict, sentence, primary, guardrails);
    }

    private Verdict verdict(Arm control, Arm treatment, SampleRatio sampleRatio, MetricResult primary,
                            List<MetricResult> guardrails) {
        if (sampleRatio.mismatch()) {
            return Verdict.SAMPLE_RATIO_MISMATCH;
        }
        if (tooFewUnits(control, treatment)) {
            return Verdict.RUNNING;
        }
        if (guardrails.stream().anyMatch(g -> g.nonInferiority() == MetricResult.GuardrailStatus.BREACHED)) {
            return Verdict.GUARDRAIL_BREACHED;
        }
        return switch (primary.finding()) {
            case BETTER -> guardrails.stream().allMatch(g -> g.nonInferiority() == MetricResult.GuardrailStatus.HELD)
                    ? Verdict.TREATMENT_BETTER : Verdict.RUNNING;
            case WORSE -> Verdict.TREATMENT_WORSE;
            case WITHIN_MARGIN -> Verdict.NO_DIFFERENCE;
            case UNDECIDED -> Verdict.RUNNING;
        };
    }

    private boolean tooFewUnits(Arm control, Arm treatment) {
        return Math.min(control.units(), treatment.units()) < design.minUnitsPerArm();
    }

    private MetricResult compare(MetricSpec metric, Arm control, Arm treatment) {
        ArmStatistic c = control.metric(metric.name());
        ArmStatistic t = treatment.metric(metric.name());
        double difference = t.mean() - c.mean();
        double standardError = Math.sqrt(c.varianceOfMean() + t.varianceOfMean());
        Interval interval = Double.isNaN(standardError) || Double.isNaN(difference)
                ? new Interval(Double.NaN, Double.NaN)
                : sequence.interval(difference, standardError, c.units() + t.units());
        return new MetricResult(metric, c.mean(), t.mean(), difference, interval);
    }
}
