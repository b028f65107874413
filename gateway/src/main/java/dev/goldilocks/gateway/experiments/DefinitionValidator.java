package dev.goldilocks.gateway.experiments;

import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.ExperimentArm;
import dev.goldilocks.proto.v1.ExperimentDefinition;
import dev.goldilocks.proto.v1.ExperimentGuardrail;
import dev.goldilocks.router.PolicySpec;
import dev.goldilocks.store.ExposureMetric;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns an {@link ExperimentDefinition} from the admin API into an {@link ExperimentSpec}, filling in defaults and
 * refusing what cannot run with INVALID_ARGUMENT naming the field (definition.arms[1].settings.tau): an unknown
 * policy or setting, weights that do not sum to a positive number, an unknown metric or domain.
 */
public final class DefinitionValidator {

    static final String EXCLUDE = "exclude";
    static final String PER_REQUEST = "per_request";
    /** Stored for "no judged sample", since 0 in the API means the default share. */
    static final double NO_JUDGE = -1;
    static final double DEFAULT_ALPHA = 0.05;
    /** GrowthBook's default tuning of its sequential intervals (sequentialTestingTuningParameter). */
    static final long DEFAULT_PLANNED_UNITS = 5000;
    static final double DEFAULT_JUDGE_SHARE = 0.1;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_SALT = 256;

    private final Map<String, PolicySpec> configured;
    private final List<String> knownDomains;

    /**
     * @param configured every policy the gateway runs, with its configured settings
     * @param domains    the gateway's domains
     */
    public DefinitionValidator(Map<String, PolicySpec> configured, List<String> domains) {
        this.configured = Map.copyOf(configured);
        this.knownDomains = List.copyOf(domains);
    }

    public List<String> domains() {
        return knownDomains;
    }

    /** @throws StatusRuntimeException INVALID_ARGUMENT naming the first bad field */
    public ExperimentSpec validate(ExperimentDefinition d) {
        String name = requireName(d.getName(), "definition.name");
        List<ExperimentSpec.Arm> arms = arms(d);
        List<Double> weights = weights(d, arms.size());
        boolean perRequest = switch (d.getWithoutUnit()) {
            case "", EXCLUDE -> false;
            case PER_REQUEST -> true;
            default -> throw Failures.invalidField("definition.without_unit", "must be '" + EXCLUDE + "' or '"
                    + PER_REQUEST + "', got '" + Failures.echo(d.getWithoutUnit()) + "'");
        };
        double share = d.getTrafficShare() == 0 ? 1 : d.getTrafficShare();
        if (!(share > 0 && share <= 1)) {
            throw Failures.invalidField("definition.traffic_share", "must be in (0, 1], got " + d.getTrafficShare());
        }
        Set<String> domains = domains(d);
        String salt = d.getSalt().isEmpty() ? name : d.getSalt();
        if (salt.length() > MAX_SALT) {
            throw Failures.invalidField("definition.salt", "at most " + MAX_SALT + " characters");
        }
        ExperimentSpec.Metric primary = new ExperimentSpec.Metric(metric(d.getPrimaryMetric().isEmpty()
                ? ExposureMetric.QUALITY.key() : d.getPrimaryMetric(), "definition.primary_metric"),
                margin(d.getPrimaryMargin(), "definition.primary_margin"));
        List<ExperimentSpec.Metric> guardrails = guardrails(d, primary.metric());
        double alpha = d.getAlpha() == 0 ? DEFAULT_ALPHA : d.getAlpha();
        if (!(alpha > 0 && alpha <= 0.5)) {
            throw Failures.invalidField("definition.alpha", "must be in (0, 0.5], got " + d.getAlpha());
        }
        if (d.getPlannedUnits() < 0) {
            throw Failures.invalidField("definition.planned_units", "must not be negative, got " + d.getPlannedUnits());
        }
        long planned = d.getPlannedUnits() == 0 ? DEFAULT_PLANNED_UNITS : d.getPlannedUnits();
        double judge = d.getJudgeShare() == 0 ? DEFAULT_JUDGE_SHARE : Math.max(0, d.getJudgeShare());
        if (!(judge <= 1)) {
            throw Failures.invalidField("definition.judge_share", "must be at most 1, got " + d.getJudgeShare());
        }
        long minUnits = d.getMinUnitsPerArm() == 0 ? 100 : d.getMinUnitsPerArm();
        if (minUnits < 2) {
            throw Failures.invalidField("definition.min_units_per_arm", "must be at least 2, got "
                    + d.getMinUnitsPerArm());
        }
        ExperimentSpec spec = new ExperimentSpec(name, arms, weights, perRequest, share, domains, salt, primary,
                guardrails, alpha, planned, d.getAutoStop(), judge, minUnits);
        List<Double> shares;
        try {
            shares = spec.assigner().plannedShares();
        } catch (IllegalArgumentException e) {
            throw Failures.invalidField("definition.traffic_share", e.getMessage());
        }
        for (int i = 0; i < shares.size(); i++) {
            if (!(shares.get(i) > 0)) {
                throw Failures.invalidField("definition.traffic_share", share + " leaves arm '" + arms.get(i).name()
                        + "' no bucket of the assignment: raise the share or the arm's weight");
            }
        }
        return spec;
    }

    private List<ExperimentSpec.Arm> arms(ExperimentDefinition d) {
        if (d.getArmsCount() < 2) {
            throw Failures.invalidField("definition.arms", "an experiment needs at least two arms (control first),"
                    + " got " + d.getArmsCount());
        }
        List<ExperimentSpec.Arm> arms = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < d.getArmsCount(); i++) {
            ExperimentArm arm = d.getArms(i);
            String field = "definition.arms[" + i + "]";
            String armName = requireName(arm.getName(), field + ".name");
            if (!names.add(armName)) {
                throw Failures.invalidField(field + ".name", "two arms are named '" + armName + "'");
            }
            PolicySpec base = configured.get(arm.getPolicy());
            if (base == null) {
                throw Failures.invalidField(field + ".policy", "unknown policy '" + Failures.echo(arm.getPolicy())
                        + "'; known: " + new TreeSet<>(configured.keySet()));
            }
            try {
                arms.add(new ExperimentSpec.Arm(armName, base.with(arm.getSettingsMap())));
            } catch (IllegalArgumentException e) {
                // PolicySpec names the setting first: "settings.tau: ..."
                String message = e.getMessage();
                int colon = message.indexOf(':');
                String setting = colon > 0 && message.startsWith("settings.") ? message.substring(0, colon) : "settings";
                throw Failures.invalidField(field + "." + setting, colon > 0 ? message.substring(colon + 1).strip()
                        : message);
            }
        }
        return arms;
    }

    private static List<Double> weights(ExperimentDefinition d, int arms) {
        if (d.getWeightsCount() == 0) {
            return new ArrayList<>(java.util.Collections.nCopies(arms, 1.0));
        }
        if (d.getWeightsCount() != arms) {
            throw Failures.invalidField("definition.weights", "one weight per arm: " + arms + " arms, "
                    + d.getWeightsCount() + " weights");
        }
        double sum = d.getWeightsList().stream().mapToDouble(Double::doubleValue).sum();
        if (!(sum > 0) || Double.isInfinite(sum)) {
            throw Failures.invalidField("definition.weights", "must sum to a positive number, got " + sum);
        }
        for (int i = 0; i < arms; i++) {
            if (!(d.getWeights(i) > 0)) {
                throw Failures.invalidField("definition.weights[" + i + "]", "must be positive (an arm without"
                        + " weight gets no units), got " + d.getWeights(i));
            }
        }
        return d.getWeightsList();
    }

    private Set<String> domains(ExperimentDefinition d) {
        Set<String> domains = new LinkedHashSet<>();
        for (int i = 0; i < d.getDomainsCount(); i++) {
            String domain = d.getDomains(i);
            if (!knownDomains.contains(domain)) {
                throw Failures.invalidField("definition.domains[" + i + "]", "unknown domain '"
                        + Failures.echo(domain) + "'; known: " + knownDomains);
            }
            domains.add(domain);
        }
        return domains;
    }

    private static List<ExperimentSpec.Metric> guardrails(ExperimentDefinition d, ExposureMetric primary) {
        List<ExperimentSpec.Metric> out = new ArrayList<>();
        for (int i = 0; i < d.getGuardrailsCount(); i++) {
            ExperimentGuardrail g = d.getGuardrails(i);
            String field = "definition.guardrails[" + i + "]";
            ExposureMetric m = metric(g.getMetric(), field + ".metric");
            if (m == primary || out.stream().anyMatch(o -> o.metric() == m)) {
                throw Failures.invalidField(field + ".metric", "'" + m.key() + "' is already the primary metric or"
                        + " another guardrail");
            }
            out.add(new ExperimentSpec.Metric(m, margin(g.getMargin(), field + ".margin")));
        }
        return out;
    }

    private static ExposureMetric metric(String key, String field) {
        ExposureMetric m = ExposureMetric.ofKey(key);
        if (m == null || m == ExposureMetric.GENERIC_SHARE) {
            throw Failures.invalidField(field, "unknown metric '" + Failures.echo(key) + "'; known: " + Arrays.stream(
                    ExposureMetric.values()).filter(x -> x != ExposureMetric.GENERIC_SHARE).map(ExposureMetric::key)
                    .toList());
        }
        return m;
    }

    private static double margin(double margin, String field) {
        if (!(margin >= 0) || Double.isInfinite(margin)) {
            throw Failures.invalidField(field, "must be a finite number >= 0, got " + margin);
        }
        return margin;
    }

    static String requireName(String name, String field) {
        if (!NAME.matcher(name).matches()) {
            throw Failures.invalidField(field, "must be 1 to 64 letters, digits, '-', '_' or '.', got '"
                    + Failures.echo(name) + "'");
        }
        return name;
    }
}
