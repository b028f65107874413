package dev.goldilocks.gateway.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A held-out evaluation item (models/eval/&lt;domain&gt;.jsonl).
 *
 * @param id            stable id
 * @param domain        its domain
 * @param prompt        what the model continues
 * @param reference     the expected answer or continuation
 * @param metric        "exact_match", or "loglik_chrf" (chrF of the greedy continuation, and the reference's
 *                      log-likelihood per byte)
 * @param maxNewTokens  the generation budget the offline figures were measured with
 */
public record EvalItem(String id, String domain, String prompt, String reference, String metric, int maxNewTokens) {

    public static final String EXACT_MATCH = "exact_match";

    public static List<EvalItem> readAll(Path evalDir) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<EvalItem> out = new ArrayList<>();
        try (var files = Files.list(evalDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode n = json.readTree(line);
                    out.add(new EvalItem(n.get("id").asText(), n.get("domain").asText(), n.get("prompt").asText(),
                            n.get("reference").asText(), n.get("metric").asText(), n.get("max_new_tokens").asInt()));
                }
            }
        }
        return out;
    }

    /** The item's quality score of a generated answer, in [0, 1]. */
    public double score(String generated) {
        return EXACT_MATCH.equals(metric)
                ? (generated.strip().equals(reference.strip()) ? 1 : 0)
                : dev.goldilocks.common.quality.ChrF.score(generated, reference);
    }
}
