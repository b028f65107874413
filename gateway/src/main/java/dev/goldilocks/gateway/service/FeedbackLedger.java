package dev.goldilocks.gateway.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Feedback scores summed per (model, domain, policy, arm), each request id counted once: in this replica
 * only, and for the last {@value #MAX_REMEMBERED} ids (an id sent to another replica, or after a million
 * others within the window, counts again). With a decision log the store decides, across replicas, and this
 * ledger only stands in while the store does not answer. Ids older
 * than {@link #WINDOW_MILLIS} are refused, so a replay cannot outlive the window.
 */
final class FeedbackLedger {

    static final long WINDOW_MILLIS = 24L * 3600 * 1000;
    private static final int MAX_REMEMBERED = 1_000_000;

    /** Sum and count of scores for one attribution. */
    record Tally(LongAdder count, DoubleAdder sum) {
        Tally() {
            this(new LongAdder(), new DoubleAdder());
        }
    }

    private final Map<String, Boolean> seen = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    /** Counts the score unless this id was counted before; returns whether it was counted. */
    boolean record(RequestIds.Attribution a, double score) {
        synchronized (seen) {
            if (seen.putIfAbsent(a.nonce(), Boolean.TRUE) != null) {
                return false;
            }
        }
        Tally tally = tallies.computeIfAbsent(String.join("/", a.model(), a.domain(), a.policy(), a.arm()),
                k -> new Tally());
        tally.count().increment();
        tally.sum().add(score);
        return true;
    }

    Map<String, Tally> tallies() {
        return Map.copyOf(tallies);
    }
}
