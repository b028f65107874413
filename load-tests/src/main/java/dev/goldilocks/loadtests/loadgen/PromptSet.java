package dev.goldilocks.loadtests.loadgen;

import dev.goldilocks.gateway.quality.EvalItem;
import dev.goldilocks.router.classify.LabelledPrompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The prompts traffic is drawn from, by domain: the held-out evaluation sets (models/eval, with references,
 * so answers can be scored) and the labelled routing sets (models/routing: prompts as users write them).
 */
public final class PromptSet {

    /** Generation budget for routing prompts, which carry none. */
    static final int ROUTING_MAX_NEW_TOKENS = 32;

    /** Where prompts come from. */
    public enum Source { EVAL, ROUTING }

    private final Map<String, List<Prompt>> byDomain;

    private PromptSet(Map<String, List<Prompt>> byDomain) {
        this.byDomain = byDomain;
    }

    /** Reads the chosen sources from a models folder (the one with manifest.json). */
    public static PromptSet load(Path models, List<Source> sources) throws IOException {
        Map<String, List<Prompt>> byDomain = new LinkedHashMap<>();
        if (sources.contains(Source.EVAL)) {
            for (EvalItem item : EvalItem.readAll(models.resolve("eval"))) {
                add(byDomain, new Prompt(item.id(), item.domain(), item.prompt(), item.maxNewTokens(), Optional.of(item)));
            }
        }
        if (sources.contains(Source.ROUTING)) {
            try (var files = Files.list(models.resolve("routing"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
                    for (LabelledPrompt p : LabelledPrompt.read(file)) {
                        add(byDomain, new Prompt(p.id(), p.domain(), p.prompt(), ROUTING_MAX_NEW_TOKENS, Optional.empty()));
                    }
                }
            }
        }
        if (byDomain.isEmpty()) {
            throw new IOException("no prompts in " + models.toAbsolutePath() + " for " + sources);
        }
        return new PromptSet(byDomain);
    }

    private static void add(Map<String, List<Prompt>> byDomain, Prompt p) {
        byDomain.computeIfAbsent(p.domain(), d -> new ArrayList<>()).add(p);
    }

    public List<String> domains() {
        return List.copyOf(byDomain.keySet());
    }

    /** Prompts of a domain. */
    public List<Prompt> of(String domain) {
        return byDomain.getOrDefault(domain, List.of());
    }

    /** {@code n} prompts, each of a domain drawn by the mix, then an item of that domain drawn uniformly. */
    public List<Prompt> draw(int n, DomainMix mix, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Prompt> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Prompt> pool = byDomain.get(mix.pick(random.nextDouble()));
            out.add(pool.get(random.nextInt(pool.size())));
        }
        return out;
    }
}
