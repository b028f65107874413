package dev.goldilocks.gateway.cli;

import dev.goldilocks.gateway.experiments.ExperimentText;
import dev.goldilocks.gateway.quality.ReportJson;
import dev.goldilocks.proto.v1.ChangeExperimentRequest;
import dev.goldilocks.proto.v1.CreateExperimentRequest;
import dev.goldilocks.proto.v1.ExperimentArm;
import dev.goldilocks.proto.v1.ExperimentDefinition;
import dev.goldilocks.proto.v1.ExperimentGuardrail;
import dev.goldilocks.proto.v1.ExperimentReportRequest;
import dev.goldilocks.proto.v1.ExperimentStatus;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.ListExperimentsRequest;
import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A/B experiments between routing policies, through the gateway's admin API. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "A/B experiments between routing policies: create, start, pause, stop, list, report.",
        subcommands = {ExperimentCommand.Create.class, ExperimentCommand.Start.class, ExperimentCommand.Pause.class,
            ExperimentCommand.Stop.class, ExperimentCommand.ListAll.class, ExperimentCommand.Report.class})
final class ExperimentCommand implements Runnable {

    private static final long DEADLINE_SECONDS = 120;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Calls the admin API and prints the answer as text, or as JSON. */
    private static <T extends Message> int call(GatewayClient gateway, boolean json,
                                                Function<GoldilocksAdminGrpc.GoldilocksAdminBlockingStub, T> rpc,
                                                Function<T, String> text) throws InterruptedException {
        ManagedChannel channel = gateway.channel();
        try {
            T answer = rpc.apply(GoldilocksAdminGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS));
            System.out.print(json ? ReportJson.of(answer) + "\n" : text.apply(answer));
            return 0;
        } catch (StatusRuntimeException e) {
            System.err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return 1;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Creates an experiment (a draft, until it starts).",
                "Example: goldilocks experiment create generic-vs-specialist --arm control=generic-only"
                        + " --arm specialists=specialist-by-domain --guardrail latency_seconds=0.05 --start"})
    static final class Create implements Callable<Integer> {
        @Mixin
        GatewayClient gateway;

        @Parameters(index = "0", description = "The experiment's name (letters, digits, '-', '_', '.').")
        String name;

        @Option(names = "--arm", required = true, description = "An arm, NAME=POLICY[,setting=value...], e.g."
                + " strict=threshold,tau=0.9 (repeatable; the first is control).")
        List<String> arms = new ArrayList<>();

        @Option(names = "--weights", split = ",", description = "The arms' weights, e.g. 50,50 (default: equal).")
        List<Double> weights = new ArrayList<>();

        @Option(names = "--share", defaultValue = "1", description = "Share of eligible units in the experiment, in"
                + " (0, 1] (default: ${DEFAULT-VALUE}).")
        double share;

        @Option(names = "--domain", description = "Only requests routed for this domain (repeatable; default: all).")
        List<String> domains = new ArrayList<>();

        @Option(names = "--salt", defaultValue = "", description = "Assignment salt (default: the name).")
        String salt;

        @Option(names = "--without-unit", defaultValue = "exclude", description = "A request with neither unit_id nor"
                + " an API key: exclude, or per_request (default: ${DEFAULT-VALUE}).")
        String withoutUnit;

        @Option(names = "--primary", defaultValue = "quality", description = "The primary metric, METRIC[=MARGIN]"
                + " (default: ${DEFAULT-VALUE}); metrics: quality, judge_quality, cost_usd, latency_seconds,"
                + " ttft_seconds, error_rate, fallback_rate.")
        String primary;

        @Option(names = "--guardrail", description = "A guardrail, METRIC=MARGIN, e.g. latency_seconds=0.05"
                + " (repeatable).")
        List<String> guardrails = new ArrayList<>();

        @Option(names = "--alpha", defaultValue = "0.05", description = "Error rate of the always-valid intervals"
                + " (default: ${DEFAULT-VALUE}).")
        double alpha;

        @Option(names = "--planned-units", defaultValue = "0", description = "Units at which a decision is expected"
                + " (default: 5000).")
        long plannedUnits;

        @Option(names = "--min-units", defaultValue = "0", description = "No verdict before each arm has this many"
                + " units (default: 100).")
        long minUnits;

        @Option(names = "--judge-share", defaultValue = "0", description = "Share of each arm's answers the judge"
                + " scores (default: 0.1; negative: none).")
        double judgeShare;

        @Option(names = "--auto-stop", description = "Stop by itself when a guardrail is breached, sending its traffic"
                + " back to control.")
        boolean autoStop;

        @Option(names = "--start", description = "Start it at once.")
        boolean start;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ExperimentDefinition.Builder d = ExperimentDefinition.newBuilder().setName(name).addAllWeights(weights)
                    .setTrafficShare(share).addAllDomains(domains).setSalt(salt).setWithoutUnit(withoutUnit)
                    .setAlpha(alpha).setPlannedUnits(plannedUnits).setMinUnitsPerArm(minUnits)
                    .setJudgeShare(judgeShare).setAutoStop(autoStop);
            for (String arm : arms) {
                d.addArms(arm(arm));
            }
            String[] p = primary.split("=", 2);
            d.setPrimaryMetric(p[0].strip()).setPrimaryMargin(p.length > 1 ? number(p[1], "--primary") : 0);
            for (String g : guardrails) {
                String[] kv = g.split("=", 2);
                if (kv.length != 2) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--guardrail: METRIC=MARGIN, got "
                            + g);
                }
                d.addGuardrails(ExperimentGuardrail.newBuilder().setMetric(kv[0].strip())
                        .setMargin(number(kv[1], "--guardrail")));
            }
            // with --start, only the status after the start is printed
            int created = ExperimentCommand.call(gateway, json, admin -> admin.createExperiment(CreateExperimentRequest.newBuilder()
                    .setDefinition(d).build()), status -> start ? "" : ExperimentText.status(status));
            if (created != 0 || !start) {
                return created;
            }
            return ExperimentCommand.call(gateway, json, admin -> admin.startExperiment(ChangeExperimentRequest.newBuilder()
                    .setName(name).build()), ExperimentText::status);
        }

        /** NAME=POLICY[,setting=value...]. */
        private ExperimentArm arm(String text) {
            String[] nameAndRest = text.split("=", 2);
            if (nameAndRest.length != 2) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--arm: NAME=POLICY[,setting=value...],"
                        + " got " + text);
            }
            String[] parts = nameAndRest[1].split(",");
            ExperimentArm.Builder arm = ExperimentArm.newBuilder().setName(nameAndRest[0].strip())
                    .setPolicy(parts[0].strip());
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                if (kv.length != 2) {
                    throw new CommandLine.ParameterException(new CommandLine(this), "--arm: a setting is key=value, got "
                            + parts[i]);
                }
                arm.putSettings(kv[0].strip(), kv[1].strip());
            }
            return arm.build();
        }

        private double number(String text, String option) {
            try {
                return Double.parseDouble(text.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), option + ": not a number: " + text);
            }
        }
    }

    /** A subcommand about one experiment, named by its first parameter. */
    private abstract static class Named implements Callable<Integer> {
        @Mixin
        GatewayClient gateway;

        @Parameters(index = "0", description = "The experiment's name.")
        String name;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;
    }

    /** start, pause and stop: the answer is the experiment's status. */
    private abstract static class Change extends Named {

        abstract ExperimentStatus change(GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin,
                                         ChangeExperimentRequest request);

        String shipArm() {
            return "";
        }

        @Override
        public Integer call() throws Exception {
            ChangeExperimentRequest request = ChangeExperimentRequest.newBuilder().setName(name).setShipArm(shipArm())
                    .build();
            return ExperimentCommand.call(gateway, json, admin -> change(admin, request), ExperimentText::status);
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Starts a draft, or resumes a paused"
            + " experiment.")
    static final class Start extends Change {
        @Override
        ExperimentStatus change(GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin, ChangeExperimentRequest r) {
            return admin.startExperiment(r);
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pauses a running experiment: nobody is"
            + " exposed until it starts again.")
    static final class Pause extends Change {
        @Override
        ExperimentStatus change(GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin, ChangeExperimentRequest r) {
            return admin.pauseExperiment(r);
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops an experiment for good.")
    static final class Stop extends Change {
        @Option(names = "--ship", defaultValue = "", description = "The arm whose policy keeps routing the"
                + " experiment's units (default: none, the gateway's default policy).")
        String ship;

        @Override
        String shipArm() {
            return ship;
        }

        @Override
        ExperimentStatus change(GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin, ChangeExperimentRequest r) {
            return admin.stopExperiment(r);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the experiments.")
    static final class ListAll implements Callable<Integer> {
        @Mixin
        GatewayClient gateway;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return ExperimentCommand.call(gateway, json, admin -> admin.listExperiments(
                    ListExperimentsRequest.getDefaultInstance()), ExperimentText::list);
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "An experiment's results: per arm and"
            + " metric, the always-valid intervals of each treatment's difference from control, the sample-ratio"
            + " check, guardrails and the verdict; for every domain and for each domain.")
    static final class Report extends Named {
        @Override
        public Integer call() throws Exception {
            return ExperimentCommand.call(gateway, json, admin -> admin.experimentReport(ExperimentReportRequest
                    .newBuilder().setName(name).build()), ExperimentText::report);
        }
    }
}
