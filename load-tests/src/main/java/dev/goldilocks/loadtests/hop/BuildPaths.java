package dev.goldilocks.loadtests.hop;

import static dev.goldilocks.loadtests.hop.HopBenchmark.GATEWAY;
import static dev.goldilocks.loadtests.hop.HopBenchmark.LEXICAL;
import static dev.goldilocks.loadtests.hop.HopBenchmark.MINILM;
import static dev.goldilocks.loadtests.hop.HopBenchmark.RAW;
import static dev.goldilocks.loadtests.hop.HopBenchmark.RAW_WORKER;
import static dev.goldilocks.loadtests.hop.HopBenchmark.WORKER;

import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.WorkerGenerateRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One build's servers, the channels to them and the calls of every path. */
final class BuildPaths implements AutoCloseable {

    static final int NEW_TOKENS = 4;
    static final String MATH_PROMPT = "What is 21 + 34?";
    static final long DEADLINE_SECONDS = 30;

    final ServerProcess servers;
    final ManagedChannel raw;
    final ManagedChannel worker;
    final ManagedChannel gateway;

    BuildPaths(ServerProcess servers) {
        this.servers = servers;
        raw = channel(servers.rawPort);
        worker = channel(servers.workerPort);
        gateway = channel(servers.gatewayPort);
    }

    private static ManagedChannel channel(int port) {
        // callbacks of calls started without waiting run on the event loop, which starts the next call
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor().build();
    }

    GoldilocksGrpc.GoldilocksBlockingStub gateway() {
        return GoldilocksGrpc.newBlockingStub(gateway).withInterceptors(key())
                .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static io.grpc.ClientInterceptor key() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), HopServers.API_KEY);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /**
     * This build's paths in one mode, unary (the whole answer in one message) or streaming: the raw echo's
     * and the classifier's only for {@code everything} (this build), the worker and the gateway for every build.
     */
    List<Probe> probes(boolean streaming, boolean everything, boolean classifier, ClassifierPrompts prompts,
                       String suffix) {
        GenerateRequest hinted = request(MATH_PROMPT, "math");
        WorkerGenerateRequest direct = WorkerGenerateRequest.newBuilder().setModel("math-specialist")
                .setPrompt(MATH_PROMPT).setParams(GenerationParams.newBuilder().setMaxNewTokens(NEW_TOKENS)).build();
        List<Probe> probes = new ArrayList<>();
        if (everything) {
            probes.add(publicApi(streaming ? "raw echo, GenerateStream" : "raw echo, Generate", RAW, 1, raw,
                    hinted, streaming, false));
            probes.add(workerApi("raw echo, worker API Generate", RAW_WORKER, raw, direct));
        }
        probes.add(workerApi("client -> worker (echo)" + suffix, WORKER, worker, direct));
        probes.add(publicApi("client -> gateway -> worker, domain hint" + suffix, GATEWAY, 1, gateway, hinted,
                streaming, true));
        if (everything && classifier) {
            probes.add(publicApi("the same, classified by the lexical tier (64 tokens)", LEXICAL, 1, gateway,
                    request(prompts.lexical(), ""), streaming, true));
            probes.add(publicApi("the same, classified by MiniLM (64 tokens)", MINILM, 0.1, gateway,
                    request(prompts.embedding(), ""), streaming, true));
        }
        return probes;
    }

    private Probe workerApi(String name, String role, ManagedChannel channel, WorkerGenerateRequest request) {
        return new Probe(name, role, servers.build, servers, 1,
                () -> WorkerGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                        .generate(request).forEachRemaining(c -> { }),
                o -> WorkerGrpc.newStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
                        .generate(request, cast(o)));
    }

    private Probe publicApi(String name, String role, double share, ManagedChannel channel, GenerateRequest request,
                            boolean streaming, boolean keyed) {
        return new Probe(name, role, servers.build, servers, share, () -> {
            GoldilocksGrpc.GoldilocksBlockingStub stub = GoldilocksGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
            stub = keyed ? stub.withInterceptors(key()) : stub;
            if (streaming) {
                stub.generateStream(request).forEachRemaining(c -> { });
            } else {
                stub.generate(request);
            }
        }, o -> {
            GoldilocksGrpc.GoldilocksStub stub = GoldilocksGrpc.newStub(channel)
                    .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
            stub = keyed ? stub.withInterceptors(key()) : stub;
            if (streaming) {
                stub.generateStream(request, cast(o));
            } else {
                stub.generate(request, cast(o));
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel c : List.of(raw, worker, gateway)) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        servers.close();
    }


    @SuppressWarnings("unchecked")
    private static <T> StreamObserver<T> cast(StreamObserver<Object> observer) {
        return (StreamObserver<T>) (StreamObserver<?>) observer;
    }
    
    static GenerateRequest request(String prompt, String hint) {
        return GenerateRequest.newBuilder().setPrompt(prompt).setDomainHint(hint)
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(NEW_TOKENS)).build();
    }
}
