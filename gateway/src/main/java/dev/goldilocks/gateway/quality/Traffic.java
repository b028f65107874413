package dev.goldilocks.gateway.quality;

import dev.goldilocks.proto.v1.GoldilocksGrpc;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.MetadataUtils;

/**
 * The class of a call: a client's, or the gateway's own probe or shadow traffic, which is low priority
 * and labelled apart in metrics. Carried in a request header that only the gateway's in-process self
 * traffic may set ({@link #ignoreClaims()}) and, inside the gateway, in the gRPC Context.
 */
public enum Traffic {
    CLIENT, PROBE, SHADOW;

    public static final Metadata.Key<String> HEADER = Metadata.Key.of("goldilocks-traffic", Metadata.ASCII_STRING_MARSHALLER);
    public static final Context.Key<Traffic> CONTEXT = Context.keyWithDefault("goldilocks-traffic", CLIENT);

    public static Traffic of(Metadata headers) {
        String value = headers.get(HEADER);
        if (value == null) {
            return CLIENT;
        }
        return switch (value) {
            case "probe" -> PROBE;
            case "shadow" -> SHADOW;
            default -> CLIENT;
        };
    }

    /**
     * For the public port: a client may not label itself probe or shadow traffic (which is low priority and
     * counted apart), so the header is dropped there and the call counts as a client's. The gateway's own
     * traffic comes in-process, where the header stays.
     */
    public static ServerInterceptor ignoreClaims() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                               ServerCallHandler<Q, R> next) {
                headers.removeAll(HEADER);
                return next.startCall(call, headers);
            }
        };
    }

    public static Traffic current() {
        return CONTEXT.get();
    }

    /**
     * A client of the gateway's own API that marks its calls as this traffic class and, when the gateway
     * requires keys, sends the key the gateway made for itself.
     */
    public GoldilocksGrpc.GoldilocksBlockingStub client(Channel gateway, String apiKey) {
        Metadata headers = new Metadata();
        if (apiKey != null) {
            headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), apiKey);
        }
        headers.put(HEADER, label());
        return GoldilocksGrpc.newBlockingStub(gateway).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
