package dev.goldilocks.worker.model;

import dev.goldilocks.worker.config.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a model file named in config: a path, or classpath:/name for one shipped inside a Maven artifact. */
public final class ModelFiles {

    private ModelFiles() {
    }

    public static InputStream open(String source) throws IOException {
        if (source.startsWith(ModelConfig.CLASSPATH)) {
            String name = source.substring(ModelConfig.CLASSPATH.length());
            InputStream in = ModelFiles.class.getResourceAsStream(name.startsWith("/") ? name : "/" + name);
            if (in == null) {
                throw new IOException(source + " is not on the worker's classpath");
            }
            return in;
        }
        return Files.newInputStream(Path.of(source));
    }
}
