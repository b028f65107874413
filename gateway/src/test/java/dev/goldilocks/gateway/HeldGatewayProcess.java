package dev.goldilocks.gateway;

import dev.goldilocks.common.config.ConfigNode;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.GatewayConfigReader;
import java.nio.file.Path;

/**
 * A gateway in a process of its own, with its OpenAI-compatible HTTP surface on: the stand-in for a vLLM
 * server that a test kills (SIGKILL) mid-generation. Its generic model is a real worker's (the port in the
 * first argument) behind a {@link HoldingWorker}, so every generation passes on its first chunk and then
 * waits: the kill certainly comes mid-stream. It prints {@code openai-url: <url>} once serving, and
 * {@code held: <n>} once n generations (the second argument) are held.
 */
public final class HeldGatewayProcess {

    private HeldGatewayProcess() {
    }

    public static void main(String[] args) throws Exception {
        int generations = Integer.parseInt(args[1]);
        HoldingWorker held = new HoldingWorker(Integer.parseInt(args[0]), generations);
        GatewayConfig config = GatewayConfigReader.read(ConfigNode.parse("""
                host: 127.0.0.1
                port: 0
                metrics_port: -1
                signing_key: held-gateway-0123456789
                openai_http: {enabled: true, port: 0}
                models:
                  generic: {role: generic, endpoints: ["127.0.0.1:%d"]}
                """.formatted(held.port()), "held-gateway.yaml"), Path.of("."));
        GatewayServer server = GatewayServer.start(config);
        System.out.println("openai-url: " + server.openAiUrl());
        System.out.flush();
        held.firstChunk().await();
        System.out.println("held: " + generations);
        System.out.flush();
        server.awaitTermination();
    }
}
