package dev.goldilocks.gateway.openai;

import dev.goldilocks.proto.v1.GoldilocksGrpc;
import dev.goldilocks.proto.v1.ListModelsRequest;
import dev.goldilocks.proto.v1.ListModelsResponse;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The endpoints, each a translation into a call of the gateway's own gRPC API over an in-process channel:
 * the same key check, rate limits, load shedding, validation, routing, dispatch, fallback and metrics as a
 * gRPC client gets. The client's key travels as the gRPC {@code authorization} (or {@code x-api-key})
 * header. Runs on the connection's event loop and never blocks it: the calls are asynchronous.
 */
final class Endpoints {

    static final String CHAT = "/v1/chat/completions";
    static final String COMPLETIONS = "/v1/completions";
    static final String MODELS = "/v1/models";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> X_API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

    private final GoldilocksGrpc.GoldilocksStub api;
    private final long deadlineNanos;
    private final ModelList models;
    private final BooleanSupplier draining;

    Endpoints(Channel gateway, double deadlineSeconds, ModelList models, BooleanSupplier draining) {
        this.api = GoldilocksGrpc.newStub(gateway);
        this.deadlineNanos = (long) (deadlineSeconds * 1e9);
        this.models = models;
        this.draining = draining;
    }

    /** The metrics label of a request path. */
    static String rpcOf(String path) {
        return switch (path) {
            case CHAT -> Kind.CHAT.rpc;
            case COMPLETIONS -> Kind.COMPLETION.rpc;
            default -> path.equals(MODELS) || path.startsWith(MODELS + "/") ? "models" : "other";
        };
    }

    void serve(FullHttpRequest request, Exchange exchange) {
        String path = path(request.uri());
        exchange.rpc(rpcOf(path));
        try {
            if (draining.getAsBoolean()) {
                exchange.error(OpenAiError.shuttingDown(), Map.of(HttpHeaderNames.CONNECTION.toString(), "close"));
                return;
            }
            GoldilocksGrpc.GoldilocksStub call = api.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(credentials(request)));
            switch (path) {
                case CHAT -> generate(Kind.CHAT, path, request, exchange, call);
                case COMPLETIONS -> generate(Kind.COMPLETION, path, request, exchange, call);
                case MODELS -> {
                    expect(HttpMethod.GET, request, path);
                    listModels(call, exchange, null);
                }
                default -> {
                    if (!path.startsWith(MODELS + "/")) {
                        throw OpenAiError.unknownUrl(request.method().name(), path);
                    }
                    expect(HttpMethod.GET, request, path);
                    listModels(call, exchange, QueryStringDecoder.decodeComponent(path.substring(MODELS.length() + 1)));
                }
            }
        } catch (OpenAiError e) {
            exchange.error(e);
        }
    }

    private void generate(Kind kind, String path, FullHttpRequest http, Exchange exchange,
                          GoldilocksGrpc.GoldilocksStub call) {
        expect(HttpMethod.POST, http, path);
        GenerationRequest request = RequestReader.read(kind, ByteBufUtil.getBytes(http.content()));
        ResponseBodies.Header header = new ResponseBodies.Header(request, kind.idPrefix + newId(),
                System.currentTimeMillis() / 1000);
        if (request.stream()) {
            call.generateStream(request.generate(), new StreamRelay(header, exchange));
        } else {
            call.generate(request.generate(), new UnaryRelay(header, exchange));
        }
    }

    /** All models, or the one with {@code id} (null: all). */
    private void listModels(GoldilocksGrpc.GoldilocksStub call, Exchange exchange, String id) {
        call.listModels(ListModelsRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override
            public void onNext(ListModelsResponse response) {
                try {
                    exchange.json(200, Map.of(), id == null ? models.all(response) : models.one(response, id));
                } catch (OpenAiError e) {
                    exchange.error(e);
                }
            }

            @Override
            public void onError(Throwable t) {
                exchange.error(GrpcErrors.toOpenAi(t, field -> field));
            }

            @Override
            public void onCompleted() {
                // answered in onNext
            }
        });
    }

    /** The client's key, as the gRPC API reads it. */
    private static Metadata credentials(FullHttpRequest request) {
        Metadata headers = new Metadata();
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null) {
            headers.put(AUTHORIZATION, authorization);
        }
        String apiKey = request.headers().get("x-api-key");
        if (apiKey != null) {
            headers.put(X_API_KEY, apiKey);
        }
        return headers;
    }

    private static void expect(HttpMethod method, FullHttpRequest request, String path) {
        if (!request.method().equals(method)) {
            throw OpenAiError.methodNotAllowed(request.method().name(), path, method.name());
        }
    }

    /** The path of a request URI, without its query and a trailing slash. */
    static String path(String uri) {
        String path = new QueryStringDecoder(uri).path();
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** A response id: not a secret, only unique enough to tell responses apart in logs. */
    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }
}
