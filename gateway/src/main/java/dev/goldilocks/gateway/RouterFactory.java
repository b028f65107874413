package dev.goldilocks.gateway;

import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.router.CandidateModel;
import dev.goldilocks.router.DomainClassifier;
import dev.goldilocks.router.ModelCatalog;
import dev.goldilocks.router.NoClassifier;
import dev.goldilocks.router.PolicySpec;
import dev.goldilocks.router.Router;
import dev.goldilocks.router.RoutingPolicy;
import dev.goldilocks.router.RoutingSettings;
import dev.goldilocks.router.classify.ClassifierFile;
import dev.goldilocks.router.classify.MiniLmEncoder;
import dev.goldilocks.router.classify.TieredClassifier;
import dev.goldilocks.router.stats.LiveStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the in-process router (classifier, live statistics, every policy) from the gateway's configuration. */
final class RouterFactory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouterFactory.class);
    private static final List<String> WARM_UP_PROMPTS = List.of("What is 12 + 30?",
            "public static int max(int a, int b) { return a > b ? a : b; }",
            "The licensee shall indemnify and hold harmless the licensor against any claim arising from the use"
                    + " of the software, and this agreement is governed by the laws of the state.",
            "Once upon a time");

    private final Router router;
    private final LiveStats stats;
    private final MiniLmEncoder encoder;
    private final Map<String, PolicySpec> specs;
    private final RandomGenerator random;

    private RouterFactory(Router router, LiveStats stats, MiniLmEncoder encoder, Map<String, PolicySpec> specs,
                          RandomGenerator random) {
        this.router = router;
        this.stats = stats;
        this.encoder = encoder;
        this.specs = specs;
        this.random = random;
    }

    static RouterFactory create(GatewayConfig config) throws IOException {
        RoutingSettings s = config.routing();
        ModelCatalog catalog = new ModelCatalog(config.models().stream()
                .map(m -> new CandidateModel(m.name(), m.role(), m.domain())).toList(), s.domains());
        LiveStats stats = new LiveStats(config.models().stream()
                .collect(Collectors.toMap(ModelRoute::name, ModelRoute::prior)), s.window());
        SynchronizedRandom random = new SynchronizedRandom(s.seed().isPresent() ? new SplittableRandom(s.seed().getAsLong())
                : new SplittableRandom());
        Map<String, PolicySpec> specs = RoutingSettings.POLICIES.stream()
                .collect(Collectors.toUnmodifiableMap(Function.identity(), name -> PolicySpec.configured(name, s)));
        Map<String, RoutingPolicy> policies = specs.values().stream()
                .collect(Collectors.toMap(PolicySpec::name, spec -> spec.build(stats, random)));
        MiniLmEncoder encoder = null;
        DomainClassifier classifier = new NoClassifier();
        if (s.classifier().isPresent()) {
            Path file = s.classifier().get();
            try {
                encoder = MiniLmEncoder.load(s.classifierThreads(), ClassifierFile.encoderMaxTokens(file));
            } catch (ai.onnxruntime.OrtException e) {
                throw new IOException("routing.classifier: cannot load the MiniLM encoder: " + e.getMessage(), e);
            }
            ClassifierFile.Contents c = ClassifierFile.read(file);
            TieredClassifier tiered = TieredClassifier.of(c, encoder);
            warmUp(tiered);
            classifier = tiered;
        }
        return new RouterFactory(new Router(catalog, classifier, policies, s.defaultPolicy()), stats, encoder, specs,
                random);
    }

    /**
     * Both tiers classify a few prompts before the gateway reports SERVING: the first request otherwise paid
     * for the encoder's lazy initialization (1.5 s seen).
     */
    private static void warmUp(TieredClassifier classifier) {
        long t0 = System.nanoTime();
        for (String prompt : WARM_UP_PROMPTS) {
            classifier.lexicalOnly(prompt);
            classifier.embeddingOnly(prompt);
        }
        LOG.info("domain classifier warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
    }

    Router router() {
        return router;
    }

    LiveStats stats() {
        return stats;
    }

    /** Every policy the router runs, by name, with the settings it was built with. */
    Map<String, PolicySpec> specs() {
        return specs;
    }

    /**
     * A router that knows only the policy {@code spec} describes, built as the gateway builds its own (the same
     * catalog, classifier and live statistics), for asking what that policy would have done in a logged context.
     */
    Router routerFor(PolicySpec spec) {
        return router.withOnly(spec.build(stats, random));
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
    }

    /** Policies draw on many gRPC threads; SplittableRandom is not thread-safe. */
    private static final class SynchronizedRandom implements RandomGenerator {
        private final SplittableRandom random;

        SynchronizedRandom(SplittableRandom random) {
            this.random = random;
        }

        @Override
        public synchronized long nextLong() {
            return random.nextLong();
        }
    }
}
