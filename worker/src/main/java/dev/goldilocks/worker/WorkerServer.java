package dev.goldilocks.worker;

import ai.onnxruntime.OrtException;
import dev.goldilocks.common.grpc.GrpcServers;
import dev.goldilocks.common.grpc.ParseErrors;
import dev.goldilocks.common.grpc.ServingProcess;
import dev.goldilocks.common.metrics.MetricsEndpoint;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.WorkerConfig;
import dev.goldilocks.worker.service.HostedModel;
import dev.goldilocks.worker.service.WarmUp;
import dev.goldilocks.worker.service.WorkerMetrics;
import dev.goldilocks.worker.service.WorkerService;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker process's gRPC server: binds first with health NOT_SERVING, loads and warms up every model
 * (requests meanwhile get UNAVAILABLE), then reports SERVING.
 */
public final class WorkerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerServer.class);
    private static final String SERVICE = WorkerGrpc.SERVICE_NAME;

    private final ServingProcess process;
    private final Map<String, HostedModel> models;
    private final AtomicBoolean released = new AtomicBoolean();

    private WorkerServer(ServingProcess process, Map<String, HostedModel> models) {
        this.process = process;
        this.models = models;
    }

    /** A worker with its own metrics registry, served on config.metricsPort() unless that is -1. */
    public static WorkerServer start(WorkerConfig config) throws IOException {
        return start(config, MetricsEndpoint.newRegistry());
    }

    /** A worker whose metrics go to {@code registry} (the all-in-one shares one between its servers). */
    public static WorkerServer start(WorkerConfig config, PrometheusMeterRegistry registry) throws IOException {
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus("", ServingStatus.NOT_SERVING);
        health.setStatus(SERVICE, ServingStatus.NOT_SERVING);
        Map<String, HostedModel> models = new ConcurrentHashMap<>();
        WorkerMetrics metrics = new WorkerMetrics(registry);
        ExecutorService executor = GrpcServers.boundedExecutor("worker-grpc");
        NettyServerBuilder server = GrpcServers.builder(config.host(), config.port(), config.maxInboundBytes(),
                        executor, health, config.tls())
                .addService(ParseErrors.asInvalidArgument(new WorkerService(models,
                        config.models().stream().map(ModelConfig::name).collect(Collectors.toSet()),
                        config.defaultMaxNewTokens(), metrics).bindService()));
        WorkerServer worker = new WorkerServer(ServingProcess.start("worker", server, health, executor, registry,
                config.host(), config.metricsPort(), config.drain()), models);
        try {
            for (ModelConfig model : config.models()) {
                long t0 = System.nanoTime();
                HostedModel hosted = HostedModel.load(model, size -> metrics.batched(model.name(), "generate", size));
                WarmUp.run(hosted);
                metrics.watch(hosted);
                models.put(model.name(), hosted);
                LOG.info("model {} loaded and warmed up from {} in {} ms", model.name(),
                        model.kind().equals(ModelConfig.ECHO) ? "nothing (an echo model)" : model.modelFile(),
                        (System.nanoTime() - t0) / 1_000_000);
            }
        } catch (Exception e) {
            worker.close();
            throw new IOException("worker: cannot load models: " + e.getMessage(), e);
        }
        worker.process.serving(SERVICE);
        LOG.info("worker serving {} on {}:{}", models.keySet(), config.host(), worker.port());
        return worker;
    }

    public int port() {
        return process.port();
    }

    /** The /metrics port, or -1 when this worker serves none. */
    public int metricsPort() {
        return process.metricsPort();
    }

    public void awaitTermination() throws InterruptedException {
        process.awaitTermination();
    }

    /** Stops at once, failing calls in flight, as a crash would; then releases the models. */
    public void abort() {
        process.abort();
        releaseModels();
    }

    /**
     * Drains (see {@link ServingProcess#drain}): when the grace period ends, the models stop (queued requests
     * and running sequences end with SHUTTING_DOWN at their next step, a running Score or Embed batch
     * finishes); then every thread that runs a model is joined before its ONNX session is closed.
     */
    @Override
    public void close() {
        process.drain(() -> models.values().forEach(HostedModel::stop));
        releaseModels();
    }

    private void releaseModels() {
        if (!released.compareAndSet(false, true)) {
            return; // close() after abort(): the models are already gone
        }
        for (HostedModel m : models.values()) {
            try {
                m.close();
            } catch (OrtException | RuntimeException e) {
                LOG.warn("closing model {}: {}", m.config().name(), e.getMessage());
            }
        }
    }
}
