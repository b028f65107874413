package dev.goldilocks.worker.generate;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goldilocks.worker.DemoModels;
import dev.goldilocks.worker.model.CausalLm;
import dev.goldilocks.worker.model.SessionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Seeded generations on every demo model: token ids, the streamed text chunks and the final text, for
 * settings that cover temperature, top-k, top-p, stop sequences and extreme temperatures. The committed
 * file {@value #FILE} was recorded with the sampler and detokenizer as they were before they were made
 * linear in the vocabulary and constant per token; {@link SeededSamplingTest} checks that nothing changed.
 * Run {@link #main} to record it again (only when a change of outputs is intended).
 */
final class SeededSamples {

    static final String FILE = "generate/seeded-samples.jsonl";
    static final int NEW_TOKENS = 40;

    static final List<String> PROMPTS = List.of("public static int max(int a, int b) {", "In the beginning",
            "What is 47 + 38?", "Permission is hereby granted, free of charge, to any person");

    static final List<GenerationSettings> SETTINGS = List.of(
            settings(0.8f, 0.95f, 0, List.of(), 7, false),
            settings(1.0f, 1f, 40, List.of(), 11, false),
            settings(1.3f, 0.9f, 50, List.of(), 1_234_567_890_123L, false),
            settings(0.7f, 1f, 0, List.of(), 3, false),
            settings(3.0f, 1f, 0, List.of(), 99, false), // near-uniform: bytes of split characters
            settings(0.05f, 0.5f, 5, List.of(), 5, false),
            settings(100f, 0.99f, 0, List.of(), 42, true),
            settings(1.0f, 0.8f, 0, List.of("\n", " the", "}"), 8, true));

    private SeededSamples() {
    }

    static GenerationSettings settings(float temperature, float topP, int topK, List<String> stop, long seed,
                                       boolean logprobs) {
        return new GenerationSettings(NEW_TOKENS, temperature, topP, topK, stop, seed, logprobs);
    }

    /** One generation: its tokens, the chunks its listener received, and its result. */
    static ObjectNode generate(ObjectMapper json, CausalLm model, String prompt, GenerationSettings s)
            throws OrtException {
        List<String> chunks = new ArrayList<>();
        GenerationResult r = new Generator(model).generate(model.tokenizer().encode(prompt), s,
                (text, tokens) -> chunks.add(text), () -> false);
        ObjectNode out = json.createObjectNode();
        out.put("model", model.name()).put("prompt", prompt).put("temperature", s.temperature())
                .put("top_p", s.topP()).put("top_k", s.topK()).put("seed", s.seed()).put("logprobs", s.logprobs());
        s.stop().forEach(out.putArray("stop")::add);
        ArrayNode ids = out.putArray("tokens");
        ArrayNode logprobs = out.putArray("token_logprobs");
        ArrayNode texts = out.putArray("token_texts");
        r.tokens().forEach(t -> {
            ids.add(t.id());
            logprobs.add(t.logprob());
            texts.add(t.text());
        });
        chunks.forEach(out.putArray("chunks")::add);
        out.put("text", r.text()).put("finish", r.finishReason().name());
        return out;
    }

    static List<ObjectNode> generateAll(ObjectMapper json) throws IOException, OrtException {
        List<ObjectNode> out = new ArrayList<>();
        for (String name : DemoModels.ALL) {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                 CausalLm model = CausalLm.load(name, DemoModels.dir().resolve(name), SessionFactory.environment(),
                         options)) {
                for (String prompt : PROMPTS) {
                    for (GenerationSettings s : SETTINGS) {
                        out.add(generate(json, model, prompt, s));
                    }
                }
            }
        }
        return out;
    }

    static List<JsonNode> recorded(ObjectMapper json) throws IOException {
        try (var in = SeededSamples.class.getClassLoader().getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IOException(FILE + " is not on the test classpath");
            }
            List<JsonNode> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    out.add(json.readTree(line));
                }
            }
            return out;
        }
    }

    /** Records the file again: {@code args[0]} is worker/src/test/resources. */
    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        StringBuilder lines = new StringBuilder();
        for (ObjectNode sample : generateAll(json)) {
            lines.append(json.writeValueAsString(sample)).append('\n');
        }
        Path file = Path.of(args[0]).resolve(FILE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, lines, StandardCharsets.UTF_8);
    }
}
