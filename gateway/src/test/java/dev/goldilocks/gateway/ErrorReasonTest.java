package dev.goldilocks.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.common.grpc.ErrorReason;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** errors.proto documents every reason the servers send: the two lists must not drift apart. */
class ErrorReasonTest {

    @Test
    void theProtoEnumNamesEveryReasonTheServersSendAndNoOther() {
        assertThat(Arrays.stream(dev.goldilocks.proto.v1.ErrorReason.values())
                .filter(r -> r != dev.goldilocks.proto.v1.ErrorReason.UNRECOGNIZED
                        && r != dev.goldilocks.proto.v1.ErrorReason.ERROR_REASON_UNSPECIFIED)
                .map(Enum::name))
                .containsExactlyElementsOf(Arrays.stream(ErrorReason.values()).map(Enum::name).toList());
    }
}
