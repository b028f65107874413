package dev.goldilocks.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.router.classify.Calibration;
import dev.goldilocks.router.classify.ClassifierFile;
import dev.goldilocks.router.classify.Evaluation;
import dev.goldilocks.router.classify.LabelledPrompt;
import dev.goldilocks.router.classify.MiniLmEncoder;
import dev.goldilocks.router.classify.TieredClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed classifier file, with the MiniLM encoder, on the corpus split and the user-style held-out set. */
class DomainClassifierTest {

    private static final Path MODELS = Path.of(System.getProperty("goldilocks.models", "../models"));
    private static final List<String> DOMAINS = List.of("code", "legal", "prose", "math");
    private static MiniLmEncoder encoder;
    private static TieredClassifier classifier;

    @BeforeAll
    static void load() throws Exception {
        Path file = MODELS.resolve("router/domain-classifier.json");
        encoder = MiniLmEncoder.load(2, ClassifierFile.encoderMaxTokens(file));
        classifier = TieredClassifier.of(ClassifierFile.read(file), encoder);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    private static List<DomainPrediction> classify(List<LabelledPrompt> set) {
        return classifier.classifyAll(set.stream().map(LabelledPrompt::prompt).toList());
    }

    private static Evaluation evaluate(List<LabelledPrompt> set, List<DomainPrediction> predicted) {
        return Evaluation.of(DOMAINS, set.stream().map(LabelledPrompt::domain).toList(),
                predicted.stream().map(DomainPrediction::domain).toList());
    }

    @Test
    void corpusSplitAccuracyIsAtLeast98Percent() throws Exception {
        List<LabelledPrompt> test = LabelledPrompt.read(MODELS.resolve("routing/test.jsonl"));
        Evaluation e = evaluate(test, classify(test));
        assertThat(test).hasSizeGreaterThanOrEqualTo(400);
        assertThat(e.accuracy()).isGreaterThanOrEqualTo(0.98);
        assertThat(e.minRecall()).isGreaterThanOrEqualTo(0.92);
    }

    @Test
    void userStylePromptsAreClassifiedAccuratelyWithCalibratedConfidence() throws Exception {
        List<LabelledPrompt> user = LabelledPrompt.read(MODELS.resolve("routing/user-heldout.jsonl"));
        Map<String, Long> perDomain = user.stream().collect(Collectors.groupingBy(LabelledPrompt::domain, Collectors.counting()));
        assertThat(perDomain).containsOnlyKeys(DOMAINS).allSatisfy((d, n) -> assertThat(n).isGreaterThanOrEqualTo(100));
        List<DomainPrediction> predicted = classify(user);
        Evaluation e = evaluate(user, predicted);
        assertThat(e.accuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(e.macroF1()).isGreaterThanOrEqualTo(0.95);
        assertThat(e.minRecall()).as("every domain").isGreaterThanOrEqualTo(0.92);

        List<Calibration.Scored> scored = new ArrayList<>();
        int lexical = 0;
        int lexicalRight = 0;
        for (int i = 0; i < user.size(); i++) {
            DomainPrediction p = predicted.get(i);
            boolean right = p.domain().equals(user.get(i).domain());
            scored.add(new Calibration.Scored(p.confidence(), right));
            if (p.tier().equals(DomainPrediction.LEXICAL)) {
                lexical++;
                lexicalRight += right ? 1 : 0;
            }
        }
        assertThat(new Calibration(scored).expectedCalibrationError()).isLessThanOrEqualTo(0.05);
        assertThat(lexical).as("the lexical tier answers a real share").isGreaterThan(user.size() / 4);
        assertThat((double) lexicalRight / lexical).as("the lexical tier at its cut-off").isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void everyPredictionCarriesConfidenceRunnerUpTierAndWhetherItFitsWell() {
        DomainPrediction p = classifier.classify("Can I ship a library licensed under the GPL inside my closed-source app?");
        assertThat(p.domain()).isEqualTo("legal");
        assertThat(p.confidence()).isBetween(0.5, 1.0);
        assertThat(p.runnerUp()).isNotEmpty().isNotEqualTo("legal");
        assertThat(p.runnerUpConfidence()).isLessThan(p.confidence());
        assertThat(p.tier()).isIn(DomainPrediction.LEXICAL, DomainPrediction.EMBEDDING);
        assertThat(p.uncertain()).isFalse();
        assertThat(p.reason()).containsAnyOf("lexical tier", "MiniLM embedding");
        assertThat(classifier.embeddingOnly("What is 17 + 25?").domain()).isEqualTo("math");
        assertThat(classifier.embeddingOnly("for (int i = 0; i < n; i++) { sum += a[i]; }").domain()).isEqualTo("code");
        for (String s : List.of("ok", "Tell me about contracts for poems with numbers in SQL.", "hmm, what do you think?")) {
            DomainPrediction q = classifier.classify(s);
            assertThat(q.uncertain()).as(s).isEqualTo(q.confidence() < 0.5 || q.confidence() - q.runnerUpConfidence() < 0.2);
        }
    }

    @Test
    void theFileRoundTripsWithItsAbstentionBounds(@TempDir Path dir) throws Exception {
        ClassifierFile.Contents c = ClassifierFile.read(MODELS.resolve("router/domain-classifier.json"));
        assertThat(c.abstention().minConfidence()).isGreaterThan(0);
        Path copy = dir.resolve("copy.json");
        ClassifierFile.write(copy, c, "all-MiniLM-L6-v2 (quantized)", 128);
        TieredClassifier again = TieredClassifier.of(ClassifierFile.read(copy), encoder);
        String prompt = "My landlord wants to keep the deposit for a scratch on the door. Is that allowed?";
        assertThat(again.classify(prompt)).isEqualTo(classifier.classify(prompt));
        assertThat(Files.readString(copy)).contains("\"version\" : " + ClassifierFile.VERSION);
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
