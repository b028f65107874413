package dev.goldilocks.loadtests.loadgen;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The figures of one run at one offered rate. Latencies are over successful requests, from intended send
 * times; goodput counts requests that met every SLO; throughput and goodput are per second of the run's wall
 * time (first intended send to last answer), as vLLM's benchmark reports them.
 *
 * @param label            what distinguishes the run (its routing policy, or "default")
 * @param offeredRate      requests per second the schedule was drawn at
 * @param cv               the inter-arrival times' coefficient of variation (1: Poisson)
 * @param sent             requests sent (every one of the schedule)
 * @param wallSeconds      first intended send to last answer
 * @param outcomes         requests by "STATUS" or "STATUS REASON"; they add up to {@code sent}
 * @param exampleMessages  for each failed outcome, the status message of its first request
 * @param ok               successful requests
 * @param good             successful requests that met every SLO
 * @param sloAttainment    good / sent
 * @param goodput          good requests per second
 * @param throughput       successful requests per second
 * @param outputTokensPerSecond tokens generated per second
 * @param e2e              end-to-end latency
 * @param ttft             time to first token
 * @param tpot             time per output token after the first
 * @param sendLag          how late the load generator sent requests (its own limit: large values mean the
 *                         client, not the server, could not keep the schedule)
 * @param costPer1kUsd     mean cost of 1,000 successful requests, from the responses' usage
 * @param quality          answers scored against their evaluation references
 * @param qualityByDomain  the same per labelled domain of the prompts
 * @param routes           the split by routed model and policy
 * @param serverCpuSeconds CPU time the server process used during the run, when known
 */
public record StepResult(String label, double offeredRate, double cv, int sent, double wallSeconds,
                         Map<String, Long> outcomes, Map<String, String> exampleMessages, long ok, long good, double sloAttainment, double goodput,
                         double throughput, double outputTokensPerSecond, Latency e2e, Latency ttft, Latency tpot,
                         Latency sendLag, Double costPer1kUsd, Quality quality, Map<String, Quality> qualityByDomain,
                         List<RouteSplit> routes, Double serverCpuSeconds) {

    /**
     * One routed model under one policy within a run.
     *
     * @param model  the model that answered, or the one a failure named; "(none)" when unknown
     * @param policy the policy that routed the requests; "(none)" on failures before a route
     */
    public record RouteSplit(String model, String policy, long requests, long ok, Latency e2e, Double costPer1kUsd,
                             Quality quality) {
    }

    public static StepResult of(String label, ArrivalSchedule schedule, LoadRun.Records run, Slo slo) {
        List<RequestRecord> all = run.all();
        Supplier<Stream<RequestRecord>> ok = () -> all.stream().filter(RequestRecord::ok);
        Map<String, Long> outcomes = all.stream()
                .collect(Collectors.groupingBy(RequestRecord::outcome, TreeMap::new, Collectors.counting()));
        long okCount = ok.get().count();
        long good = all.stream().filter(slo::met).count();
        double wall = Math.max(run.wallNanos(), 1) / 1e9;
        long tokens = ok.get().mapToLong(RequestRecord::completionTokens).sum();
        Map<String, String> examples = new TreeMap<>();
        all.stream().filter(r -> !r.ok()).sorted(Comparator.comparingInt(RequestRecord::index))
                .forEach(r -> examples.putIfAbsent(r.outcome(), r.message()));
        return new StepResult(label, schedule.ratePerSecond(), schedule.cv(), all.size(), wall, outcomes, examples,
                okCount, good,
                all.isEmpty() ? 0 : (double) good / all.size(), good / wall, okCount / wall, tokens / wall,
                Latency.of(ok.get(), RequestRecord::e2eNanos), Latency.of(ok.get(), RequestRecord::ttftNanos),
                Latency.of(ok.get(), RequestRecord::tpotNanos), Latency.of(all.stream(), RequestRecord::sendLagNanos),
                costPer1k(ok.get().toList()), Quality.of(all.stream()), qualityByDomain(all), routes(all), null);
    }

    /** The same figures with the server's CPU time during the run. */
    public StepResult withServerCpuSeconds(double seconds) {
        return new StepResult(label, offeredRate, cv, sent, wallSeconds, outcomes, exampleMessages, ok, good, sloAttainment, goodput,
                throughput, outputTokensPerSecond, e2e, ttft, tpot, sendLag, costPer1kUsd, quality, qualityByDomain, routes,
                seconds);
    }

    private static List<RouteSplit> routes(List<RequestRecord> all) {
        Map<List<String>, List<RequestRecord>> byRoute = new LinkedHashMap<>();
        all.stream().sorted(Comparator.comparing(RequestRecord::model).thenComparing(RequestRecord::policy))
                .forEach(r -> byRoute.computeIfAbsent(List.of(orNone(r.model()), orNone(r.policy())),
                        k -> new ArrayList<>()).add(r));
        List<RouteSplit> out = new ArrayList<>();
        byRoute.forEach((key, records) -> {
            List<RequestRecord> ok = records.stream().filter(RequestRecord::ok).toList();
            out.add(new RouteSplit(key.get(0), key.get(1), records.size(), ok.size(),
                    Latency.of(ok.stream(), RequestRecord::e2eNanos), costPer1k(ok), Quality.of(ok.stream())));
        });
        return out;
    }

    private static Map<String, Quality> qualityByDomain(List<RequestRecord> all) {
        Map<String, Quality> out = new TreeMap<>();
        all.stream().collect(Collectors.groupingBy(RequestRecord::domain))
                .forEach((domain, records) -> out.put(domain, Quality.of(records.stream())));
        return out;
    }

    private static String orNone(String s) {
        return s.isEmpty() ? "(none)" : s;
    }

    private static Double costPer1k(List<RequestRecord> ok) {
        return ok.isEmpty() ? null : ok.stream().mapToDouble(RequestRecord::costUsd).sum() / ok.size() * 1000;
    }
}
