package dev.goldilocks.gateway.decisions;

import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.gateway.quality.ShadowRunner;
import dev.goldilocks.gateway.quality.Traffic;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.router.DomainPrediction;
import dev.goldilocks.router.PolicySpec;
import dev.goldilocks.router.RouteDecision;
import dev.goldilocks.router.Router;
import dev.goldilocks.store.Decision;
import dev.goldilocks.store.DecisionLog;
import dev.goldilocks.store.Feedback;
import dev.goldilocks.store.FeedbackReceipt;
import dev.goldilocks.store.JudgeScore;
import dev.goldilocks.store.LogHealth;
import dev.goldilocks.store.ProbeScore;
import dev.goldilocks.store.SettingsHash;
import dev.goldilocks.store.ShadowJudgement;
import dev.goldilocks.store.TrafficClass;
import dev.goldilocks.store.UnitHasher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.LoggerFactory;

/**
 * What the gateway's services write to the decision log: a {@link DecisionTrace} per generation request (one
 * row when it ends), probe scores and shadow judgements as outcomes, and feedback, which the store's unique key
 * counts once across every replica. Nothing here waits on the store on a request's path: rows go to the log's
 * bounded queue, and feedback, the one synchronous write, waits at most {@link #FEEDBACK_TIMEOUT}.
 */
public final class DecisionRecorder implements AutoCloseable {

    /** The longest a Feedback call waits for the store before the replica's own ledger decides. */
    public static final Duration FEEDBACK_TIMEOUT = Duration.ofSeconds(2);
    /** Feedback writes waiting for the store at most; beyond, the ledger decides at once. */
    private static final int FEEDBACK_QUEUE = 64;

    private final DecisionLog log;
    private final boolean enabled;
    private final boolean keepText;
    private final UnitHasher units;
    private final Map<String, String> settingsHashes;
    private final Map<String, String> pinnedHashes = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor feedbackWriter;
    private final RateLimitedLog warnings = new RateLimitedLog(LoggerFactory.getLogger(DecisionRecorder.class),
            Duration.ofSeconds(30));

    /**
     * @param signingKey the gateway's request id key; the unit hash key is derived from it, so every replica
     *                   (sharing the key) logs a unit under the same hash and nobody without it can test a guess
     * @param policies   every policy the router runs, with its settings (hashed into each row)
     */
    DecisionRecorder(DecisionLog log, boolean keepText, byte[] signingKey, Map<String, PolicySpec> policies) {
        this.log = log;
        this.enabled = log.health().state() != LogHealth.State.OFF;
        this.keepText = keepText;
        this.units = new UnitHasher(derive(signingKey, "goldilocks decision log unit hash"));
        this.settingsHashes = policies.values().stream()
                .collect(Collectors.toUnmodifiableMap(PolicySpec::name, p -> SettingsHash.of(p.settings())));
        this.feedbackWriter = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(FEEDBACK_QUEUE),
                r -> {
                    Thread t = new Thread(r, "decision-log-feedback");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** A recorder for a gateway without a decision log: its traces write nothing. */
    public static DecisionRecorder off() {
        return new DecisionRecorder(DecisionLog.off(), false, new byte[32], Map.of());
    }

    /** Whether rows are written anywhere. */
    public boolean enabled() {
        return enabled;
    }

    /** The trace of a generation request received at {@code receivedNanos} (System.nanoTime). */
    public DecisionTrace trace(Traffic traffic, GenerateRequest request, long receivedNanos) {
        if (!enabled()) {
            return DecisionTrace.NONE;
        }
        return new DecisionTrace(this, TrafficClass.valueOf(traffic.name()), request.getUnitId(),
                keepText ? request.getPrompt() : "", receivedNanos);
    }

    boolean keepsText() {
        return keepText;
    }

    /**
     * One decision row; a row the log refuses to build (a bug) costs that row only, never the request.
     *
     * @param experiment        the experiment the request was exposed to; "" for none
     * @param armSettingsHash   the settings hash of the experiment arm's policy; "" for the configured policy's
     */
    void write(String requestId, Instant decidedAt, TrafficClass traffic, String unitId, String experiment,
               String armSettingsHash, DomainPrediction prediction, RouteDecision decision, Decision.Serving serving,
               Decision.Timing timing, Decision.Usage usage, Optional<Decision.Text> text) {
        try {
            log.record(new Decision(requestId, decidedAt, traffic, units.hash(unitId),
                    new Decision.Assignment(experiment, decision.arm(), decision.policy(),
                            armSettingsHash.isEmpty() ? settingsHash(decision) : armSettingsHash),
                    new Decision.Classification(decision.domain(), decision.confidence(), prediction.scores()),
                    new Decision.Action(decision.distribution().asMap(), decision.chosenModel()),
                    serving, timing, usage, text));
        } catch (RuntimeException e) {
            warnings.warn("row", "decision log: a decision row could not be built and is not written: {}",
                    e.toString());
        }
    }

    /** A probe's score by its item's metric, keyed by the probe request's id. */
    public void probeScored(String requestId, String itemId, String metric, double score,
                            OptionalDouble referenceLoglikPerByte) {
        if (enabled()) {
            log.record(new ProbeScore(requestId, Instant.now(), itemId, metric, score, referenceLoglikPerByte));
        }
    }

    /** A judge model's score in [0, 1] of a client request's answer (an experiment's judged sample). */
    public void judged(String requestId, String judgeModel, double score) {
        if (enabled()) {
            log.record(new JudgeScore(requestId, Instant.now(), judgeModel, score));
        }
    }

    /**
     * A shadow comparison of a client request: {@code delta} is the judge's score of the served answer minus the
     * alternative's (NaN when neither could be judged: a tie).
     */
    public void shadowJudged(String requestId, String served, String alternative, double delta) {
        if (!enabled()) {
            return;
        }
        ShadowJudgement.Verdict verdict = Double.isNaN(delta) || Math.abs(delta) < ShadowRunner.TIE
                ? ShadowJudgement.Verdict.TIE : delta > 0 ? ShadowJudgement.Verdict.WIN : ShadowJudgement.Verdict.LOSS;
        log.record(new ShadowJudgement(requestId, Instant.now(), served, alternative, Double.isNaN(delta) ? 0 : delta,
                verdict));
    }

    /**
     * Records a client's score in the store, which keeps the first per request id across every replica. Waits
     * for the store at most {@link #FEEDBACK_TIMEOUT}; {@link FeedbackReceipt#UNAVAILABLE} when it did not answer
     * in time (or there is no log), and the caller decides on its own.
     */
    public FeedbackReceipt feedback(String requestId, double score, String label) {
        if (!enabled()) {
            return FeedbackReceipt.UNAVAILABLE;
        }
        Feedback feedback = new Feedback(requestId, Instant.now(), score, label);
        Future<FeedbackReceipt> receipt;
        try {
            receipt = feedbackWriter.submit(() -> log.recordFeedback(feedback));
        } catch (RejectedExecutionException e) {
            warnings.warn("feedback", "decision log: {} feedback writes are waiting for the store already;"
                    + " this replica's own ledger decides", FEEDBACK_QUEUE);
            return FeedbackReceipt.UNAVAILABLE;
        }
        try {
            return receipt.get(FEEDBACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            receipt.cancel(false); // not started yet: drop it; running: it may still land, and counts once there
            warnings.warn("feedback", "decision log: the store did not answer a feedback write within {} ms;"
                    + " this replica's own ledger decides", FEEDBACK_TIMEOUT.toMillis());
            return FeedbackReceipt.UNAVAILABLE;
        } catch (ExecutionException e) {
            return FeedbackReceipt.UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return FeedbackReceipt.UNAVAILABLE;
        }
    }

    private String settingsHash(RouteDecision decision) {
        String hash = settingsHashes.get(decision.policy());
        if (hash != null) {
            return hash;
        }
        // a pinned request: its only setting is the model the caller named
        return pinnedHashes.computeIfAbsent(decision.policy() + "/" + decision.chosenModel(),
                k -> SettingsHash.of(Map.of(Router.PINNED, decision.chosenModel())));
    }

    private static byte[] derive(byte[] key, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public void close() {
        feedbackWriter.shutdownNow();
    }
}
