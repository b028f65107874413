package dev.goldilocks.router;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The models the router chooses among: exactly one generic model and at most one specialist per domain. */
public final class ModelCatalog {

    private final CandidateModel generic;
    private final Map<String, CandidateModel> specialists;
    private final List<String> domains;

    public ModelCatalog(List<CandidateModel> models, List<String> domains) {
        List<CandidateModel> generics = models.stream().filter(CandidateModel::generic).toList();
        if (generics.size() != 1) {
            throw new IllegalArgumentException("exactly one generic model is needed, got " + generics.size());
        }
        this.generic = generics.get(0);
        this.specialists = models.stream().filter(m -> !m.generic())
                .collect(Collectors.toUnmodifiableMap(CandidateModel::domain, Function.identity(), (a, b) -> {
                    throw new IllegalArgumentException("two specialists for domain " + a.domain() + ": "
                            + a.name() + ", " + b.name());
                }));
        this.domains = List.copyOf(domains);
    }

    public CandidateModel generic() {
        return generic;
    }

    public Optional<CandidateModel> specialist(String domain) {
        return Optional.ofNullable(specialists.get(domain));
    }

    /** The models a policy may choose for {@code domain}: the generic one first, then the domain's specialist. */
    public List<CandidateModel> candidateModels(String domain) {
        return specialist(domain).map(s -> List.of(generic, s)).orElse(List.of(generic));
    }

    /** The names of {@link #candidateModels}. */
    public List<String> candidates(String domain) {
        return candidateModels(domain).stream().map(CandidateModel::name).toList();
    }

    public List<String> domains() {
        return domains;
    }
}
