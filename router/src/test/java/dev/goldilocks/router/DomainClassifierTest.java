package dev.goldilocks.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.router.classify.ClassifierFile;
import dev.goldilocks.router.classify.Evaluation;
import dev.goldilocks.router.classify.LabelledPrompt;
import dev.goldilocks.router.classify.MiniLmEncoder;
import dev.goldilocks.router.classify.TieredClassifier;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed classifier file, with the MiniLM encoder, on the held-out routing set. */
class DomainClassifierTest {

    private static final Path MODELS = Path.of(System.getProperty("goldilocks.models", "../models"));
    private static MiniLmEncoder encoder;
    private static TieredClassifier classifier;

    @BeforeAll
    static void load() throws Exception {
        Path file = MODELS.resolve("router/domain-classifier.json");
        encoder = MiniLmEncoder.load(2, ClassifierFile.encoderMaxTokens(file));
        ClassifierFile.Contents c = ClassifierFile.read(file);
        classifier = new TieredClassifier(c.domains(), c.ngrams(), c.lexical(), c.lexicalThreshold(), encoder, c.head());
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void heldOutRoutingAccuracyIsAtLeast95Percent() throws Exception {
        List<LabelledPrompt> test = LabelledPrompt.read(MODELS.resolve("routing/test.jsonl"));
        List<String> predicted = classifier.classifyAll(test.stream().map(LabelledPrompt::prompt).toList())
                .stream().map(DomainPrediction::domain).toList();
        Evaluation e = Evaluation.of(List.of("code", "legal", "prose", "math"),
                test.stream().map(LabelledPrompt::domain).toList(), predicted);
        assertThat(test).hasSizeGreaterThanOrEqualTo(400);
        assertThat(e.accuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(e.macroF1()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void everyPredictionCarriesConfidenceRunnerUpAndTier() {
        DomainPrediction p = classifier.classify("Can I ship a library licensed under the GPL inside my closed-source app?");
        assertThat(p.domain()).isEqualTo("legal");
        assertThat(p.confidence()).isBetween(0.25, 1.0);
        assertThat(p.runnerUp()).isNotEmpty().isNotEqualTo("legal");
        assertThat(p.reason()).containsAnyOf("lexical tier", "MiniLM embedding");
        assertThat(classifier.embeddingOnly("What is 17 + 25?").domain()).isEqualTo("math");
        assertThat(classifier.embeddingOnly("for (int i = 0; i < n; i++) { sum += a[i]; }").domain()).isEqualTo("code");
    }

    @Test
    void miniLmPutsSimilarSentencesCloserThanUnrelatedOnes() {
        float[][] v = encoder.embed(List.of("A man is eating food.", "A man is eating a piece of bread.",
                "The new movie is awesome.", "The film was really great."));
        assertThat(dot(v[0], v[0])).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(dot(v[0], v[1])).isGreaterThan(dot(v[0], v[2]) + 0.3);
        assertThat(dot(v[2], v[3])).isGreaterThan(dot(v[1], v[3]) + 0.3);
    }

    private static double dot(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
        }
        return d;
    }
}
