package dev.goldilocks.common.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every non-OK status of gateway and worker is made here: a message that starts with what it is about,
 * a google.rpc.ErrorInfo with a stable {@link ErrorReason} (and the model, where one is concerned), a
 * google.rpc.RetryInfo on RESOURCE_EXHAUSTED and UNAVAILABLE, and a google.rpc.BadRequest naming the field
 * of an INVALID_FIELD. Status messages travel in HTTP/2 trailers, and a trailer over a client's 8 KiB
 * metadata limit fails that call and others on its connection: so every value a client sent is echoed
 * through {@link #echo}, and the whole message is capped as a last guard.
 */
public final class Failures {

    /** The ErrorInfo domain of every reason. */
    public static final String DOMAIN = "goldilocks.dev";
    /** ErrorInfo metadata key naming the model a failure concerns. */
    public static final String MODEL = "model";
    /** The most characters of a client's value echoed back. */
    public static final int ECHO_CHARS = 64;
    /** The longest status message sent, whatever it is made of. */
    public static final int MAX_MESSAGE_CHARS = 1024;
    /** The retry delay suggested when the caller gives none. */
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);

    private Failures() {
    }

    /** A failure with {@code reason}; its status code is the reason's. */
    public static Builder of(ErrorReason reason, String message) {
        return new Builder(reason, message);
    }

    /** INVALID_ARGUMENT for one bad field: the message starts with the field's name. */
    public static StatusRuntimeException invalidField(String field, String problem) {
        return of(ErrorReason.INVALID_FIELD, field + ": " + problem).field(field, problem).build();
    }

    /**
     * A client's value as it may appear in a message: at most {@value #ECHO_CHARS} characters, then an
     * ellipsis and the value's full length, with control characters shown as '?'.
     */
    public static String echo(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < value.length() && shown < ECHO_CHARS; shown++) {
            int cp = value.codePointAt(i);
            out.appendCodePoint(Character.isISOControl(cp) ? '?' : cp);
            i += Character.charCount(cp);
        }
        int total = value.codePointCount(0, value.length());
        if (total > shown) {
            out.append("... (").append(total).append(" characters)");
        }
        return out.toString();
    }

    /** The ErrorInfo a status carries, if any. */
    public static Optional<ErrorInfo> errorInfo(Throwable t) {
        return detail(t, ErrorInfo.class);
    }

    /** The retry delay a status suggests (its google.rpc.RetryInfo), if any. */
    public static Optional<Duration> retryDelay(Throwable t) {
        return detail(t, RetryInfo.class).map(r -> Duration.ofSeconds(r.getRetryDelay().getSeconds(),
                r.getRetryDelay().getNanos()));
    }

    /** The field a status's google.rpc.BadRequest names, if any. */
    public static Optional<String> badField(Throwable t) {
        return detail(t, BadRequest.class).filter(b -> b.getFieldViolationsCount() > 0)
                .map(b -> b.getFieldViolations(0).getField());
    }

    private static <M extends com.google.protobuf.Message> Optional<M> detail(Throwable t, Class<M> type) {
        com.google.rpc.Status status = StatusProto.fromThrowable(t);
        if (status == null) {
            return Optional.empty();
        }
        for (Any detail : status.getDetailsList()) {
            if (detail.is(type)) {
                try {
                    return Optional.of(detail.unpack(type));
                } catch (InvalidProtocolBufferException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The reason a status carries, when it is one of ours. */
    public static Optional<ErrorReason> reason(Throwable t) {
        return errorInfo(t).filter(i -> DOMAIN.equals(i.getDomain())).flatMap(i -> {
            try {
                return Optional.of(ErrorReason.valueOf(i.getReason()));
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // a reason added by a newer peer
            }
        });
    }

    /** The model a status names in its ErrorInfo, if any. */
    public static Optional<String> model(Throwable t) {
        return errorInfo(t).map(i -> i.getMetadataMap().get(MODEL));
    }

    /** The trailers that carry a failure's details, for code that closes a ServerCall itself. */
    public static Metadata trailers(StatusRuntimeException e) {
        Metadata trailers = e.getTrailers();
        return trailers != null ? trailers : new Metadata();
    }

    /** Builds one failure. */
    public static final class Builder {
        private final ErrorReason reason;
        private final String message;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private Duration retryAfter;
        private BadRequest.FieldViolation violation;

        private Builder(ErrorReason reason, String message) {
            this.reason = reason;
            this.message = message;
        }

        /** The model the failure concerns (a configured name, never a client's unchecked value). */
        public Builder model(String model) {
            return meta(MODEL, model);
        }

        /** More ErrorInfo metadata; values are capped like echoed ones. */
        public Builder meta(String key, String value) {
            metadata.put(key, echo(value));
            return this;
        }

        /** The delay a client should wait before retrying (RESOURCE_EXHAUSTED, UNAVAILABLE). */
        public Builder retryAfter(Duration delay) {
            this.retryAfter = delay;
            return this;
        }

        /** A google.rpc.BadRequest naming the field. */
        public Builder field(String field, String description) {
            this.violation = BadRequest.FieldViolation.newBuilder().setField(field)
                    .setDescription(cap(description)).build();
            return this;
        }

        public StatusRuntimeException build() {
            com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                    .setCode(reason.code().value())
                    .setMessage(cap(message))
                    .addDetails(Any.pack(ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason.name())
                            .putAllMetadata(metadata).build()));
            Duration delay = retryAfter != null ? retryAfter
                    : reason.code() == Status.Code.RESOURCE_EXHAUSTED || reason.code() == Status.Code.UNAVAILABLE
                    ? DEFAULT_RETRY_DELAY : null;
            if (delay != null) {
                status.addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(delay.getSeconds()).setNanos(delay.getNano())).build()));
            }
            if (violation != null) {
                status.addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(violation).build()));
            }
            return StatusProto.toStatusRuntimeException(status.build());
        }

        private static String cap(String s) {
            return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
        }
    }
}
