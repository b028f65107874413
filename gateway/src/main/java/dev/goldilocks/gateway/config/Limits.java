package dev.goldilocks.gateway.config;

/**
 * Input limits checked before a request reaches a worker.
 *
 * @param maxPromptBytes    UTF-8 bytes of a prompt (or of a Score continuation)
 * @param maxNewTokens      upper bound of max_new_tokens
 * @param maxMetadataBytes  total bytes of metadata keys and values
 * @param maxUnitIdBytes    bytes of unit_id
 * @param maxInFlight       calls of the public service in flight at once; past it RESOURCE_EXHAUSTED at once
 */
public record Limits(int maxPromptBytes, int maxNewTokens, int maxMetadataBytes, int maxUnitIdBytes, int maxInFlight) {
}
