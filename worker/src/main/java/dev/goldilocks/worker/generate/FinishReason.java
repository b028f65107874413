package dev.goldilocks.worker.generate;

/** Why a generation ended. */
public enum FinishReason {
    END_OF_TEXT,
    LENGTH,
    STOP_SEQUENCE,
    CONTEXT_FULL
}
