package dev.goldilocks.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.logging.RateLimitedLog;
import dev.goldilocks.gateway.config.DispatchSettings;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.config.Price;
import dev.goldilocks.proto.v1.ModelStatus;
import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.StatusResponse;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.router.stats.Prior;
import io.grpc.Context;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Endpoint discovery: a target's addresses are re-resolved; an address that left is forgotten and its
 * channel closed; a failed lookup keeps what was known; every endpoint is polled at once, so one that
 * hangs delays no other; ListModels' answer comes from what the polls recorded.
 */
class EndpointDiscoveryTest {

    /** A worker that answers Status only (or never, while it hangs), and counts the polls. */
    private static final class StatusWorker extends WorkerGrpc.WorkerImplBase implements AutoCloseable {
        final AtomicInteger polls = new AtomicInteger();
        final AtomicBoolean polledWhileOtherHung = new AtomicBoolean();
        final AtomicInteger hanging = new AtomicInteger();
        volatile StatusWorker other;
        volatile boolean hang;
        final Server server;

        StatusWorker(String ip, int port) throws IOException {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(ip, port)).addService(this).build().start();
        }

        @Override
        public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
            polls.incrementAndGet();
            if (hang) {
                StatusWorker o = other;
                if (o != null && o.hanging.get() > 0) {
                    polledWhileOtherHung.set(true);
                }
                hanging.incrementAndGet();
                Context.current().addListener(c -> hanging.decrementAndGet(), Runnable::run); // the poll gave up
                return;
            }
            responses.onNext(StatusResponse.newBuilder().addModels(ModelStatus.newBuilder().setName("generic")
                    .setState(ModelStatus.State.READY).setContextTokens(256)).build());
            responses.onCompleted();
        }

        @Override
        public void close() throws InterruptedException {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void addressesThatLeaveAreForgottenAndPollsDoNotWaitForEachOther() throws Exception {
        try (StatusWorker a = new StatusWorker("127.0.0.1", 0);
             StatusWorker b = new StatusWorker("127.0.0.2", a.server.getPort());
             StatusWorker c = new StatusWorker("127.0.0.3", a.server.getPort())) {
            int port = a.server.getPort();
            AtomicReference<List<InetAddress>> dns = new AtomicReference<>(List.of(
                    InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2")));
            ModelRoute generic = new ModelRoute("generic", "generic", "", List.of("workers.test:" + port),
                    new Price(0, 0), new Prior(Map.of(), 0, 0, 1));
            try (WorkerPools pools = new WorkerPools(List.of(generic), 4 << 20,
                    DispatchSettings.defaults().withRefreshSeconds(1), Optional.empty(), Optional.empty(),
                    new DispatchMetrics(new SimpleMeterRegistry()),
                    new RateLimitedLog(LoggerFactory.getLogger(getClass()), Duration.ofSeconds(10)), host -> {
                        List<InetAddress> answer = dns.get();
                        if (answer == null) {
                            throw new UnknownHostException(host);
                        }
                        return answer;
                    })) {
                ModelPool pool = pools.pool("generic");
                assertThat(pool.endpoints()).extracting(Endpoint::address)
                        .containsExactlyInAnyOrder("127.0.0.1:" + port, "127.0.0.2:" + port);
                assertThat(pools.readyStatus("generic")).map(ModelStatus::getContextTokens).contains(256);
                Endpoint leaving = pool.endpoints().stream().filter(e -> e.address().startsWith("127.0.0.2")).findFirst()
                        .orElseThrow();

                dns.set(List.of(InetAddress.getByName("127.0.0.1")));
                await(pools.refresh());
                assertThat(pool.endpoints()).extracting(Endpoint::address).containsExactly("127.0.0.1:" + port);
                assertThat(((dev.goldilocks.gateway.backend.WorkerBackend) leaving.backend()).isShutdown()).as("the channel to the address that left is closed").isTrue();
                int pollsOfTheGone = b.polls.get();
                await(pools.refresh());
                assertThat(b.polls.get()).as("an address that left is not polled").isEqualTo(pollsOfTheGone);

                dns.set(null); // the lookup fails
                await(pools.refresh());
                assertThat(pool.endpoints()).as("a failed lookup keeps what was known").hasSize(1);

                b.hang = true;
                c.hang = true;
                b.other = c;
                c.other = b;
                dns.set(List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"),
                        InetAddress.getByName("127.0.0.1")));
                await(pools.refresh());
                assertThat(b.polledWhileOtherHung.get() || c.polledWhileOtherHung.get())
                        .as("two hanging polls were pending at once: polls do not wait for each other").isTrue();
                assertThat(pools.readyStatus("generic")).as("known from the endpoint that answered").isPresent();
            }
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
    }
}
