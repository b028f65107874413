package dev.goldilocks.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.GatewayConfigReader;
import dev.goldilocks.gateway.config.Limits;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.gateway.config.Price;
import dev.goldilocks.worker.WorkerServer;
import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.WorkerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The embedded default: in one process, a worker with the generic model, a worker with the specialists,
 * and the gateway in front, all on real sockets. Models and prices come from models/manifest.json.
 */
public final class AllInOne implements AutoCloseable {

    /** Dollars per FLOP: prices follow each model's FLOPs per token, so cost ratios are honest. */
    static final double USD_PER_FLOP = 1e-12;

    private final WorkerServer genericWorker;
    private final WorkerServer specialistWorker;
    private final GatewayServer gateway;

    private AllInOne(WorkerServer genericWorker, WorkerServer specialistWorker, GatewayServer gateway) {
        this.genericWorker = genericWorker;
        this.specialistWorker = specialistWorker;
        this.gateway = gateway;
    }

    public static AllInOne start(Path modelsDir, String host, int gatewayPort) throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(modelsDir.resolve("manifest.json").toFile());
        List<ModelConfig> generic = new ArrayList<>();
        List<ModelConfig> specialists = new ArrayList<>();
        for (Map.Entry<String, JsonNode> m : manifest.get("models").properties()) {
            boolean isGeneric = m.getValue().get("role").asText().equals("generic");
            // the large model gets both cores' worth of threads; the small ones one each
            ModelConfig config = new ModelConfig(m.getKey(), ModelConfig.CAUSAL_LM, modelsDir.resolve(m.getKey()),
                    "cpu", isGeneric ? 2 : 1, 2, 64, 256);
            (isGeneric ? generic : specialists).add(config);
        }
        WorkerServer genericWorker = WorkerServer.start(new WorkerConfig(host, 0, 4 << 20, 64, generic));
        WorkerServer specialistWorker;
        try {
            specialistWorker = WorkerServer.start(new WorkerConfig(host, 0, 4 << 20, 64, specialists));
        } catch (IOException e) {
            genericWorker.close();
            throw e;
        }
        List<ModelRoute> routes = new ArrayList<>();
        for (Map.Entry<String, JsonNode> m : manifest.get("models").properties()) {
            JsonNode model = m.getValue();
            boolean isGeneric = model.get("role").asText().equals("generic");
            double per1k = model.get("flops_per_token").asDouble() * 1000 * USD_PER_FLOP;
            int port = isGeneric ? genericWorker.port() : specialistWorker.port();
            routes.add(new ModelRoute(m.getKey(), model.get("role").asText(),
                    isGeneric ? "" : model.get("domain").asText(), List.of(host + ":" + port), new Price(per1k, per1k)));
        }
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        GatewayConfig config = new GatewayConfig(host, gatewayPort, 4 << 20, key, 60,
                new Limits(32 * 1024, 256, 4096, 256), GatewayConfigReader.DEFAULT_DOMAINS, "specialist-by-domain",
                routes);
        try {
            return new AllInOne(genericWorker, specialistWorker, GatewayServer.start(config));
        } catch (IOException e) {
            genericWorker.close();
            specialistWorker.close();
            throw e;
        }
    }

    public int gatewayPort() {
        return gateway.port();
    }

    public int genericWorkerPort() {
        return genericWorker.port();
    }

    public int specialistWorkerPort() {
        return specialistWorker.port();
    }

    public void awaitTermination() throws InterruptedException {
        gateway.awaitTermination();
    }

    /** Gateway first (it drains its calls to the workers), then the workers. */
    @Override
    public void close() {
        gateway.close();
        specialistWorker.close();
        genericWorker.close();
    }
}
