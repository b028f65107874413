package dev.goldilocks.router.stats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per (model, domain) estimates of quality, latency and cost, updated from outcomes. Old evidence
 * decays (each new observation multiplies the old ones by 1 - 1/window), so estimates follow change.
 * Updates lock one small cell; reads take a consistent snapshot of it.
 */
public final class LiveStats {

    private final Map<String, Prior> priors;
    private final double keep;
    private final Map<String, Cell> cells = new ConcurrentHashMap<>();

    /**
     * @param priors per model
     * @param window the number of recent observations that dominate an estimate
     */
    public LiveStats(Map<String, Prior> priors, double window) {
        this.priors = Map.copyOf(priors);
        this.keep = 1 - 1 / window;
    }

    public void recordRequest(String model, String domain, double latencySeconds, double costUsd) {
        cell(model, domain).request(latencySeconds, costUsd, keep);
    }

    /** A quality observation in [0, 1] (probe score, feedback, judged shadow comparison). */
    public void recordQuality(String model, String domain, double score) {
        cell(model, domain).quality(Math.max(0, Math.min(1, score)), keep);
    }

    public Estimate estimate(String model, String domain) {
        Prior prior = priors.getOrDefault(model, new Prior(Map.of(), 0, 0, 1));
        Cell cell = cells.get(key(model, domain));
        return cell == null
                ? new Estimate(prior.quality(domain), prior.weight(), prior.latencySeconds(), prior.costUsd(), 0)
                : cell.estimate(prior, domain);
    }

    private Cell cell(String model, String domain) {
        return cells.computeIfAbsent(key(model, domain), k -> new Cell());
    }

    private static String key(String model, String domain) {
        return model + "\u0000" + domain;
    }

    private static final class Cell {
        private double qualitySum;
        private double qualityCount;
        private double latencySum;
        private double costSum;
        private double requests;

        synchronized void request(double latency, double cost, double keep) {
            latencySum = latencySum * keep + latency;
            costSum = costSum * keep + cost;
            requests = requests * keep + 1;
        }

        synchronized void quality(double score, double keep) {
            qualitySum = qualitySum * keep + score;
            qualityCount = qualityCount * keep + 1;
        }

        synchronized Estimate estimate(Prior prior, String domain) {
            double evidence = prior.weight() + qualityCount;
            double quality = (prior.quality(domain) * prior.weight() + qualitySum) / evidence;
            double latency = requests > 0 ? latencySum / requests : prior.latencySeconds();
            double cost = requests > 0 ? costSum / requests : prior.costUsd();
            return new Estimate(quality, evidence, latency, cost, requests);
        }
    }
}
