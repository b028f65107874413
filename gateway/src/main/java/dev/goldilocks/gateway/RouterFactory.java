package dev.goldilocks.gateway;

import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.router.BanditPolicy;
import dev.goldilocks.router.CandidateModel;
import dev.goldilocks.router.CascadePolicy;
import dev.goldilocks.router.DomainClassifier;
import dev.goldilocks.router.Exploration;
import dev.goldilocks.router.GenericOnlyPolicy;
import dev.goldilocks.router.ModelCatalog;
import dev.goldilocks.router.NoClassifier;
import dev.goldilocks.router.Router;
import dev.goldilocks.router.RoutingPolicy;
import dev.goldilocks.router.RoutingSettings;
import dev.goldilocks.router.SpecialistByDomainPolicy;
import dev.goldilocks.router.ThresholdPolicy;
import dev.goldilocks.router.UtilityPolicy;
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

    private RouterFactory(Router router, LiveStats stats, MiniLmEncoder encoder) {
        this.router = router;
        this.stats = stats;
        this.encoder = encoder;
    }

    static RouterFactory create(GatewayConfig config) throws IOException {
        RoutingSettings s = config.routing();
        ModelCatalog catalog = new ModelCatalog(config.models().stream()
                .map(m -> new CandidateModel(m.name(), m.role(), m.domain())).toList(), s.domains());
        LiveStats stats = new LiveStats(config.models().stream()
                .collect(Collectors.toMap(ModelRoute::name, ModelRoute::prior)), s.window());
        SynchronizedRandom random = new SynchronizedRandom();
        Exploration exploration = Exploration.floor(s.deterministicExplorationFloor(), random);
        Map<String, RoutingPolicy> policies = List.of(
                new GenericOnlyPolicy(exploration),
                new SpecialistByDomainPolicy(exploration),
                new ThresholdPolicy(s.tau(), exploration),
                new CascadePolicy(s.minMeanLogprob(), exploration),
                new UtilityPolicy(stats, s.lambda(), s.mu(), exploration),
                new BanditPolicy(stats, s.lambda(), s.mu(), s.explorationFloor(), random))
                .stream().collect(Collectors.toMap(RoutingPolicy::name, Function.identity()));
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
        return new RouterFactory(new Router(catalog, classifier, policies, s.defaultPolicy()), stats, encoder);
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

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
    }

    /** Policies draw on many gRPC threads; SplittableRandom is not thread-safe. */
    private static final class SynchronizedRandom implements java.util.random.RandomGenerator {
        private final SplittableRandom random = new SplittableRandom();

        @Override
        public synchronized long nextLong() {
            return random.nextLong();
        }
    }
}
