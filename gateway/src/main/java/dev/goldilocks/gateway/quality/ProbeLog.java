package dev.goldilocks.gateway.quality;

import dev.goldilocks.router.DomainPrediction;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The most recent probed items with every candidate model's result on each: the paired data on which
 * routing policies are compared counterfactually (what would each policy have chosen, at what quality and
 * cost). Each item is classified once, when it is logged, so that a report replays policies without running
 * the classifier again; the prompt itself is not kept.
 */
public final class ProbeLog {

    /**
     * One model's result on one item.
     *
     * @param meanLogprob the mean log-probability of the answer's tokens (NaN for an empty answer)
     * @param tokens      the answer's tokens
     */
    public record Result(double score, double costUsd, double meanLogprob, int tokens) {
    }

    /** One item, classified, probed on every candidate model of its domain. */
    public record Entry(String itemId, String domain, DomainPrediction prediction, Map<String, Result> byModel) {
        public Entry {
            byModel = Map.copyOf(byModel);
        }
    }

    private final int capacity;
    private final Function<String, DomainPrediction> classifier;
    private final Deque<Entry> entries = new ArrayDeque<>();

    /** @param classifier the router's classification of a prompt (without a domain hint) */
    public ProbeLog(int capacity, Function<String, DomainPrediction> classifier) {
        this.capacity = capacity;
        this.classifier = classifier;
    }

    /** Classifies the item's prompt (on the caller's thread, off the report's path) and keeps its results. */
    public void add(EvalItem item, Map<String, Result> byModel) {
        Entry entry = new Entry(item.id(), item.domain(), classifier.apply(item.prompt()), byModel);
        synchronized (this) {
            if (entries.size() == capacity) {
                entries.removeFirst();
            }
            entries.addLast(entry);
        }
    }

    public synchronized List<Entry> snapshot() {
        return List.copyOf(entries);
    }
}
