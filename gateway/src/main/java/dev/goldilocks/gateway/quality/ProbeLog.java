package dev.goldilocks.gateway.quality;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The most recent probed items with every candidate model's result on each: the paired data on which
 * routing policies are compared counterfactually (what would each policy have chosen, at what quality and cost).
 */
public final class ProbeLog {

    /** One model's result on one item. */
    public record Result(double score, double costUsd, double meanLogprob) {
    }

    /** One item, probed on every candidate model of its domain. */
    public record Entry(String itemId, String domain, String prompt, Map<String, Result> byModel) {
        public Entry {
            byModel = Map.copyOf(byModel);
        }
    }

    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();

    public ProbeLog(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void add(Entry entry) {
        if (entries.size() == capacity) {
            entries.removeFirst();
        }
        entries.addLast(entry);
    }

    public synchronized List<Entry> snapshot() {
        return List.copyOf(entries);
    }
}
