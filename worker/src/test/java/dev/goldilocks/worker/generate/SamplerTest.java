package dev.goldilocks.worker.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The sampler picks exactly the reference's token (the old full sort, {@link ReferenceSampler}) on random
 * logits: several shapes (spread, peaked, flat, quantised into ties, huge, with -inf, NaN or +inf),
 * extreme temperatures, top-k and top-p at and near their limits, and one seeded sampler per sequence
 * so the draws must stay in step too.
 */
class SamplerTest {

    private static final float[] TEMPERATURES = {Float.MIN_VALUE, 1e-30f, 1e-6f, 0.05f, 0.7f, 1f, 1.5f, 4f, 100f};
    private static final float[] TOP_P = {1f, 0.99999994f, 0.999f, 0.95f, 0.9f, 0.5f, 0.1f, 1e-6f, Float.MIN_VALUE};
    private static final int STEPS = 6;
    private static final int[] VOCABULARIES = {1, 2, 3, 7, 50, 300, 2048, 5000};

    @Test
    void picksTheReferenceTokenOnRandomLogits() {
        SplittableRandom random = new SplittableRandom(20_261_129);
        long continuousDraws = 0;
        long continuousLiteral = 0;
        for (int sequence = 0; sequence < 600; sequence++) {
            GenerationSettings settings = randomSettings(random);
            Sampler sampler = new Sampler(settings);
            ReferenceSampler reference = new ReferenceSampler(settings);
            int vocabulary = VOCABULARIES[random.nextInt(VOCABULARIES.length)];
            int shape = random.nextInt(RandomLogits.SHAPES);
            for (int step = 0; step < STEPS; step++) {
                float[] logits = RandomLogits.of(random, vocabulary, shape);
                int want = reference.next(logits);
                assertThat(sampler.next(logits)).as("sequence %d step %d, %s, %d logits of shape %d", sequence, step,
                        settings, vocabulary, shape).isEqualTo(want);
            }
            if (RandomLogits.continuous(shape)) {
                continuousDraws += STEPS;
                continuousLiteral += sampler.literalDraws();
            }
        }
        // Without ties or non-finite logits the fast path decides nearly every token, so the comparison above
        // is not only of the literal rule with itself.
        assertThat(continuousLiteral).as("tokens drawn by the literal rule, of %d", continuousDraws)
                .isLessThan(continuousDraws / 100);
    }

    @Test
    void picksTheReferenceTokenOnLanguageModelLikeLogitsOfALargeVocabulary() {
        SplittableRandom random = new SplittableRandom(32_768);
        for (float topP : new float[] {0.9f, 1f}) {
            for (float temperature : new float[] {0.7f, 1.5f}) {
                GenerationSettings settings = new GenerationSettings(8, temperature, topP, 0, List.of(),
                        random.nextLong(), false);
                Sampler sampler = new Sampler(settings);
                ReferenceSampler reference = new ReferenceSampler(settings);
                for (int step = 0; step < 2; step++) {
                    float[] logits = RandomLogits.languageModelLike(random, 32_768);
                    assertThat(sampler.next(logits)).as("%s step %d", settings, step).isEqualTo(reference.next(logits));
                }
                assertThat(sampler.literalDraws()).as("%s", settings).isZero();
            }
        }
    }

    @Test
    void tiesGoToTheLowerTokenIdAsTheStableSortHadIt() {
        float[] logits = new float[1000]; // all equal: every rank is decided by token id alone
        for (long seed = 0; seed < 200; seed++) {
            GenerationSettings settings = new GenerationSettings(8, 1f, 0.3f, 0, List.of(), seed, false);
            Sampler sampler = new Sampler(settings);
            ReferenceSampler reference = new ReferenceSampler(settings);
            int token = sampler.next(logits);
            assertThat(token).isEqualTo(reference.next(logits)).isLessThan(301);
        }
    }

    private static GenerationSettings randomSettings(SplittableRandom random) {
        float temperature = TEMPERATURES[random.nextInt(TEMPERATURES.length)];
        float topP = random.nextInt(4) == 0 ? (float) random.nextDouble(1e-3, 1) : TOP_P[random.nextInt(TOP_P.length)];
        int topK = switch (random.nextInt(5)) {
            case 0 -> 1;
            case 1 -> random.nextInt(1, 60);
            case 2 -> random.nextInt(1, 6000);
            default -> 0;
        };
        return new GenerationSettings(8, temperature, topP, topK, List.of(), random.nextLong(), false);
    }
}
