package dev.goldilocks.loadtests.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options that shape the traffic, shared by {@code loadgen} and the capacity benchmark. Defaults are the
 * fields' initial values, so that a command can start from other defaults ({@link #capacityDefaults}).
 */
public final class TrafficOptions {

    /** How arrivals are spaced. */
    public enum Arrival { POISSON, GAMMA }

    /** Which RPC carries the requests. */
    public enum Mode { STREAM, UNARY }

    @Option(names = "--duration", description = "Seconds each run's schedule lasts (default: ${DEFAULT-VALUE}).")
    double durationSeconds = 30;

    @Option(names = "--max-requests", description = "Most requests of one run, whatever the duration (default: ${DEFAULT-VALUE}).")
    int maxRequests = 10_000;

    @Option(names = "--arrival", description = "poisson, or gamma (bursty: see --cv) (default: ${DEFAULT-VALUE}).")
    String arrival = "poisson";

    @Option(names = "--cv", description = "Coefficient of variation of gamma inter-arrival times: 1 is Poisson,"
            + " above 1 burstier (needs --arrival gamma).")
    Double cv;

    @Option(names = "--prompts", split = ",",
            description = "Prompt sets: eval (held-out items with references: answers are scored) and/or routing"
                    + " (labelled user-style prompts) (default: ${DEFAULT-VALUE}).")
    List<String> sources = new ArrayList<>(List.of("eval", "routing"));

    @Option(names = "--mix", description = "Domain weights, e.g. code=1,legal=1,prose=1,math=2 (default: equal shares).")
    String mix;

    @Option(names = "--mode", description = "stream (GenerateStream: time to first token as the client sees it) or unary (Generate:"
                    + " time to first token derived from the server's timing) (default: ${DEFAULT-VALUE}).")
    String mode = "stream";

    @Option(names = "--model", description = "Pin every request to this model (skips routing).")
    String model;

    @Option(names = "--domain-hint", description = "Domain hint on every request, or 'labelled' for each prompt's"
            + " own labelled domain (skips the classifier). Default: none (the router classifies).")
    String domainHint;

    @Option(names = "--max-new-tokens", description = "Tokens to generate per request (default: each prompt's own"
            + " budget: 32, or 6 for math items).")
    Integer maxNewTokens;

    @Option(names = "--units", description = "Requests come from this many simulated users: each carries a"
            + " unit_id (loadgen-user-K), the unit experiments assign (default: none).")
    int units;

    @Option(names = "--feedback", description = "Send each scored answer's quality (against its reference) to the"
            + " gateway as the client's Feedback.")
    boolean feedback;

    @Option(names = "--deadline", description = "Deadline of every call, seconds (default: ${DEFAULT-VALUE}).")
    double deadlineSeconds = 30;

    @Option(names = "--drain", description = "Seconds to wait after a run's last send before cancelling what is"
            + " still outstanding (default: the deadline).")
    Double drainSeconds;

    @Option(names = "--slo-ttft", description = "Goodput SLO: time to first token, seconds.")
    Double sloTtft;

    @Option(names = "--slo-tpot", description = "Goodput SLO: time per output token, seconds.")
    Double sloTpot;

    @Option(names = "--slo-e2e", description = "Goodput SLO: end-to-end latency, seconds.")
    Double sloE2e;

    @Option(names = "--seed", description = "Seed of arrival times and prompt draws (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--models", description = "Folder with the eval and routing sets (default: $GOLDILOCKS_MODELS or ./models).")
    Path models;

    /**
     * The capacity benchmark's defaults: the evaluation sets only (every answer is scored), a 10 s deadline, 30 s
     * runs, and the SLO of vLLM's and DistServe's examples for interactive use: first token within 0.5 s, 50 ms
     * per further token, 2 s in all.
     */
    public static TrafficOptions capacityDefaults() {
        TrafficOptions o = new TrafficOptions();
        o.sources = new ArrayList<>(List.of("eval"));
        o.deadlineSeconds = 10;
        o.durationSeconds = 30;
        o.sloTtft = 0.5;
        o.sloTpot = 0.05;
        o.sloE2e = 2.0;
        return o;
    }

    public Path modelsDir() {
        Path dir = models != null ? models : Path.of(System.getenv().getOrDefault("GOLDILOCKS_MODELS", "models"));
        if (!Files.isDirectory(dir.resolve("eval"))) {
            throw new IllegalArgumentException("--models: no eval folder in " + dir.toAbsolutePath());
        }
        return dir;
    }

    public PromptSet prompts() throws IOException {
        List<PromptSet.Source> chosen = sources.stream().map(s -> parse(PromptSet.Source.class, "--prompts", s)).toList();
        return PromptSet.load(modelsDir(), chosen);
    }

    public Slo slo() {
        return new Slo(sloTtft, sloTpot, sloE2e);
    }

    /** The plan for these rates and policies, with prompts drawn from {@code prompts}. */
    public LoadPlan plan(List<Double> rates, List<Optional<String>> policies, PromptSet prompts) {
        Arrival a = parse(Arrival.class, "--arrival", arrival);
        if (a == Arrival.POISSON && cv != null && cv != 1) {
            throw new IllegalArgumentException("--cv: a Poisson process has cv 1; use --arrival gamma --cv " + cv);
        }
        if (!(durationSeconds > 0) || maxRequests < 1) {
            throw new IllegalArgumentException("--duration and --max-requests: must be positive");
        }
        RequestShape shape = new RequestShape(parse(Mode.class, "--mode", mode) == Mode.STREAM, Optional.ofNullable(model),
                Optional.empty(), Optional.ofNullable(domainHint), Optional.ofNullable(maxNewTokens), deadlineSeconds,
                units, feedback);
        DomainMix domains = mix == null ? DomainMix.even(prompts.domains()) : DomainMix.parse(mix, prompts.domains());
        return new LoadPlan(rates, policies, a == Arrival.GAMMA && cv != null ? cv : 1, durationSeconds, maxRequests,
                seed, domains, shape, drainSeconds != null ? drainSeconds : deadlineSeconds, slo());
    }

    /** What the plan sends, for the results' Setup section. */
    public static Map<String, Object> describe(LoadPlan plan, List<String> sources) {
        RequestShape s = plan.shape();
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("arrivals", plan.cv() == 1 ? "Poisson (exponential inter-arrival times)"
                : "gamma inter-arrival times, coefficient of variation " + plan.cv());
        setup.put("offered rates (requests/s)", plan.rates());
        setup.put("policies", plan.policies().stream().map(LoadPlan::label).toList());
        setup.put("each run", "at most " + plan.durationSeconds() + " s and " + plan.maxRequests()
                + " requests; then up to " + plan.drainSeconds() + " s for outstanding calls, then they are cancelled");
        setup.put("prompts", String.join(" + ", sources) + " sets; domain mix " + plan.mix());
        setup.put("rpc", s.stream() ? "GenerateStream (time to first token: the first chunk with text)"
                : "Generate (unary: time to first token is the end-to-end latency less the server's time from first to"
                + " last token)");
        setup.put("max new tokens", s.maxNewTokens().map(String::valueOf).orElse("each prompt's own (32; math 6)"));
        setup.put("domain hint", s.domainHint().orElse("none: the router classifies"));
        s.model().ifPresent(m -> setup.put("pinned model", m));
        if (s.units() > 0) {
            setup.put("units", s.units() + " simulated users (unit_id loadgen-user-K)");
        }
        if (s.feedback()) {
            setup.put("feedback", "each scored answer's quality sent as the client's Feedback");
        }
        setup.put("deadline (s)", s.deadlineSeconds());
        setup.put("seed", plan.seed());
        return setup;
    }

    static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": unknown value '" + value + "'");
        }
    }
}
