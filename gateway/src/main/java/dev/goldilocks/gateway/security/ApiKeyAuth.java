package dev.goldilocks.gateway.security;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.common.logging.RateLimitedLog;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * API keys and per-key rate limits for the public and admin services (health and reflection stay open).
 * A key comes as {@code authorization: Bearer <key>} or {@code x-api-key: <key>}; it is compared by its
 * SHA-256, in constant time. No or a wrong key: UNAUTHENTICATED. Over the key's rate: RESOURCE_EXHAUSTED.
 * Every refusal is counted by reason (goldilocks_auth_refusals_total) and logged, one line per reason and
 * interval, without the key.
 */
public final class ApiKeyAuth implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> X_API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    /** The name of the key a call came with (the experiment unit of a request without a unit id). */
    private static final Context.Key<String> KEY_NAME = Context.key("goldilocks-api-key-name");

    private final List<ApiKey> keys;
    /** Each key's SHA-256, parsed once rather than on every call. */
    private final List<byte[]> digests;
    /** A SHA-256 per thread: MessageDigest.getInstance looks the algorithm up among the providers every time. */
    private final ThreadLocal<MessageDigest> sha256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });
    private final Map<String, RateLimiter> limiters;
    private final MeterRegistry registry;
    private final RateLimitedLog operator;

    public ApiKeyAuth(List<ApiKey> keys, MeterRegistry registry, RateLimitedLog operator) {
        this.keys = List.copyOf(keys);
        this.digests = this.keys.stream().map(k -> HexFormat.of().parseHex(k.sha256())).toList();
        this.registry = registry;
        this.operator = operator;
        this.limiters = keys.stream().collect(Collectors.toUnmodifiableMap(ApiKey::name, k -> RateLimiter.of("key-" + k.name(),
                RateLimiterConfig.custom()
                        .limitForPeriod(Math.max(1, (int) Math.round(k.ratePerSecond())))
                        .limitRefreshPeriod(Duration.ofSeconds(1))
                        .timeoutDuration(Duration.ZERO)
                        .build())));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String presented = presentedKey(headers);
        if (presented == null) {
            return refuse(call, Failures.of(ErrorReason.API_KEY_MISSING,
                    "an API key is required: send 'authorization: Bearer <key>' or 'x-api-key: <key>'").build(), "");
        }
        byte[] digest = sha256.get().digest(presented.getBytes(StandardCharsets.UTF_8));
        ApiKey match = null;
        for (int i = 0; i < keys.size(); i++) {
            if (MessageDigest.isEqual(digest, digests.get(i))) {
                match = keys.get(i); // every key is compared: the time does not say which one matched
            }
        }
        if (match == null) {
            return refuse(call, Failures.of(ErrorReason.API_KEY_INVALID, "the API key is not valid").build(), "");
        }
        if (!limiters.get(match.name()).acquirePermission()) {
            return refuse(call, Failures.of(ErrorReason.KEY_RATE_LIMITED, "the rate limit of API key '" + match.name()
                    + "' (" + match.ratePerSecond() + " requests per second) is exceeded; retry with backoff")
                    .retryAfter(Duration.ofSeconds(1)).build(), " '" + match.name() + "'");
        }
        return Contexts.interceptCall(Context.current().withValue(KEY_NAME, match.name()), call, headers, next);
    }

    /** The name of the API key the current call came with; "" when keys are not required. */
    public static String currentKeyName() {
        String name = KEY_NAME.get();
        return name == null ? "" : name;
    }

    private static String presentedKey(Metadata headers) {
        String bearer = headers.get(AUTHORIZATION);
        if (bearer != null && bearer.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return bearer.substring(7).strip();
        }
        String key = headers.get(X_API_KEY);
        return key == null || key.isBlank() ? null : key.strip();
    }

    private <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, StatusRuntimeException refusal, String key) {
        String reason = Failures.reason(refusal).orElseThrow().name();
        Counter.builder("goldilocks.auth.refusals").description("Calls refused by API key checks, by reason")
                .tag("reason", reason.toLowerCase(Locale.ROOT)).register(registry).increment();
        operator.warn("auth:" + reason + key, "refused a call to {}: {}{}", call.getMethodDescriptor().getFullMethodName(),
                reason, key.isEmpty() ? "" : " (API key" + key + ")");
        call.close(refusal.getStatus(), Failures.trailers(refusal));
        return new ServerCall.Listener<>() { };
    }
}
