package dev.goldilocks.worker.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goldilocks.worker.DemoModels;
import dev.goldilocks.worker.model.TextTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Incremental detokenization gives, after every token, exactly what decoding the whole sequence gives, and
 * the streamed chunks and final text are those of the old emitter fed the whole decoding at every token
 * ({@link ReferenceTextEmitter}): on each demo model's tokenizer, for random token sequences (bytes of
 * multi-byte characters split across tokens, invalid UTF-8, the end-of-text token) and for tokenized
 * text in several scripts.
 */
class DetokenizationTest {

    private static final List<String> TEXTS = List.of("héllo wörld — naïve café, Grüße",
            "日本語のテキスト、漢字と仮名", "emoji 🎉🚀👩‍💻 and flags 🇫🇷", "Ελληνικά και русский текст",
            "mixed: a→b ≤ c ∑ ∞ € £ ¥ ©", "public static int max(int a, int b) {\n    return a > b ? a : b;\n}");

    @ParameterizedTest
    @ValueSource(strings = {"generic", "code-specialist", "legal-specialist", "math-specialist"})
    void eachTokenLeavesTheTextThatDecodingTheWholeSequenceGives(String model) throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.load(DemoModels.dir().resolve(model).resolve("tokenizer.json"))) {
            SplittableRandom random = new SplittableRandom(model.hashCode());
            List<int[]> sequences = sequences(tokenizer, random);
            int splitCharacters = 0;
            for (int[] tokens : sequences) {
                IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(tokenizer);
                for (int i = 0; i < tokens.length; i++) {
                    String whole = tokenizer.decode(tokens, 0, i + 1);
                    assertThat(detokenizer.append(tokens[i]).toString()).as("%s, token %d of %s", model, i,
                            Arrays.toString(tokens)).isEqualTo(whole);
                    splitCharacters += whole.endsWith("\uFFFD") ? 1 : 0;
                }
                assertThat(detokenizer.wholeDecodes()).as("tokens that needed the whole sequence decoded").isZero();
            }
            assertThat(splitCharacters).as("sequences that end inside a character, then complete it").isGreaterThan(100);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"generic", "math-specialist"})
    void streamedChunksAndTextAreThoseOfTheOldEmitter(String model) throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.load(DemoModels.dir().resolve(model).resolve("tokenizer.json"))) {
            SplittableRandom random = new SplittableRandom(~model.hashCode());
            int stopped = 0;
            for (int[] tokens : sequences(tokenizer, random)) {
                List<String> stops = stops(tokenizer.decode(tokens), random);
                ReferenceTextEmitter reference = new ReferenceTextEmitter(stops);
                TextEmitter emitter = new TextEmitter(stops);
                IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(tokenizer);
                List<String> want = new ArrayList<>();
                List<String> got = new ArrayList<>();
                for (int i = 0; i < tokens.length && !reference.stopped(); i++) {
                    want.add(reference.update(tokenizer.decode(tokens, 0, i + 1)));
                    got.add(emitter.update(detokenizer.append(tokens[i])));
                    assertThat(emitter.stopped()).isEqualTo(reference.stopped());
                }
                want.add(reference.flush());
                got.add(emitter.flush());
                assertThat(got).as("%s with stops %s", Arrays.toString(tokens), stops).isEqualTo(want);
                assertThat(emitter.text()).isEqualTo(reference.text());
                stopped += reference.stopped() ? 1 : 0;
            }
            assertThat(stopped).as("sequences ended by a stop sequence").isGreaterThan(50);
        }
    }

    /** Random ids (any byte may come next), and the tokens of texts with multi-byte characters. */
    private static List<int[]> sequences(TextTokenizer tokenizer, SplittableRandom random) {
        List<int[]> out = new ArrayList<>();
        for (int s = 0; s < 150; s++) {
            out.add(random.ints(random.nextInt(1, 120), 0, 2048).toArray());
        }
        for (String text : TEXTS) {
            out.add(tokenizer.encode(text));
            out.add(tokenizer.encode(text.repeat(3)));
        }
        // the raw bytes of multi-byte characters, each its own token, interleaved with whole words
        for (int s = 0; s < 50; s++) {
            String text = TEXTS.get(random.nextInt(TEXTS.size()));
            List<Integer> ids = new ArrayList<>();
            for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
                for (int id : tokenizer.encode(new String(new byte[] {b}, StandardCharsets.ISO_8859_1))) {
                    ids.add(id);
                }
            }
            out.add(ids.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /** Stop sequences cut from the text itself (so they match), and sometimes ones that cannot. */
    private static List<String> stops(String text, SplittableRandom random) {
        List<String> stops = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            if (text.length() > 2 && random.nextBoolean()) {
                int from = random.nextInt(text.length() - 1);
                stops.add(text.substring(from, Math.min(text.length(), from + random.nextInt(1, 6))));
            } else {
                stops.add(List.of("\n", "\uFFFD", "}", " the", "zz\uFFFDq").get(random.nextInt(5)));
            }
        }
        return stops;
    }
}
