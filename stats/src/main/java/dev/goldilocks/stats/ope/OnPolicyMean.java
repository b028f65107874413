package dev.goldilocks.stats.ope;

import java.util.List;

/** What the logging policy actually got: the plain mean outcome of the log, with its central-limit interval. */
public final class OnPolicyMean {

    private final double level;

    public OnPolicyMean(double level) {
        this.level = level;
    }

    public OffPolicyEstimate estimate(List<LoggedDecision> log) {
        OffPolicyEstimate.requireRecords(log);
        double[] outcomes = new double[log.size()];
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = log.get(i).outcome();
        }
        return OffPolicyEstimate.meanOfTerms("logged", outcomes, outcomes.length, level);
    }
}
