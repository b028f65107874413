package dev.goldilocks.gateway.experiments;

import dev.goldilocks.proto.v1.ExperimentReportResponse;
import dev.goldilocks.proto.v1.ExperimentSegment;
import dev.goldilocks.proto.v1.IntervalPoint;
import dev.goldilocks.proto.v1.MetricComparison;
import dev.goldilocks.proto.v1.TreatmentResult;
import dev.goldilocks.stats.experiment.ArmResult;
import dev.goldilocks.stats.experiment.MetricResult;
import dev.goldilocks.store.ArmTotals;
import dev.goldilocks.store.ExperimentEvent;
import dev.goldilocks.store.ExperimentStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads an experiment's results from the decision log: its exposures since its first start, summed per unit and per
 * arm by the store, for every domain together and for each domain, and the difference of every treatment from
 * control over time (the same reading at evenly spaced moments: how the always-valid interval narrowed).
 */
final class ExperimentAnalyzer {

    /** Moments of the chart of the interval over time. */
    static final int HISTORY_POINTS = 12;

    private final String genericModel;
    private final Clock clock;

    ExperimentAnalyzer(String genericModel, Clock clock) {
        this.genericModel = genericModel;
        this.clock = clock;
    }

    /** Every domain together, now: what the automatic stop reads. Empty before the experiment started. */
    Optional<SegmentAnalysis> overall(Experiment x, ExperimentStore store) {
        if (x.startedAt().isEmpty()) {
            return Optional.empty();
        }
        Instant until = x.endOfResults(clock.instant()).plusNanos(1000);
        return Optional.of(analysis(x, store.reading(r -> r.totals(x.name(), x.startedAt().get(), until, false,
                genericModel))));
    }

    /** The whole report; without a store, the experiment and a note that nothing is measured. */
    ExperimentReportResponse report(Experiment x, List<ExperimentEvent> events, Optional<ExperimentStore> store) {
        Instant now = clock.instant();
        ExperimentReportResponse.Builder r = ExperimentReportResponse.newBuilder().setExperiment(x.status(events))
                .setGeneratedAtMillis(now.toEpochMilli()).setLevel(1 - x.spec().alpha());
        if (store.isEmpty()) {
            return r.addNotes("This gateway has no decision log: experiments route requests but nothing is measured."
                    + " Configure decision_log to read results.").build();
        }
        if (x.startedAt().isEmpty()) {
            return r.addNotes("Not started yet: no exposures.").build();
        }
        Instant since = x.startedAt().get();
        Instant until = x.endOfResults(now).plusNanos(1000); // the stop's own moment included
        return store.get().reading(reader -> {
            List<ArmTotals> all = reader.totals(x.name(), since, until, false, genericModel);
            if (all.isEmpty()) {
                r.addNotes("No exposures yet: no client request has been routed by this experiment's arms.");
            }
            ExperimentSegment overall = analysis(x, all).toProto("");
            r.addSegments(withHistory(overall, x, reader, since, until));
            Map<String, List<ArmTotals>> byDomain = new TreeMap<>();
            for (ArmTotals t : reader.totals(x.name(), since, until, true, genericModel)) {
                byDomain.computeIfAbsent(t.domain(), d -> new ArrayList<>()).add(t);
            }
            byDomain.forEach((domain, totals) -> r.addSegments(analysis(x, totals).toProto(domain)));
            return r.build();
        });
    }

    private SegmentAnalysis analysis(Experiment x, List<ArmTotals> totals) {
        return new SegmentAnalysis(x.spec(), x.spec().assigner().plannedShares(), totals);
    }

    /** The segment with each comparison's interval at {@value #HISTORY_POINTS} moments from the start on. */
    private ExperimentSegment withHistory(ExperimentSegment segment, Experiment x, ExperimentStore.ExposureReader store,
                                          Instant since, Instant until) {
        Duration span = Duration.between(since, until);
        List<List<List<IntervalPoint>>> points = new ArrayList<>(); // [treatment][metric] -> points
        for (int t = 0; t < segment.getTreatmentsCount(); t++) {
            List<List<IntervalPoint>> perMetric = new ArrayList<>();
            for (int m = 0; m < segment.getTreatments(t).getMetricsCount(); m++) {
                perMetric.add(new ArrayList<>());
            }
            points.add(perMetric);
        }
        for (int k = 1; k <= HISTORY_POINTS; k++) {
            Instant at = since.plus(span.multipliedBy(k).dividedBy(HISTORY_POINTS));
            SegmentAnalysis then = analysis(x, store.totals(x.name(), since, at, false, genericModel));
            for (int t = 0; t < points.size(); t++) {
                List<MetricResult> results = then.comparisons(t);
                for (int m = 0; m < results.size(); m++) {
                    MetricResult result = results.get(m);
                    points.get(t).get(m).add(IntervalPoint.newBuilder().setAtMillis(at.toEpochMilli())
                            .setUnits(then.totalUnits()).setDifference(result.difference())
                            .setLow(result.interval().lower()).setHigh(result.interval().upper()).build());
                }
            }
        }
        ExperimentSegment.Builder out = segment.toBuilder();
        for (int t = 0; t < points.size(); t++) {
            TreatmentResult.Builder treatment = out.getTreatmentsBuilder(t);
            for (int m = 0; m < points.get(t).size(); m++) {
                MetricComparison.Builder c = treatment.getMetricsBuilder(m);
                c.addAllHistory(points.get(t).get(m));
            }
        }
        return out.build();
    }

    /** A treatment breached a guardrail: the first such verdict's sentence. */
    static Optional<ArmResult> breached(SegmentAnalysis analysis) {
        return analysis.verdicts().stream()
                .filter(r -> r.verdict() == dev.goldilocks.stats.experiment.Verdict.GUARDRAIL_BREACHED).findFirst();
    }
}
