package dev.goldilocks.loadtests.hop;

import dev.goldilocks.loadtests.RouterBenchmark;
import dev.goldilocks.proto.v1.GenerateResponse;
import dev.goldilocks.router.classify.LabelledPrompt;
import java.nio.file.Path;

/** 64-token prompts of the held-out routing set: the first the lexical tier answers, the first that needs MiniLM. */
record ClassifierPrompts(String lexical, String lexicalRoute, String embedding, String embeddingRoute) {
    static ClassifierPrompts choose(BuildPaths paths, Path models) throws Exception {
        String lexical = null;
        String embedding = null;
        String lexicalRoute = null;
        String embeddingRoute = null;
        for (String prompt : RouterBenchmark.sixtyFourTokenPrompts(LabelledPrompt.read(
                models.resolve("routing/test.jsonl")).stream().map(LabelledPrompt::prompt).toList())) {
            GenerateResponse r = paths.gateway().generate(BuildPaths.request(prompt, ""));
            String route = r.getRoute().getModel() + " (" + r.getRoute().getReason() + ")";
            if (lexical == null && r.getRoute().getReason().startsWith("lexical tier")) {
                lexical = prompt;
                lexicalRoute = route;
            } else if (embedding == null && r.getRoute().getReason().startsWith("MiniLM")) {
                embedding = prompt;
                embeddingRoute = route;
            }
            if (lexical != null && embedding != null) {
                return new ClassifierPrompts(lexical, lexicalRoute, embedding, embeddingRoute);
            }
        }
        throw new IllegalStateException("no 64-token routing prompt answered by each tier of the classifier");
    }
}
