package dev.goldilocks.worker.config;

/**
 * The CUDA execution provider's memory arena for a model on cuda:N.
 *
 * @param memLimitBytes       the arena's upper bound (0: ONNX Runtime's default, the whole device)
 * @param arenaExtendStrategy kNextPowerOfTwo (fewer, larger allocations) or kSameAsRequested (tighter memory)
 */
public record CudaSettings(long memLimitBytes, String arenaExtendStrategy) {

    public static final CudaSettings DEFAULT = new CudaSettings(0, "kNextPowerOfTwo");
}
