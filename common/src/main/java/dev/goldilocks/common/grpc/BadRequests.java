package dev.goldilocks.common.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * INVALID_ARGUMENT for one bad field: the message starts with the field's name, and the status carries a
 * google.rpc.BadRequest detail naming it, so clients can tell programmatically which field to fix.
 */
public final class BadRequests {

    private BadRequests() {
    }

    public static StatusRuntimeException invalid(String field, String problem) {
        BadRequest detail = BadRequest.newBuilder().addFieldViolations(BadRequest.FieldViolation.newBuilder()
                .setField(field).setDescription(problem)).build();
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT_VALUE)
                .setMessage(field + ": " + problem)
                .addDetails(Any.pack(detail))
                .build());
    }
}
