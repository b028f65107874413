package dev.goldilocks.common.grpc;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;

/**
 * A request that is not a valid message (for example a string field with invalid UTF-8, which proto3
 * forbids) is the client's error and gets INVALID_ARGUMENT naming it. By default gRPC answers UNKNOWN
 * ("Application error processing RPC"), because a marshaller can only throw. So the marshaller notes
 * the failure for its thread and hands on an empty message, and the interceptor, which gRPC calls next
 * on the same thread with that message, closes the call instead.
 */
public final class ParseErrors {

    private static final ThreadLocal<String> FAILURE = new ThreadLocal<>();

    private ParseErrors() {
    }

    public static ServerServiceDefinition asInvalidArgument(ServerServiceDefinition service) {
        ServiceDescriptor old = service.getServiceDescriptor();
        List<ServerMethodDefinition<?, ?>> methods = service.getMethods().stream()
                .<ServerMethodDefinition<?, ?>>map(ParseErrors::wrap).toList();
        // the service descriptor must hold the very method descriptors that are bound
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(old.getName())
                .setSchemaDescriptor(old.getSchemaDescriptor());
        methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(builder::addMethod);
        return ServerInterceptors.intercept(builder.build(), new Refuse());
    }

    private static <Q, R> ServerMethodDefinition<Q, R> wrap(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
        MethodDescriptor.Marshaller<Q> original = descriptor.getRequestMarshaller();
        MethodDescriptor.Marshaller<Q> checked = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Q value) {
                return original.stream(value);
            }

            @Override
            public Q parse(InputStream stream) {
                try {
                    return original.parse(stream);
                } catch (RuntimeException e) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    FAILURE.set("request: not a valid " + descriptor.getFullMethodName() + " message ("
                            + cause.getMessage() + ")");
                    return original.parse(new ByteArrayInputStream(new byte[0]));
                }
            }
        };
        return ServerMethodDefinition.create(descriptor.toBuilder().setRequestMarshaller(checked).build(),
                method.getServerCallHandler());
    }

    /** Closes a call whose message failed to parse on this thread; the handler never sees it. */
    private static final class Refuse implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                           ServerCallHandler<Q, R> next) {
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
                private boolean refused;

                @Override
                public void onMessage(Q message) {
                    String failure = FAILURE.get();
                    if (failure != null) {
                        FAILURE.remove();
                        refused = true;
                        StatusRuntimeException refusal = Failures.of(ErrorReason.MALFORMED_REQUEST, failure).build();
                        call.close(refusal.getStatus(), Failures.trailers(refusal));
                        return;
                    }
                    if (!refused) {
                        super.onMessage(message);
                    }
                }

                @Override
                public void onHalfClose() {
                    if (!refused) {
                        super.onHalfClose();
                    }
                }

                @Override
                public void onReady() {
                    if (!refused) {
                        super.onReady();
                    }
                }
            };
        }
    }
}
