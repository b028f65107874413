package dev.goldilocks.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Reads the decision log. */
@Command(name = "log", mixinStandardHelpOptions = true, description = "Reads the decision log.",
        subcommands = {LogTailCommand.class})
final class LogCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
