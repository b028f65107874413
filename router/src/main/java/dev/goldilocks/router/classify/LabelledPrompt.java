package dev.goldilocks.router.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of the labelled routing set (models/routing/*.jsonl).
 *
 * @param id     stable id
 * @param prompt the prompt as a user would write it
 * @param domain its domain
 */
public record LabelledPrompt(String id, String prompt, String domain) {

    public static List<LabelledPrompt> read(Path jsonl) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<LabelledPrompt> out = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            if (!line.isBlank()) {
                JsonNode n = json.readTree(line);
                out.add(new LabelledPrompt(n.get("id").asText(), n.get("prompt").asText(), n.get("domain").asText()));
            }
        }
        return out;
    }
}
