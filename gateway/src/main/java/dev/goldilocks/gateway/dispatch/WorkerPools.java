package dev.goldilocks.gateway.dispatch;

import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.proto.v1.WorkerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One gRPC channel per worker endpoint, grouped by the model they serve. Endpoints of a model are
 * used in turn.
 */
public final class WorkerPools implements AutoCloseable {

    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();

    public WorkerPools(List<ModelRoute> models, int maxInboundBytes) {
        for (ModelRoute model : models) {
            List<WorkerGrpc.WorkerStub> stubs = new ArrayList<>();
            for (String endpoint : model.endpoints()) {
                ManagedChannel channel = channels.computeIfAbsent(endpoint, e -> NettyChannelBuilder.forTarget(e)
                        .usePlaintext()
                        .maxInboundMessageSize(maxInboundBytes)
                        .keepAliveTime(30, TimeUnit.SECONDS)
                        .build());
                stubs.add(WorkerGrpc.newStub(channel));
            }
            pools.put(model.name(), new Pool(stubs));
        }
    }

    /** An async stub for a worker that serves {@code model}. */
    public WorkerGrpc.WorkerStub stub(String model) {
        return pools.get(model).next();
    }

    /** Every endpoint's blocking stub for {@code model}. */
    public List<WorkerGrpc.WorkerBlockingStub> blockingStubs(String model) {
        return pools.get(model).stubs.stream().map(s -> WorkerGrpc.newBlockingStub(s.getChannel())).toList();
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdown);
        for (ManagedChannel channel : channels.values()) {
            try {
                if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                    channel.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                channel.shutdownNow();
            }
        }
    }

    private static final class Pool {
        private final List<WorkerGrpc.WorkerStub> stubs;
        private final AtomicInteger next = new AtomicInteger();

        Pool(List<WorkerGrpc.WorkerStub> stubs) {
            this.stubs = List.copyOf(stubs);
        }

        WorkerGrpc.WorkerStub next() {
            return stubs.get(Math.floorMod(next.getAndIncrement(), stubs.size()));
        }
    }
}
