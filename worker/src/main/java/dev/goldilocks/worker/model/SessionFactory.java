package dev.goldilocks.worker.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.goldilocks.worker.config.ModelConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session options for one model: threads from config, no spinning (cores are shared with the gRPC
 * threads and other models), and the CUDA execution provider for cuda:N devices (with the arena
 * settings from config). Where CUDA is missing the model runs on the CPU after one clear warning:
 * either this ONNX Runtime build has no CUDA provider (built without -Pcuda), or it has one whose
 * libraries cannot load (no CUDA 12 or cuDNN 9 on the node: the GPU build lists CUDA as available
 * on any machine and fails only when the provider is added).
 */
public final class SessionFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);
    private static final String NEEDS = "build with -Pcuda and install the NVIDIA driver, CUDA 12.x and cuDNN 9.x";

    private SessionFactory() {
    }

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /** Options for {@code model} and the device they use; the caller keeps them open while the session lives. */
    public static Placement place(ModelConfig model) throws OrtException {
        environment(); // the provider's logger needs the environment to exist before a provider is added
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(model.threads());
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            OrtCUDAProviderOptions cuda = model.device().startsWith("cuda:") ? addCuda(options, model) : null;
            return new Placement(options, cuda != null ? model.device() : "cpu", cuda);
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /** Adds the CUDA provider and returns its options; null, after one warning, where this node cannot run it. */
    private static OrtCUDAProviderOptions addCuda(OrtSession.SessionOptions options, ModelConfig model)
            throws OrtException {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            LOG.warn("model {} is configured for {} but this ONNX Runtime build has no CUDA execution provider ({});"
                    + " running it on CPU", model.name(), model.device(), NEEDS);
            return null;
        }
        OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(
                Integer.parseInt(model.device().substring("cuda:".length())));
        try {
            cuda.add("arena_extend_strategy", model.cuda().arenaExtendStrategy());
            if (model.cuda().memLimitBytes() > 0) {
                cuda.add("gpu_mem_limit", Long.toString(model.cuda().memLimitBytes()));
            }
            options.addCUDA(cuda);
            return cuda;
        } catch (OrtException e) {
            cuda.close();
            LOG.warn("model {} is configured for {} but the CUDA execution provider could not start ({}; {});"
                    + " running it on CPU", model.name(), model.device(), e.getMessage().strip(), NEEDS);
            return null;
        }
    }
}
