package dev.goldilocks.gateway.experiments;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.ExperimentDefinition;
import dev.goldilocks.store.ExperimentEvent;
import dev.goldilocks.store.ExperimentStore;
import dev.goldilocks.store.StoredExperiment;
import dev.goldilocks.common.logging.RateLimitedLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, starts, pauses and stops experiments in their book, each change one atomic step across replicas. The
 * exclusion rule: experiments that hold traffic at once (running or paused) must have disjoint domain filters, so
 * no request is ever in two experiments; a start that would break it is refused naming {@code domains}.
 */
public final class ExperimentLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentLifecycle.class);

    private final ExperimentBook book;
    private final DefinitionValidator validator;
    private final Clock clock;
    private final Consumer<List<Experiment>> changed;
    private final RateLimitedLog unreadable = new RateLimitedLog(LOG, Duration.ofMinutes(5));

    /** @param changed given every experiment after each change this replica made (to route by it at once) */
    ExperimentLifecycle(ExperimentBook book, DefinitionValidator validator, Clock clock,
                        Consumer<List<Experiment>> changed) {
        this.book = book;
        this.validator = validator;
        this.clock = clock;
        this.changed = changed;
    }

    /** Every experiment whose stored definition this gateway can read, oldest first. */
    public List<Experiment> list() {
        return readable(book.list());
    }

    public Experiment get(String name) {
        requireName(name);
        return list().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() -> notFound(name));
    }

    public List<ExperimentEvent> events(String name) {
        return book.events(name);
    }

    public String storage() {
        return book.storage();
    }

    /** A new experiment, in the draft state. */
    public Experiment create(ExperimentDefinition definition) {
        ExperimentSpec spec = validator.validate(definition);
        Experiment created = book.change(e -> {
            if (e.all().stream().anyMatch(x -> x.name().equals(spec.name()))) {
                throw Failures.of(ErrorReason.EXPERIMENT_EXISTS, "definition.name: an experiment named '" + spec.name()
                        + "' exists already; names are never reused (results are kept by name)").build();
            }
            Instant now = clock.instant();
            StoredExperiment row = Experiment.newRow(spec, now);
            e.insert(row);
            e.event(new ExperimentEvent(spec.name(), now, "created", "arms " + spec.armNames() + ", control '"
                    + spec.control().name() + "'"));
            return new Experiment(spec, ExperimentState.DRAFT, row);
        });
        changed.accept(list());
        return created;
    }

    /** Starts a draft or resumes a paused experiment (starting a running one changes nothing). */
    public Experiment start(String name) {
        return change(name, (e, x, all) -> {
            if (x.state() == ExperimentState.RUNNING) {
                return x;
            }
            if (x.state() == ExperimentState.STOPPED) {
                throw wrongState(x, "a stopped experiment does not start again; create a new one (a new name)");
            }
            for (Experiment other : all) {
                Set<String> shared = x.spec().sharedDomains(other.spec(), validator.domains());
                if (!other.name().equals(name) && other.state().holdsTraffic() && !shared.isEmpty()) {
                    throw Failures.invalidField("domains", "experiment '" + other.name() + "' is " + other.state()
                            .label() + " on " + shared + " already; experiments that run at once must have disjoint"
                            + " domain filters (none means every domain): stop it, or give this one other domains");
                }
            }
            Instant now = clock.instant();
            StoredExperiment moved = x.stored().moved(ExperimentState.RUNNING.label(), now,
                    Optional.of(x.stored().startedAt().orElse(now)), Optional.empty(), "");
            e.update(moved);
            e.event(new ExperimentEvent(name, now, "started", x.state() == ExperimentState.PAUSED ? "resumed"
                    : "assignment by (name, salt '" + x.spec().salt() + "', unit)"));
            return new Experiment(x.spec(), ExperimentState.RUNNING, moved);
        });
    }

    public Experiment pause(String name) {
        return change(name, (e, x, all) -> {
            if (x.state() != ExperimentState.RUNNING) {
                throw wrongState(x, "only a running experiment can be paused");
            }
            Instant now = clock.instant();
            StoredExperiment moved = x.stored().moved(ExperimentState.PAUSED.label(), now, x.stored().startedAt(),
                    Optional.empty(), "");
            e.update(moved);
            e.event(new ExperimentEvent(name, now, "paused", "nobody is exposed until it starts again"));
            return new Experiment(x.spec(), ExperimentState.PAUSED, moved);
        });
    }

    /**
     * Stops an experiment for good; {@code shipArm} (or "") is the arm whose policy keeps routing its units. A
     * stopped experiment may be stopped again to change that.
     */
    public Experiment stop(String name, String shipArm) {
        return change(name, (e, x, all) -> {
            if (!shipArm.isEmpty() && !x.spec().hasArm(shipArm)) {
                throw Failures.invalidField("ship_arm", "no arm '" + Failures.echo(shipArm) + "' in experiment '"
                        + name + "'; its arms: " + x.spec().armNames());
            }
            return stopped(e, x, shipArm, "stopped", shipArm.isEmpty()
                    ? "its units are routed by the default policy again"
                    : "its units stay on arm '" + shipArm + "' (" + x.spec().arms().stream()
                            .filter(a -> a.name().equals(shipArm)).findFirst().orElseThrow().policy() + ")");
        });
    }

    /**
     * Stops a running experiment whose guardrail broke and sends its traffic back to control; empty when it was not
     * running any more (another replica stopped it first, or someone else did).
     */
    Optional<Experiment> autoStop(String name, String why) {
        Optional<Experiment> stopped = book.change(e -> {
            Experiment x = readable(e.all()).stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
            if (x == null || x.state() != ExperimentState.RUNNING) {
                return Optional.<Experiment>empty();
            }
            return Optional.of(stopped(e, x, x.spec().control().name(), "auto_stopped", why
                    + "; all its traffic goes back to control ('" + x.spec().control().name() + "')"));
        });
        stopped.ifPresent(x -> {
            LOG.warn("experiment '{}' stopped itself: {}", name, why);
            changed.accept(list());
        });
        return stopped;
    }

    private Experiment stopped(ExperimentStore.Editor e, Experiment x, String ship, String kind, String detail) {
        Instant now = clock.instant();
        StoredExperiment moved = x.stored().moved(ExperimentState.STOPPED.label(), now, x.stored().startedAt(),
                Optional.of(x.stored().stoppedAt().orElse(now)), ship);
        e.update(moved);
        e.event(new ExperimentEvent(x.name(), now, kind, detail));
        return new Experiment(x.spec(), ExperimentState.STOPPED, moved);
    }

    private interface Step {
        Experiment apply(ExperimentStore.Editor editor, Experiment target, List<Experiment> all);
    }

    private Experiment change(String name, Step step) {
        requireName(name);
        Experiment result = book.change(e -> {
            List<Experiment> all = readable(e.all());
            Experiment target = all.stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow(() -> notFound(name));
            return step.apply(e, target, all);
        });
        changed.accept(list());
        return result;
    }

    /** The experiments whose definitions this gateway can run; a definition it cannot is logged and left out. */
    private List<Experiment> readable(List<StoredExperiment> rows) {
        List<Experiment> out = new ArrayList<>();
        for (StoredExperiment row : rows) {
            try {
                out.add(Experiment.of(row, validator));
            } catch (RuntimeException e) {
                unreadable.warn(row.name(), "experiment '{}' is left out: its stored definition does not fit this gateway's"
                        + " configuration: {}", row.name(), e.getMessage());
            }
        }
        return out;
    }

    private static void requireName(String name) {
        if (name.isEmpty()) {
            throw Failures.invalidField("name", "is required");
        }
    }

    private static RuntimeException notFound(String name) {
        return Failures.of(ErrorReason.EXPERIMENT_NOT_FOUND, "name: no experiment named '" + Failures.echo(name) + "'")
                .build();
    }

    private static RuntimeException wrongState(Experiment x, String why) {
        return Failures.of(ErrorReason.EXPERIMENT_WRONG_STATE, "experiment '" + x.name() + "' is " + x.state().label()
                + ": " + why).build();
    }
}
