package dev.goldilocks.stats.ope;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds, per context, the actions the target policy would take that the log cannot speak for: ones the logging
 * policy gave probability 0 (importance weighting cannot reach them: every estimator here is then biased), and ones
 * it could have chosen but never did (no observation yet).
 */
public final class SupportCheck {

    public List<SupportGap> gaps(List<LoggedDecision> log) {
        Map<Key, Tally> tallies = new TreeMap<>();
        Set<Key> observed = new HashSet<>();
        Map<String, Integer> recordsPerContext = new HashMap<>();
        for (LoggedDecision d : log) {
            observed.add(new Key(d.context(), d.action()));
            recordsPerContext.merge(d.context(), 1, Integer::sum);
            for (Map.Entry<String, Double> e : d.target().entrySet()) {
                if (e.getValue() > 0) {
                    Tally t = tallies.computeIfAbsent(new Key(d.context(), e.getKey()), k -> new Tally());
                    t.records++;
                    t.targetMass += e.getValue();
                    if (d.loggingProbability(e.getKey()) == 0) {
                        t.withoutPropensity++;
                    }
                }
            }
        }
        List<SupportGap> gaps = new ArrayList<>();
        tallies.forEach((key, t) -> {
            double share = t.targetMass / recordsPerContext.get(key.context());
            if (t.withoutPropensity > 0) {
                gaps.add(new SupportGap(key.context(), key.action(), SupportGap.Kind.NO_PROPENSITY,
                        t.withoutPropensity, share));
            } else if (!observed.contains(key)) {
                gaps.add(new SupportGap(key.context(), key.action(), SupportGap.Kind.NEVER_OBSERVED, t.records,
                        share));
            }
        });
        return gaps;
    }

    private record Key(String context, String action) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = context.compareTo(o.context);
            return c != 0 ? c : action.compareTo(o.action);
        }
    }

    private static final class Tally {
        int records;
        int withoutPropensity;
        double targetMass;
    }
}
