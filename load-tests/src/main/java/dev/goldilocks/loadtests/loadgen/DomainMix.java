package dev.goldilocks.loadtests.loadgen;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The share of each domain in the traffic, parsed from "code=1,legal=1,prose=1,math=1" (weights, normalised). */
public final class DomainMix {

    private final Map<String, Double> shares;

    private DomainMix(Map<String, Double> shares) {
        this.shares = shares;
    }

    /** Equal shares of the given domains. */
    public static DomainMix even(Collection<String> domains) {
        Map<String, Double> shares = new LinkedHashMap<>();
        domains.forEach(d -> shares.put(d, 1.0 / domains.size()));
        return new DomainMix(shares);
    }

    /** Parses "domain=weight,..."; every domain must be one of {@code known}. */
    public static DomainMix parse(String spec, Collection<String> known) {
        Map<String, Double> weights = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new IllegalArgumentException("--mix: expected domain=weight, got '" + part.trim() + "'");
            }
            String domain = kv[0].trim();
            if (!known.contains(domain)) {
                throw new IllegalArgumentException("--mix: no prompts for domain '" + domain + "' (have " + known + ")");
            }
            double w;
            try {
                w = Double.parseDouble(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--mix: weight of " + domain + " is not a number: " + kv[1].trim());
            }
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("--mix: weight of " + domain + " must be >= 0, got " + w);
            }
            weights.merge(domain, w, Double::sum);
        }
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        if (!(total > 0)) {
            throw new IllegalArgumentException("--mix: at least one weight must be positive");
        }
        Map<String, Double> shares = new LinkedHashMap<>();
        weights.forEach((d, w) -> {
            if (w > 0) {
                shares.put(d, w / total);
            }
        });
        return new DomainMix(shares);
    }

    /** The domain whose cumulative share first passes {@code u} in [0, 1). */
    public String pick(double u) {
        double cumulative = 0;
        String last = null;
        for (Map.Entry<String, Double> e : shares.entrySet()) {
            cumulative += e.getValue();
            last = e.getKey();
            if (u < cumulative) {
                return last;
            }
        }
        return last; // rounding: u just under 1
    }

    public List<String> domains() {
        return List.copyOf(shares.keySet());
    }

    public double share(String domain) {
        return shares.getOrDefault(domain, 0.0);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        shares.forEach((d, w) -> s.append(s.length() == 0 ? "" : ", ").append(d).append(' ')
                .append(Math.round(w * 1000) / 10.0).append('%'));
        return s.toString();
    }
}
