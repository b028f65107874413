package dev.goldilocks.loadtests.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PromptSetTest {

    static final Path MODELS = Path.of(System.getProperty("goldilocks.models", "../models"));

    @Test
    void promptsAreDrawnByTheDomainMixReproducibly() throws Exception {
        PromptSet set = PromptSet.load(MODELS, List.of(PromptSet.Source.EVAL, PromptSet.Source.ROUTING));
        assertThat(set.domains()).containsExactlyInAnyOrder("code", "legal", "prose", "math");
        DomainMix mix = DomainMix.parse("math=3,code=1", set.domains());
        List<Prompt> drawn = set.draw(8000, mix, 5);
        Map<String, Long> byDomain = drawn.stream().collect(Collectors.groupingBy(Prompt::domain, Collectors.counting()));
        assertThat(byDomain).containsOnlyKeys("math", "code");
        assertThat(byDomain.get("math") / 8000.0).isCloseTo(0.75, within(0.03));
        assertThat(set.draw(8000, mix, 5)).isEqualTo(drawn);
        // both sets contribute: evaluation items (with a reference) and routing prompts (without)
        assertThat(drawn).anyMatch(p -> p.reference().isPresent()).anyMatch(p -> p.reference().isEmpty());
    }

    @Test
    void evaluationPromptsScoreAnswersAgainstTheirReference() throws Exception {
        PromptSet set = PromptSet.load(MODELS, List.of(PromptSet.Source.EVAL));
        Prompt math = set.of("math").get(0);
        String reference = math.reference().orElseThrow().reference();
        assertThat(math.score(" " + reference)).contains(1.0);
        assertThat(math.score("not " + reference)).contains(0.0);
        assertThat(math.maxNewTokens()).isEqualTo(6);
    }

    @Test
    void aBadMixIsRefusedNamingTheDomain() {
        List<String> known = List.of("code", "math");
        assertThatThrownBy(() -> DomainMix.parse("cooking=1", known)).hasMessageContaining("cooking");
        assertThatThrownBy(() -> DomainMix.parse("code=x", known)).hasMessageContaining("weight of code");
        assertThatThrownBy(() -> DomainMix.parse("code=0", known)).hasMessageContaining("positive");
        assertThat(DomainMix.parse("code=1, math=1", known).share("math")).isEqualTo(0.5);
    }
}
