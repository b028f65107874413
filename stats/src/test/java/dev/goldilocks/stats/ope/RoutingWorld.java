package dev.goldilocks.stats.ope;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A simulated routing world with known truth: three domains, three models, each (domain, model) with a known
 * quality rate (Bernoulli outcomes) and mean latency (exponential outcomes). Logs are drawn from a logging policy
 * with exploration; a target policy's true value is computed exactly from the known means.
 */
final class RoutingWorld {

    enum Outcome { QUALITY, LATENCY }

    static final List<String> DOMAINS = List.of("math", "code", "prose");
    static final double[] DOMAIN_SHARE = {0.3, 0.3, 0.4};
    static final List<String> MODELS = List.of("generic", "math-small", "code-small");

    /** Quality rate per domain (row) and model (column). */
    private static final double[][] QUALITY = {
            {0.70, 0.85, 0.20},
            {0.75, 0.15, 0.72},
            {0.80, 0.30, 0.35}};
    /** Mean latency in seconds per domain and model. */
    private static final double[][] LATENCY = {
            {0.80, 0.25, 0.30},
            {0.90, 0.30, 0.28},
            {0.85, 0.35, 0.30}};

    /** Specialist by domain with 20% exploration spread over the other two models. */
    static final List<Map<String, Double>> LOGGING = List.of(
            Map.of("generic", 0.1, "math-small", 0.8, "code-small", 0.1),
            Map.of("generic", 0.1, "math-small", 0.1, "code-small", 0.8),
            Map.of("generic", 0.8, "math-small", 0.1, "code-small", 0.1));
    /** A threshold-like policy that sends half of math and a tenth of code to the generic model. */
    static final List<Map<String, Double>> MIXED = List.of(
            Map.of("generic", 0.5, "math-small", 0.5),
            Map.of("generic", 0.1, "code-small", 0.9),
            Map.of("generic", 1.0));
    static final List<Map<String, Double>> GENERIC_ONLY = List.of(
            Map.of("generic", 1.0), Map.of("generic", 1.0), Map.of("generic", 1.0));

    private RoutingWorld() {
    }

    static double trueMean(Outcome outcome, int domain, String model) {
        double[][] table = outcome == Outcome.QUALITY ? QUALITY : LATENCY;
        return table[domain][MODELS.indexOf(model)];
    }

    /** The target's exact expected outcome per request. */
    static double trueValue(Outcome outcome, List<Map<String, Double>> target) {
        double v = 0;
        for (int d = 0; d < DOMAINS.size(); d++) {
            for (Map.Entry<String, Double> e : target.get(d).entrySet()) {
                v += DOMAIN_SHARE[d] * e.getValue() * trueMean(outcome, d, e.getKey());
            }
        }
        return v;
    }

    /** A direct model that predicts each true mean with an error of {@code error} (alternating sign). */
    static List<Map<String, Double>> directModel(Outcome outcome, double error) {
        List<Map<String, Double>> model = new ArrayList<>();
        for (int d = 0; d < DOMAINS.size(); d++) {
            int sign = d % 2 == 0 ? 1 : -1;
            model.add(Map.of(
                    "generic", trueMean(outcome, d, "generic") + sign * error,
                    "math-small", trueMean(outcome, d, "math-small") - sign * error,
                    "code-small", trueMean(outcome, d, "code-small") + sign * error));
        }
        return model;
    }

    /** A direct model that knows nothing: the same prediction for every domain and model. */
    static List<Map<String, Double>> constantModel(double prediction) {
        Map<String, Double> m = Map.of("generic", prediction, "math-small", prediction, "code-small", prediction);
        return List.of(m, m, m);
    }

    static List<LoggedDecision> log(SplittableRandom random, int records, Outcome outcome,
                                    List<Map<String, Double>> logging, List<Map<String, Double>> target,
                                    List<Map<String, Double>> predicted) {
        List<LoggedDecision> log = new ArrayList<>(records);
        for (int i = 0; i < records; i++) {
            int d = draw(random, DOMAIN_SHARE);
            String model = drawModel(random, logging.get(d));
            double mean = trueMean(outcome, d, model);
            double observed = outcome == Outcome.QUALITY
                    ? (random.nextDouble() < mean ? 1 : 0)
                    : -mean * Math.log(1 - random.nextDouble());
            log.add(new LoggedDecision(DOMAINS.get(d), model, logging.get(d), observed, target.get(d),
                    predicted.get(d)));
        }
        return log;
    }

    private static int draw(SplittableRandom random, double[] shares) {
        double u = random.nextDouble();
        for (int i = 0; i < shares.length - 1; i++) {
            u -= shares[i];
            if (u < 0) {
                return i;
            }
        }
        return shares.length - 1;
    }

    private static String drawModel(SplittableRandom random, Map<String, Double> distribution) {
        double u = random.nextDouble();
        String last = null;
        // iterate in MODELS order: Map.of's order is unspecified and would make seeded runs differ by JVM
        for (String m : MODELS) {
            double p = distribution.getOrDefault(m, 0.0);
            if (p > 0) {
                last = m;
                u -= p;
                if (u < 0) {
                    return m;
                }
            }
        }
        return last;
    }
}
