package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goldilocks.gateway.security.ApiKey;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ReportRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** API keys: hashed in config, required by the public and admin services, rate-limited per key. */
class AuthApiTest {

    private static final String KEY = "team-a-secret-0123456789";

    private static <S extends AbstractStub<S>> S withHeader(S stub, String name, String value) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @Test
    void keysAreRequiredCheckedAndRateLimitedWhileHealthStaysOpen() throws Exception {
        GenerateRequest ask = GenerateRequest.newBuilder().setPrompt("What is 2 + 2?").setDomainHint("math")
                .setParams(GenerationParams.newBuilder().setMaxNewTokens(3)).build();
        try (AllInOne all = AllInOne.start(Path.of(System.getProperty("goldilocks.models", "../models")), "127.0.0.1", 0, -1);
             Replica gateway = new Replica(all.gatewayConfig().withApiKeys(List.of(new ApiKey("team-a", ApiKey.hash(KEY), 3))))) {
            assertThatThrownBy(() -> gateway.blocking().withDeadlineAfter(60, TimeUnit.SECONDS).generate(ask))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                        assertThat(e.getStatus().getDescription()).contains("API key is required");
                    });
            assertThatThrownBy(() -> withHeader(gateway.blocking(), "x-api-key", "guess").generate(ask))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            assertThatThrownBy(() -> GoldilocksAdminGrpc.newBlockingStub(gateway.channel())
                    .report(ReportRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
            assertThat(HealthGrpc.newBlockingStub(gateway.channel()).check(HealthCheckRequest.getDefaultInstance())
                    .getStatus()).as("health needs no key").isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

            GoldilocksGrpc.GoldilocksBlockingStub keyed = withHeader(gateway.blocking(), "authorization", "Bearer " + KEY);
            Thread.sleep(1100); // a fresh rate period
            int ok = 0;
            int limited = 0;
            for (int i = 0; i < 8; i++) {
                try {
                    keyed.generate(ask);
                    ok++;
                } catch (StatusRuntimeException e) {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).contains("'team-a'");
                    limited++;
                }
            }
            assertThat(ok).as("within the key's 3 per second").isBetween(3, 6);
            assertThat(limited).isPositive();
        }
    }
}
