package dev.goldilocks.router.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a labelled routing set (models/routing/*.jsonl).
 *
 * @param id     stable id
 * @param prompt the prompt
 * @param domain its domain
 * @param source where it came from (a corpus, a template family, the hand-written set)
 * @param group  what it was made from (a document or a template frame): validation holds out whole groups
 */
public record LabelledPrompt(String id, String prompt, String domain, String source, String group) {

    public static List<LabelledPrompt> read(Path jsonl) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<LabelledPrompt> out = new ArrayList<>();
        for (String line : Files.readAllLines(jsonl)) {
            if (!line.isBlank()) {
                JsonNode n = json.readTree(line);
                String id = n.get("id").asText();
                out.add(new LabelledPrompt(id, n.get("prompt").asText(), n.get("domain").asText(),
                        n.path("source").asText(""), n.path("group").asText(id)));
            }
        }
        return out;
    }
}
