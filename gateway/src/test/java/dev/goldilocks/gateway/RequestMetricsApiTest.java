package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.Limits;
import dev.goldilocks.gateway.config.ModelLimitSettings;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * goldilocks_requests_total against what clients saw: every outcome a client can get from Generate and
 * GenerateStream (OK, a bad field, an unknown model, no API key, a refusal at the door and by a model, a
 * passed deadline, a cancellation) is made to happen, and the counter's deltas per rpc and outcome equal the
 * table of outcomes the clients observed.
 */
class RequestMetricsApiTest {

    private static final String KEY = "metrics-test-key-0123456789";
    private static final Pattern REQUESTS = Pattern.compile("^goldilocks_requests_total\\{(.*)} (\\S+)$", Pattern.MULTILINE);
    private static final List<String> RPCS = List.of("generate", "generate_stream");

    private final Map<String, Integer> seen = new TreeMap<>();
    private Replica gateway;

    @Test
    void theRequestCounterEqualsTheOutcomesClientsSaw() throws Exception {
        try (AllInOne all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, -1);
             WorkerProxy generic = new WorkerProxy(all.genericWorkerPort());
             WorkerProxy specialists = new WorkerProxy(all.specialistWorkerPort())) {
            List<ModelRoute> models = all.gatewayConfig().models().stream().map(m -> new ModelRoute(m.name(), m.role(),
                    m.domain(), List.of((m.role().equals("generic") ? generic : specialists).address()), m.price(),
                    m.prior())).toList();
            gateway = new Replica(all.gatewayConfig().withModels(models).withMetricsPort(0)
                    .withApiKeys(List.of(new ApiKey("tester", ApiKey.hash(KEY), 1e6)))
                    .withLimits(new Limits(32 * 1024, 256, 4096, 256, 2))
                    .withDispatch(DispatchSettings.defaults().withModelLimit(ModelLimitSettings.fixed(1))));
            try {
                Map<String, Double> before = counted();
                for (String rpc : RPCS) {
                    expect(rpc, Status.Code.OK, call(rpc, keyed(), ask("math", "")));
                    expect(rpc, Status.Code.INVALID_ARGUMENT, call(rpc, keyed(), ask("math", "").toBuilder().setPrompt("").build()));
                    expect(rpc, Status.Code.NOT_FOUND, call(rpc, keyed(), ask("", "no-such-model")));
                    expect(rpc, Status.Code.UNAUTHENTICATED, call(rpc, GoldilocksGrpc.newBlockingStub(gateway.channel()),
                            ask("math", "")));
                }

                specialists.hold();
                for (String rpc : RPCS) {
                    expect(rpc, Status.Code.DEADLINE_EXCEEDED, call(rpc, keyed().withDeadlineAfter(500, TimeUnit.MILLISECONDS),
                            ask("legal", "")));
                    awaitIdle(specialists);
                    Context.CancellableContext cancellable = Context.current().withCancellation();
                    CompletableFuture<Status.Code> cancelled = CompletableFuture.supplyAsync(() -> {
                        Context previous = cancellable.attach();
                        try {
                            return call(rpc, keyed(), ask("legal", ""));
                        } finally {
                            cancellable.detach(previous);
                        }
                    });
                    await(() -> specialists.running() == 1);
                    cancellable.cancel(null);
                    expect(rpc, Status.Code.CANCELLED, cancelled.get(60, TimeUnit.SECONDS));
                    awaitIdle(specialists);
                }

                generic.hold();
                CompletableFuture<Status.Code> heldUnary = CompletableFuture.supplyAsync(
                        () -> call("generate", keyed(), ask("", "generic")));
                await(() -> generic.running() == 1);
                for (String rpc : RPCS) {
                    StatusRuntimeException e = refusal(rpc, ask("", "generic"));
                    assertThat(Failures.reason(e)).contains(ErrorReason.MODEL_OVERLOADED);
                    expect(rpc, e.getStatus().getCode(), e.getStatus().getCode());
                }
                CompletableFuture<Status.Code> heldStream = CompletableFuture.supplyAsync(
                        () -> call("generate_stream", keyed(), ask("code", "")));
                await(() -> specialists.running() == 1);
                for (String rpc : RPCS) {
                    StatusRuntimeException e = refusal(rpc, ask("math", ""));
                    assertThat(Failures.reason(e)).contains(ErrorReason.GATEWAY_OVERLOADED);
                    expect(rpc, e.getStatus().getCode(), e.getStatus().getCode());
                }
                generic.release();
                specialists.release();
                expect("generate", Status.Code.OK, heldUnary.get(60, TimeUnit.SECONDS));
                expect("generate_stream", Status.Code.OK, heldStream.get(60, TimeUnit.SECONDS));

                int calls = seen.values().stream().mapToInt(Integer::intValue).sum();
                await(() -> total(delta(before, countedQuietly())) == calls);
                assertThat(delta(before, counted())).as("counter deltas against client outcomes").isEqualTo(seen);
                assertThat(gateway.metric("goldilocks_auth_refusals_total{reason=\"api_key_missing\"}")).isEqualTo(2);
            } finally {
                gateway.close();
            }
        }
    }

    private static GenerateRequest ask(String domain, String model) {
        return GenerateRequest.newBuilder().setPrompt("The court held that").setDomainHint(domain).setModel(model)
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(4)).build();
    }

    private GoldilocksGrpc.GoldilocksBlockingStub keyed() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), KEY);
        return GoldilocksGrpc.newBlockingStub(gateway.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers)).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** One call through {@code rpc}, read to its end; the status code its client saw. */
    private static Status.Code call(String rpc, GoldilocksGrpc.GoldilocksBlockingStub stub, GenerateRequest request) {
        try {
            run(rpc, stub, request);
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private StatusRuntimeException refusal(String rpc, GenerateRequest request) {
        try {
            run(rpc, keyed(), request);
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("admitted");
    }

    private static void run(String rpc, GoldilocksGrpc.GoldilocksBlockingStub stub, GenerateRequest request) {
        if (rpc.equals("generate")) {
            stub.generate(request);
        } else {
            stub.generateStream(request).forEachRemaining(chunk -> { });
        }
    }

    private void expect(String rpc, Status.Code expected, Status.Code observed) {
        assertThat(observed).as(rpc).isEqualTo(expected);
        seen.merge(rpc + " " + observed.name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
    }

    /** Calls of the proxy's models have ended at the gateway: nothing in flight there, no permit held. */
    private void awaitIdle(WorkerProxy proxy) throws Exception {
        await(() -> proxy.running() == 0 && metricQuietly("goldilocks_requests_in_flight") == 0
                && metricQuietly("goldilocks_model_in_flight{model=\"legal-specialist\"}") == 0);
    }

    private double metricQuietly(String sample) {
        try {
            return gateway.metric(sample);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** goldilocks_requests_total summed per "rpc outcome". */
    private Map<String, Double> counted() throws Exception {
        Map<String, Double> out = new TreeMap<>();
        Matcher m = REQUESTS.matcher(gateway.metrics());
        while (m.find()) {
            String labels = m.group(1);
            out.merge(label(labels, "rpc") + " " + label(labels, "outcome"), Double.parseDouble(m.group(2)), Double::sum);
        }
        return out;
    }

    private Map<String, Double> countedQuietly() {
        try {
            return counted();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String label(String labels, String name) {
        Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(labels);
        return m.find() ? m.group(1) : "";
    }

    private static Map<String, Integer> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Integer> out = new TreeMap<>();
        after.forEach((k, v) -> {
            int d = (int) Math.round(v - before.getOrDefault(k, 0.0));
            if (d != 0 && (k.startsWith("generate ") || k.startsWith("generate_stream "))) {
                out.put(k, d);
            }
        });
        return out;
    }

    private static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Eventually.until("the calls and counters to settle", condition::getAsBoolean);
    }
}
