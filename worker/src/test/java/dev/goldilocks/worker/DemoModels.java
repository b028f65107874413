package dev.goldilocks.worker;

import dev.goldilocks.worker.config.ModelConfig;
import dev.goldilocks.worker.config.CudaSettings;
import dev.goldilocks.worker.config.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;

/** The committed demo models, found through the goldilocks.models property that the build sets. */
public final class DemoModels {

    public static final String GENERIC = "generic";
    public static final String[] ALL = {"generic", "code-specialist", "legal-specialist", "math-specialist"};

    private DemoModels() {
    }

    public static Path dir() {
        Path dir = Path.of(System.getProperty("goldilocks.models", "../models")).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve(GENERIC))) {
            throw new IllegalStateException("demo models not found in " + dir + " (set -Dgoldilocks.models)");
        }
        return dir;
    }

    public static final String ENCODER = "minilm";

    /** all-MiniLM-L6-v2 from the langchain4j artifact's resources, as an encoder model. */
    public static ModelConfig encoder() {
        return new ModelConfig(ENCODER, ModelConfig.ENCODER, Path.of("."), "cpu", 1, 2, 8, 256, 8, 2000,
                "classpath:/all-minilm-l6-v2-q.onnx", "classpath:/all-minilm-l6-v2-q-tokenizer.json",
                ModelInfo.UNSPECIFIED, CudaSettings.DEFAULT);
    }

    public static ModelConfig config(String name) {
        return new ModelConfig(name, ModelConfig.CAUSAL_LM, dir().resolve(name), "cpu", 1, 2, 8, 256);
    }
}
