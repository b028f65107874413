package dev.goldilocks.gateway.cli;

import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.worker.WorkerServer;
import dev.goldilocks.worker.config.WorkerConfigReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "worker", mixinStandardHelpOptions = true, description = "Runs a model worker, from a YAML config.")
final class WorkerCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "The worker's YAML file.")
    Path config;

    @Override
    public Integer call() throws Exception {
        WorkerServer server = WorkerServer.start(WorkerConfigReader.read(ConfigNode.load(config),
                config.toAbsolutePath().getParent()));
        DrainOnSignal drain = DrainOnSignal.install(server::close);
        System.out.println("worker listening on port " + server.port());
        drain.await();
        return 0;
    }
}
