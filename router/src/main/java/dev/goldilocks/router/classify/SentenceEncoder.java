package dev.goldilocks.router.classify;

import java.util.List;

/** Turns texts into fixed-size sentence embeddings. */
public interface SentenceEncoder {

    int dimensions();

    float[][] embed(List<String> texts);
}
