package dev.goldilocks.loadtests.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackTargetTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:8080", "localhost:8080", "[::1]:8080", "127.0.0.2:1"})
    void loopbackTargetsAreAccepted(String target) {
        assertThat(LoopbackTarget.parse(target).port()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"192.0.2.1:8080", "10.0.0.7:443", "8.8.8.8:53"})
    void anyOtherAddressIsRefusedWithAClearMessage(String target) {
        assertThatThrownBy(() -> LoopbackTarget.parse(target))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--target: ")
                .hasMessageContaining("is not a loopback address")
                .hasMessageContaining("only sends to this machine");
    }

    @Test
    void malformedTargetsNameWhatIsWrong() {
        assertThatThrownBy(() -> LoopbackTarget.parse("localhost")).hasMessageContaining("expected host:port");
        assertThatThrownBy(() -> LoopbackTarget.parse("localhost:http")).hasMessageContaining("port is not a number");
        assertThatThrownBy(() -> LoopbackTarget.parse("localhost:70000")).hasMessageContaining("1..65535");
    }
}
