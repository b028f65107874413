package dev.goldilocks.worker.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.goldilocks.worker.config.ModelConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session options for one model: threads from config, no spinning (cores are shared with the gRPC
 * threads and other models), and the CUDA execution provider for cuda:N devices (with the arena
 * settings from config) when this ONNX Runtime build has it, with one loud warning and CPU otherwise.
 */
public final class SessionFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);

    private SessionFactory() {
    }

    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /** Options for {@code model}; the caller keeps them open for as long as the session lives. */
    public static OrtSession.SessionOptions options(ModelConfig model) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(model.threads());
        options.setInterOpNumThreads(1);
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        if (model.device().startsWith("cuda:")) {
            int device = Integer.parseInt(model.device().substring("cuda:".length()));
            if (OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(device);
                cuda.add("arena_extend_strategy", model.cuda().arenaExtendStrategy());
                if (model.cuda().memLimitBytes() > 0) {
                    cuda.add("gpu_mem_limit", Long.toString(model.cuda().memLimitBytes()));
                }
                options.addCUDA(cuda);
            } else {
                LOG.warn("model {} is configured for {} but this ONNX Runtime build has no CUDA execution provider"
                        + " (build with -Pcuda and install CUDA 12 and cuDNN 9); running it on CPU", model.name(),
                        model.device());
            }
        }
        return options;
    }

    /** The device a session really runs on, for status and metrics. */
    public static String effectiveDevice(ModelConfig model) {
        return model.device().startsWith("cuda:") && OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)
                ? model.device() : "cpu";
    }
}
