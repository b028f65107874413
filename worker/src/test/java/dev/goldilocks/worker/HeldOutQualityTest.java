package dev.goldilocks.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goldilocks.common.quality.ChrF;
import dev.goldilocks.worker.generate.GeneratedToken;
import dev.goldilocks.worker.generate.GenerationSettings;
import dev.goldilocks.worker.generate.Generator;
import dev.goldilocks.worker.generate.Scorer;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.SessionFactory;
import dev.goldilocks.worker.model.TextTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The committed demo models, run by ONNX Runtime with the DJL tokenizer, reproduce what
 * models/manifest.json claims (measured by the forge with PyTorch): the files are the ones described,
 * and the held-out scores agree.
 */
class HeldOutQualityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHRF_SAMPLE = 40;
    private static Path dir;
    private static JsonNode manifest;
    private static Map<String, List<JsonNode>> eval;

    @BeforeAll
    static void readManifest() throws IOException {
        dir = DemoModels.dir();
        manifest = JSON.readTree(dir.resolve("manifest.json").toFile());
        eval = Map.of("code", items("code"), "legal", items("legal"), "prose", items("prose"), "math", items("math"));
    }

    private static List<JsonNode> items(String domain) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(manifest.get("eval").get(domain).asText()))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void everyEvaluationSetHasAtLeast300HeldOutItems() {
        eval.forEach((domain, items) -> assertThat(items).as(domain).hasSizeGreaterThanOrEqualTo(300));
    }

    @ParameterizedTest
    @ValueSource(strings = {"generic", "code-specialist", "legal-specialist", "math-specialist"})
    void modelFilesMatchTheManifestsSha256(String model) throws Exception {
        JsonNode sums = manifest.get("models").get(model).get("sha256");
        for (String file : List.of("model.onnx", "tokenizer.json", "config.json")) {
            assertThat(sha256(dir.resolve(model).resolve(file))).as(model + "/" + file)
                    .isEqualTo(sums.get(file).asText());
        }
    }

    @Test
    void tokenizerRoundTripsAnyText() throws IOException {
        try (TextTokenizer tokenizer = TextTokenizer.load(dir.resolve("tokenizer.json"))) {
            List<String> texts = new ArrayList<>(List.of("héllo wörld — 日本語 🎉\u0000\t\r\n  x", "", " ",
                    "public static void main(String[] args) {\n    return;\n}", "What is 47 + 38?"));
            eval.values().forEach(items -> items.stream().limit(50).forEach(i -> texts.add(i.get("prompt").asText())));
            for (String text : texts) {
                assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
            }
            assertThat(tokenizer.encode("47")).as("digits are split one by one").hasSize(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"generic", "code-specialist", "legal-specialist", "math-specialist"})
    void heldOutScoresUnderOnnxRuntimeMatchTheManifest(String name) throws Exception {
        JsonNode claimed = manifest.get("models").get(name).get("heldout");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             CausalLm model = CausalLm.load(name, dir.resolve(name), SessionFactory.environment(), options)) {
            double exact = eval.get("math").stream().mapToDouble(i -> exactMatch(model, i)).average().orElseThrow();
            assertThat(exact).as(name + " math exact match").isCloseTo(claimed.get("math").get("exact_match").asDouble(),
                    within(0.02));
            for (String domain : List.of("code", "legal", "prose")) {
                double loglik = eval.get(domain).stream().mapToDouble(i -> loglikPerByte(model, i)).average().orElseThrow();
                assertThat(loglik).as(name + " " + domain + " log-likelihood per byte")
                        .isCloseTo(claimed.get(domain).get("loglik_per_byte").asDouble(), within(0.005));
                List<JsonNode> items = eval.get(domain);
                // chrF needs generation, so a sample: every k-th item (the set is ordered by source document,
                // so its first items all come from one source); its mean must lie within 3 standard errors
                double[] chrf = java.util.stream.IntStream.range(0, CHRF_SAMPLE)
                        .mapToDouble(k -> chrf(model, items.get(k * items.size() / CHRF_SAMPLE))).toArray();
                double mean = java.util.Arrays.stream(chrf).average().orElseThrow();
                double sd = Math.sqrt(java.util.Arrays.stream(chrf).map(c -> (c - mean) * (c - mean)).sum() / (chrf.length - 1));
                assertThat(mean).as(name + " " + domain + " chrF of a sample of " + CHRF_SAMPLE)
                        .isCloseTo(claimed.get(domain).get("chrf").asDouble(), within(3 * sd / Math.sqrt(chrf.length) + 0.01));
            }
        }
    }

    private static String greedy(CausalLm model, JsonNode item) {
        try {
            int[] prompt = model.tokenizer().encode(item.get("prompt").asText());
            GenerationSettings settings = new GenerationSettings(item.get("max_new_tokens").asInt(), 0f, 1f, 0,
                    List.of(), 0, false);
            return new Generator(model).generate(prompt, settings, (t, ts) -> { }, () -> false).text();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double exactMatch(CausalLm model, JsonNode item) {
        return greedy(model, item).strip().equals(item.get("reference").asText().strip()) ? 1 : 0;
    }

    private static double chrf(CausalLm model, JsonNode item) {
        return ChrF.score(greedy(model, item), item.get("reference").asText());
    }

    private static double loglikPerByte(CausalLm model, JsonNode item) {
        String reference = item.get("reference").asText();
        try {
            List<GeneratedToken> scored = new Scorer(model).score(model.tokenizer().encode(item.get("prompt").asText()),
                    model.tokenizer().encode(reference));
            return scored.stream().mapToDouble(GeneratedToken::logprob).sum()
                    / reference.getBytes(StandardCharsets.UTF_8).length;
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
