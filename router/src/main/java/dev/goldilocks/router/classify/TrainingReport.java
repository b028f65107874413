package dev.goldilocks.router.classify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goldilocks.router.DomainPrediction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What `train-router` measured, as Markdown for router/README.md, as JSON for the classifier file, and as charts. */
public final class TrainingReport {

    /** Where the accuracy-at-coverage table samples the curve. */
    static final double[] COVERAGES = {1.0, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5};
    static final String RELIABILITY_SVG = "reliability.svg";
    static final String COVERAGE_SVG = "coverage.svg";

    private final List<String> domains;
    private final List<LabelledPrompt> train;
    private final int fitSize;
    private final List<ClassifierTrainer.Measured> sets;
    private final TieredClassifier.Abstention abstention;

    TrainingReport(List<String> domains, List<LabelledPrompt> train, int fitSize, List<ClassifierTrainer.Measured> sets,
                   TieredClassifier.Abstention abstention) {
        this.domains = domains;
        this.train = train;
        this.fitSize = fitSize;
        this.sets = sets;
        this.abstention = abstention;
    }

    private ClassifierTrainer.Measured set(String name) {
        return sets.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private Evaluation evaluation(ClassifierTrainer.Measured s, List<DomainPrediction> predictions) {
        return Evaluation.of(domains, s.truth(), predictions.stream().map(DomainPrediction::domain).toList());
    }

    static Calibration calibration(List<String> truth, List<DomainPrediction> predictions) {
        List<Calibration.Scored> scored = new ArrayList<>();
        for (int i = 0; i < truth.size(); i++) {
            scored.add(new Calibration.Scored(predictions.get(i).confidence(), predictions.get(i).domain().equals(truth.get(i))));
        }
        return new Calibration(scored);
    }

    /** The lexical tier's answers at its cut-off: share of prompts answered and accuracy on them. */
    private static double[] lexicalAtCutoff(ClassifierTrainer.Measured s) {
        int answered = 0;
        int right = 0;
        for (int i = 0; i < s.prompts().size(); i++) {
            DomainPrediction p = s.tiered().get(i);
            if (p.tier().equals(DomainPrediction.LEXICAL)) {
                answered++;
                right += p.domain().equals(s.prompts().get(i).domain()) ? 1 : 0;
            }
        }
        return new double[] {(double) answered / s.prompts().size(), answered == 0 ? 1 : (double) right / answered, answered};
    }

    /** Share flagged uncertain, accuracy on the flagged ones and on the rest. */
    private static double[] uncertain(ClassifierTrainer.Measured s) {
        int flagged = 0;
        int flaggedRight = 0;
        int rest = 0;
        int restRight = 0;
        for (int i = 0; i < s.prompts().size(); i++) {
            DomainPrediction p = s.tiered().get(i);
            boolean right = p.domain().equals(s.prompts().get(i).domain());
            if (p.uncertain()) {
                flagged++;
                flaggedRight += right ? 1 : 0;
            } else {
                rest++;
                restRight += right ? 1 : 0;
            }
        }
        return new double[] {(double) flagged / s.prompts().size(), flagged == 0 ? Double.NaN : (double) flaggedRight / flagged,
                rest == 0 ? Double.NaN : (double) restRight / rest, flagged};
    }

    public ObjectNode measurements() {
        ObjectNode m = new ObjectMapper().createObjectNode();
        m.put("train_prompts", fitSize);
        m.put("validation_prompts", set("validation").prompts().size());
        for (ClassifierTrainer.Measured s : sets) {
            ObjectNode n = m.putObject(s.name().replace(' ', '_').replace("-", "_"));
            Evaluation e = evaluation(s, s.tiered());
            n.put("prompts", s.prompts().size());
            n.put("accuracy", e.accuracy());
            n.put("macro_f1", e.macroF1());
            n.put("min_domain_accuracy", e.minRecall());
            n.put("expected_calibration_error", calibration(s.truth(), s.tiered()).expectedCalibrationError());
            double[] lexical = lexicalAtCutoff(s);
            n.put("lexical_share", lexical[0]);
            n.put("lexical_accuracy_at_cutoff", lexical[1]);
            n.put("uncertain_share", uncertain(s)[0]);
        }
        return m;
    }

    /** The Markdown written between the train-router markers of router/README.md. */
    public String markdown() {
        ClassifierTrainer.Measured corpus = set("corpus split");
        ClassifierTrainer.Measured user = set("user-style held-out");
        ClassifierTrainer.Measured validation = set("validation");
        StringBuilder md = new StringBuilder();
        md.append(String.format("Trained on %d prompts, calibrated and checked on %d more (validation: a fifth of the"
                + " training set's groups, i.e. whole documents and whole template frames that fitting never saw)."
                + " Measured on two held-out sets that nothing was fitted on: the **corpus split** (%d prompts from the"
                + " same sources as training, documents never trained on) and the **user-style held-out set** (%d"
                + " prompts written by hand, sharing no template with training).%n%n",
                fitSize, validation.prompts().size(), corpus.prompts().size(), user.prompts().size()));
        md.append("| set | classifier | accuracy | macro-F1 | lowest domain accuracy | expected calibration error |\n|---|---|---|---|---|---|\n");
        for (ClassifierTrainer.Measured s : List.of(user, corpus)) {
            for (String tier : List.of("tiered (what the gateway runs)", "MiniLM embedding + logistic head alone", "lexical tier alone")) {
                List<DomainPrediction> p = tier.startsWith("tiered") ? s.tiered() : tier.startsWith("MiniLM") ? s.embeddingOnly() : s.lexicalOnly();
                Evaluation e = evaluation(s, p);
                md.append(String.format("| %s | %s | %.4f | %.4f | %.4f | %.4f |%n", s.name(), tier, e.accuracy(), e.macroF1(),
                        e.minRecall(), calibration(s.truth(), p).expectedCalibrationError()));
            }
        }
        md.append("\nAccuracy per domain (tiered):\n\n| set |");
        domains.forEach(d -> md.append(' ').append(d).append(" |"));
        md.append("\n|---|").append("---|".repeat(domains.size())).append('\n');
        for (ClassifierTrainer.Measured s : List.of(user, corpus)) {
            Evaluation e = evaluation(s, s.tiered());
            md.append("| ").append(s.name()).append(" |");
            for (int i = 0; i < domains.size(); i++) {
                md.append(String.format(" %.4f |", e.recall(i)));
            }
            md.append('\n');
        }
        md.append(String.format("%nThe lexical tier answers when its calibrated probability reaches %.3f (the lowest"
                + " threshold, and at least %.2f, that gave %.1f%% accuracy on validation data); the embedding tier"
                + " answers the rest.%n%n| set | answered by the lexical tier | its accuracy at the cut-off |%n|---|---|---|%n",
                validation.lexicalThreshold(), ClassifierTrainer.MIN_LEXICAL_CONFIDENCE, 100 * ClassifierTrainer.LEXICAL_TARGET_ACCURACY));
        for (ClassifierTrainer.Measured s : sets) {
            double[] l = lexicalAtCutoff(s);
            md.append(String.format("| %s | %.1f%% (%d) | %.4f |%n", s.name(), 100 * l[0], (int) l[2], l[1]));
        }
        md.append(String.format("%nA prediction whose top probability is below %.2f, or whose top two are closer than"
                + " %.2f, fits no domain well: the route says `uncertain: true` and the threshold policy sends it to"
                + " the generic model.%n%n| set | flagged uncertain | accuracy on them | accuracy on the rest |%n|---|---|---|---|%n",
                abstention.minConfidence(), abstention.minMargin()));
        for (ClassifierTrainer.Measured s : List.of(user, corpus)) {
            double[] u = uncertain(s);
            md.append(String.format("| %s | %.1f%% (%d) | %s | %.4f |%n", s.name(), 100 * u[0], (int) u[3],
                    Double.isNaN(u[1]) ? "-" : String.format("%.4f", u[1]), u[2]));
        }
        md.append("\nAccuracy at coverage (tiered): answer only the most confident share of prompts.\n\n| coverage |");
        md.append(" user-style held-out | (confidence from) | corpus split | (confidence from) |\n|---|---|---|---|---|\n");
        Calibration cu = calibration(user.truth(), user.tiered());
        Calibration cc = calibration(corpus.truth(), corpus.tiered());
        for (double c : COVERAGES) {
            Calibration.Coverage a = cu.atCoverage(c);
            Calibration.Coverage b = cc.atCoverage(c);
            md.append(String.format("| %.0f%% | %.4f | %.3f | %.4f | %.3f |%n", 100 * c, a.accuracy(), a.minConfidence(),
                    b.accuracy(), b.minConfidence()));
        }
        md.append("\n![Reliability diagrams](docs/" + RELIABILITY_SVG + ")\n\n![Accuracy at coverage](docs/" + COVERAGE_SVG + ")\n");
        md.append("\nConfusion matrix of the tiered classifier on the user-style held-out set:\n\n")
                .append(evaluation(user, user.tiered()).confusionTable());
        md.append("\nTraining set (fitting and validation together) by source:\n\n| domain | source | prompts | share of the domain | share of all |\n|---|---|---|---|---|\n");
        Map<String, Map<String, Integer>> bySource = new TreeMap<>();
        Map<String, Integer> byDomain = new TreeMap<>();
        for (LabelledPrompt p : train) {
            bySource.computeIfAbsent(p.domain(), d -> new TreeMap<>()).merge(p.source().isEmpty() ? "-" : p.source(), 1, Integer::sum);
            byDomain.merge(p.domain(), 1, Integer::sum);
        }
        for (String d : domains) {
            bySource.getOrDefault(d, Map.of()).forEach((source, n) -> md.append(String.format("| %s | %s | %d | %.1f%% | %.1f%% |%n",
                    d, source, n, 100.0 * n / byDomain.get(d), 100.0 * n / train.size())));
        }
        return md.toString();
    }

    /** The charts, by file name: reliability diagrams and accuracy-at-coverage curves. */
    public Map<String, String> charts() {
        Map<String, String> out = new LinkedHashMap<>();
        List<ClassifierTrainer.Measured> shown = List.of(set("user-style held-out"), set("corpus split"));
        out.put(RELIABILITY_SVG, Charts.reliability(shown.stream().map(ClassifierTrainer.Measured::name).toList(),
                shown.stream().map(s -> calibration(s.truth(), s.tiered())).toList()));
        out.put(COVERAGE_SVG, Charts.coverage(shown.stream().map(ClassifierTrainer.Measured::name).toList(),
                shown.stream().map(s -> calibration(s.truth(), s.tiered())).toList()));
        return out;
    }
}
