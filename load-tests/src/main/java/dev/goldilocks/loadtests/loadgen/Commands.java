package dev.goldilocks.loadtests.loadgen;

import picocli.CommandLine;

/** How the load-tests commands are run. */
final class Commands {

    private Commands() {
    }

    /** The command with its error handling: a bad option value is a message for the user, not a stack trace. */
    static CommandLine of(Object command, String name) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(name + ": " + e.getMessage());
            return 2;
        });
        return cli;
    }
}
