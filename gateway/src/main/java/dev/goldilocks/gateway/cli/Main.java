package dev.goldilocks.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one executable: serve (all-in-one), gateway, worker, ask. */
@Command(name = "goldilocks", mixinStandardHelpOptions = true, version = "goldilocks 0.1.0",
        description = "A gRPC model gateway that routes each prompt to a generic or a specialist model and"
                + " measures which wins.",
        subcommands = {ServeCommand.class, GatewayCommand.class, WorkerCommand.class, AskCommand.class,
            TrainRouterCommand.class, ReportCommand.class, LogCommand.class, EvaluateCommand.class,
            ExperimentCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        // a bad config or an unreachable port is a message for the operator, not a stack trace
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("goldilocks " + cmd.getCommandName() + ": " + e.getMessage());
            return 2;
        });
        System.exit(cli.execute(args));
    }
}
