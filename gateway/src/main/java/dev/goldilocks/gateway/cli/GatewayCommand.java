package dev.goldilocks.gateway.cli;

import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.gateway.GatewayServer;
import dev.goldilocks.gateway.config.GatewayConfigReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gateway", mixinStandardHelpOptions = true, description = "Runs the gateway alone, from a YAML config.")
final class GatewayCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, description = "The gateway's YAML file.")
    Path config;

    @Override
    public Integer call() throws Exception {
        GatewayServer server = GatewayServer.start(GatewayConfigReader.read(ConfigNode.load(config),
                config.toAbsolutePath().getParent()));
        DrainOnSignal drain = DrainOnSignal.install(server::close);
        System.out.println("gateway listening on port " + server.port());
        if (server.openAiUrl() != null) {
            System.out.println("OpenAI-compatible API: " + server.openAiUrl());
        }
        drain.await();
        return 0;
    }
}
