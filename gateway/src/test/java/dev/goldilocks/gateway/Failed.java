package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import io.grpc.Status;

/** What every non-OK status must carry, as errors.proto documents it. */
final class Failed {

    private Failed() {
    }

    /**
     * The status has {@code code}, an ErrorInfo reason from the documented list that goes with that code,
     * RetryInfo exactly when the code is RESOURCE_EXHAUSTED or UNAVAILABLE, and a capped message.
     */
    static ErrorReason documented(Throwable t, Status.Code code) {
        Status status = Status.fromThrowable(t);
        assertThat(status.getCode()).as("%s", status).isEqualTo(code);
        ErrorReason reason = Failures.reason(t)
                .orElseThrow(() -> new AssertionError("no ErrorInfo reason in " + status));
        assertThat(reason.code()).as("the code of reason %s", reason).isEqualTo(code);
        boolean retryable = code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.UNAVAILABLE;
        assertThat(Failures.retryDelay(t)).as("RetryInfo of %s", status).matches(d -> d.isPresent() == retryable);
        assertThat(status.getDescription()).hasSizeLessThanOrEqualTo(Failures.MAX_MESSAGE_CHARS);
        return reason;
    }
}
