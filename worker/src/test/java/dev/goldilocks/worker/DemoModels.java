package dev.goldilocks.worker;

import dev.goldilocks.worker.config.ModelConfig;
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

    public static ModelConfig config(String name) {
        return new ModelConfig(name, ModelConfig.CAUSAL_LM, dir().resolve(name), "cpu", 1, 2, 8, 256);
    }
}
