package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.common.grpc.TlsFiles;
import dev.goldilocks.gateway.cli.Main;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.config.ProbeSettings;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.ReportRequest;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.StatusRequest;
import dev.goldilocks.proto.v1.WorkerGrpc;
import dev.goldilocks.worker.WorkerServer;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.WorkerConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** TLS on the public port and mutual TLS between gateway and workers, with certificates the test makes. */
class TlsApiTest {

    private static final Path MODELS = Path.of(System.getProperty("goldilocks.models", "../models"));

    @Test
    void clientsSpeakTlsToTheGatewayAndTheGatewayMutualTlsToWorkers() throws Exception {
        TestCertificates certs = new TestCertificates();
        TlsFiles workerServer = new TlsFiles(Optional.of(certs.path("worker.crt")), Optional.of(certs.path("worker.key")),
                Optional.of(certs.path("ca.crt")));
        ModelConfig math = new ModelConfig("math-specialist", ModelConfig.CAUSAL_LM, MODELS.resolve("math-specialist"),
                "cpu", 1, 2, 16, 64);
        try (AllInOne all = AllInOne.start(MODELS, "127.0.0.1", 0, -1);
             WorkerServer secure = WorkerServer.start(new WorkerConfig("127.0.0.1", 0, 4 << 20, 16, List.of(math), -1,
                     Optional.of(workerServer)))) {
            List<ModelRoute> models = all.gatewayConfig().models().stream()
                    .filter(m -> m.role().equals("generic") || m.name().equals("math-specialist"))
                    .map(m -> new ModelRoute(m.name(), m.role(), m.domain(), List.of("127.0.0.1:" + secure.port()),
                            m.price(), m.prior())).toList();
            // the generic model is not on the secure worker: only the math specialist answers in this test
            try (Replica gateway = new Replica(all.gatewayConfig().withModels(models).withTls(
                    Optional.of(new TlsFiles(Optional.of(certs.path("gateway.crt")), Optional.of(certs.path("gateway.key")),
                            Optional.empty())),
                    Optional.of(new TlsFiles(Optional.of(certs.path("gateway-client.crt")),
                            Optional.of(certs.path("gateway-client.key")), Optional.of(certs.path("ca.crt"))))))) {
                ManagedChannel tls = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port())
                        .sslContext(new TlsFiles(Optional.empty(), Optional.empty(), Optional.of(certs.path("ca.crt")))
                                .clientContext()).build();
                try {
                    GenerateRequest ask = GenerateRequest.newBuilder().setPrompt("What is 2 + 3?").setModel("math-specialist")
                            .setParams(GenerationParams.newBuilder().setMaxNewTokens(3)).build();
                    assertThat(GoldilocksGrpc.newBlockingStub(tls).withDeadlineAfter(60, TimeUnit.SECONDS).generate(ask)
                            .getUsage().getCompletionTokens()).isPositive();
                    assertThatThrownBy(() -> gateway.blocking().withDeadlineAfter(10, TimeUnit.SECONDS).generate(ask))
                            .as("plaintext to a TLS port").isInstanceOf(StatusRuntimeException.class);
                } finally {
                    tls.shutdownNow();
                }
            }
            for (String who : List.of("none", "stranger")) {
                TlsFiles client = who.equals("none")
                        ? new TlsFiles(Optional.empty(), Optional.empty(), Optional.of(certs.path("ca.crt")))
                        : new TlsFiles(Optional.of(certs.path("stranger.crt")), Optional.of(certs.path("stranger.key")),
                                Optional.of(certs.path("ca.crt")));
                ManagedChannel direct = NettyChannelBuilder.forAddress("127.0.0.1", secure.port())
                        .sslContext(client.clientContext()).build();
                try {
                    assertThatThrownBy(() -> WorkerGrpc.newBlockingStub(direct).withDeadlineAfter(10, TimeUnit.SECONDS)
                            .status(StatusRequest.getDefaultInstance()))
                            .as("a worker refuses a client without a certificate its CA signed (%s)", who)
                            .isInstanceOfSatisfying(StatusRuntimeException.class,
                                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
                } finally {
                    direct.shutdownNow();
                }
            }
        }
    }

    /**
     * With mutual TLS on the public port, the gateway's own probes still run (they enter its services
     * in-process, not through the port) and are recorded; the CLI connects with a client certificate and is
     * refused without one.
     */
    @Test
    void underMutualTlsProbesAreRecordedAndTheCliConnectsWithAClientCertificate() throws Exception {
        TestCertificates certs = new TestCertificates();
        TlsFiles mutual = new TlsFiles(Optional.of(certs.path("gateway.crt")), Optional.of(certs.path("gateway.key")),
                Optional.of(certs.path("ca.crt")));
        try (AllInOne all = AllInOne.start(MODELS, "127.0.0.1", 0, -1);
             Replica gateway = new Replica(all.gatewayConfig().withTls(Optional.of(mutual), Optional.empty())
                     .withProbes(new ProbeSettings(true, 20, MODELS.resolve("eval"))))) {
            ManagedChannel client = NettyChannelBuilder.forAddress("127.0.0.1", gateway.port())
                    .sslContext(new TlsFiles(Optional.of(certs.path("gateway-client.crt")),
                            Optional.of(certs.path("gateway-client.key")), Optional.of(certs.path("ca.crt")))
                            .clientContext()).build();
            try {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                long probes = 0;
                while (probes == 0 && System.nanoTime() < until) {
                    Thread.sleep(100);
                    probes = GoldilocksAdminGrpc.newBlockingStub(client).withDeadlineAfter(30, TimeUnit.SECONDS)
                            .report(ReportRequest.getDefaultInstance()).getDomainsList().stream()
                            .flatMap(d -> d.getModelsList().stream()).flatMap(m -> m.getQualityList().stream())
                            .filter(q -> q.getSource().equals("probe")).mapToLong(q -> q.getN()).sum();
                }
                assertThat(probes).as("probe observations under mutual TLS").isPositive();
            } finally {
                client.shutdownNow();
            }
            String target = "127.0.0.1:" + gateway.port();
            String ca = certs.path("ca.crt").toString();
            assertThat(new CommandLine(new Main()).execute("ask", "What is 2 + 3?", "--model", "math-specialist",
                    "--max-new-tokens", "3", "--target", target, "--tls-ca", ca,
                    "--tls-cert", certs.path("gateway-client.crt").toString(),
                    "--tls-key", certs.path("gateway-client.key").toString())).as("ask with a client certificate").isZero();
            assertThat(new CommandLine(new Main()).execute("report", "--target", target, "--tls-ca", ca,
                    "--tls-cert", certs.path("gateway-client.crt").toString(),
                    "--tls-key", certs.path("gateway-client.key").toString())).as("report with a client certificate").isZero();
            assertThat(new CommandLine(new Main()).execute("report", "--target", target, "--tls-ca", ca))
                    .as("report without a client certificate").isEqualTo(1);
        }
    }
}
