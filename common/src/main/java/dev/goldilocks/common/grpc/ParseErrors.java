package dev.goldilocks.common.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.List;

/**
 * A request that is not a valid message (for example a string field with invalid UTF-8, which proto3
 * forbids) is the client's error: INVALID_ARGUMENT, not the INTERNAL that gRPC reports by default.
 */
public final class ParseErrors {

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
        return builder.build();
    }

    private static <Q, R> ServerMethodDefinition<Q, R> wrap(ServerMethodDefinition<Q, R> method) {
        MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
        MethodDescriptor.Marshaller<Q> parse = descriptor.getRequestMarshaller();
        MethodDescriptor.Marshaller<Q> checked = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Q value) {
                return parse.stream(value);
            }

            @Override
            public Q parse(InputStream stream) {
                try {
                    return parse.parse(stream);
                } catch (RuntimeException e) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    throw Status.INVALID_ARGUMENT.withDescription("request: not a valid "
                            + descriptor.getFullMethodName() + " message (" + cause.getMessage() + ")")
                            .asRuntimeException();
                }
            }
        };
        return ServerMethodDefinition.create(descriptor.toBuilder().setRequestMarshaller(checked).build(),
                method.getServerCallHandler());
    }
}
