package dev.goldilocks.gateway.experiments;

import dev.goldilocks.gateway.decisions.DecisionRecorder;
import dev.goldilocks.gateway.quality.Traffic;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ScoreRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The judged sample of experiment traffic: the same share of every arm's answered requests (the experiment's
 * judge_share) is scored by a judge, off the client's path, and the score goes to the decision log. The judge is the
 * generic model's likelihood of the answer given the prompt, per byte: exp(log-likelihood / bytes), the geometric
 * mean probability of each byte of the answer, in [0, 1] (an empty answer scores 0). Like the shadow judge it favours
 * answers the generic model itself would give; it measures fluency, not correctness. Runs through the gateway's own
 * API as shadow traffic, under its own bulkhead: a draw the judge is too busy for is dropped and counted.
 */
final class ExperimentJudge implements AutoCloseable {

    private static final long DEADLINE_SECONDS = 30;
    private static final int THREADS = 2;
    private static final int WAITING = 32;

    private final LiveExperiments live;
    private final String judgeModel;
    private final GoldilocksGrpc.GoldilocksBlockingStub gateway;
    private final DecisionRecorder recorder;
    private final ExperimentMetrics metrics;
    private final RandomGenerator random;
    private final ThreadPoolExecutor bulkhead = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(WAITING), r -> {
                Thread t = new Thread(r, "experiment-judge");
                t.setDaemon(true);
                return t;
            });

    ExperimentJudge(LiveExperiments live, String judgeModel, Channel gateway, String apiKey, DecisionRecorder recorder,
                    ExperimentMetrics metrics, RandomGenerator random) {
        this.live = live;
        this.judgeModel = judgeModel;
        this.gateway = Traffic.SHADOW.client(gateway, apiKey);
        this.recorder = recorder;
        this.metrics = metrics;
        this.random = random;
    }

    /** Called after a client's answer was sent; draws it for the judged sample at its experiment's share. */
    void offer(GenerateRequest request, GenerateResponse answer) {
        String arm = answer.getRoute().getArm();
        if (arm.isEmpty()) {
            return;
        }
        Optional<ExperimentSpec> experiment = live.runningFor(answer.getRoute().getDomain(), arm);
        if (experiment.isEmpty() || !(random.nextDouble() < experiment.get().judgeShare())) {
            return;
        }
        try {
            bulkhead.execute(() -> judge(request.getPrompt(), answer));
        } catch (RejectedExecutionException e) {
            metrics.judgement("shed");
        }
    }

    private void judge(String prompt, GenerateResponse answer) {
        try {
            double score = 0;
            if (!answer.getText().isEmpty()) {
                double logprob = gateway.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).score(ScoreRequest
                        .newBuilder().setPrompt(prompt).setContinuation(answer.getText()).setModel(judgeModel)
                        .setDomainHint(answer.getRoute().getDomain()).build()).getLogprob();
                score = Math.min(1, Math.exp(logprob / answer.getText().getBytes(StandardCharsets.UTF_8).length));
            }
            recorder.judged(answer.getRequestId(), judgeModel, score);
            metrics.judgement("judged");
        } catch (StatusRuntimeException e) {
            metrics.judgement("failed");
        }
    }

    @Override
    public void close() {
        bulkhead.shutdownNow();
    }
}
