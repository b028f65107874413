package dev.goldilocks.gateway.service;

import dev.goldilocks.common.grpc.BadRequests;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.Limits;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.ScoreRequest;
import dev.goldilocks.router.Router;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Checks what the gateway owns before any routing or worker call: sizes against the configured limits,
 * names of models, domains and policies. Sampling parameters are checked by the worker, which owns the
 * sampler; both answer INVALID_ARGUMENT with a message that starts with the field's name.
 */
final class RequestValidator {

    private final Limits limits;
    private final List<String> models;
    private final List<String> domains;
    private final Router router;
    private final boolean allowRequestPolicy;

    RequestValidator(GatewayConfig config, Router router) {
        this.limits = config.limits();
        this.models = config.models().stream().map(ModelRoute::name).toList();
        this.domains = config.domains();
        this.router = router;
        this.allowRequestPolicy = config.routing().allowRequestPolicy();
    }

    void check(GenerateRequest r) {
        text("prompt", r.getPrompt());
        if (r.getParams().hasMaxNewTokens()) {
            int n = r.getParams().getMaxNewTokens();
            if (n < 1 || n > limits.maxNewTokens()) {
                throw invalid("params.max_new_tokens", "must be between 1 and " + limits.maxNewTokens() + ", got " + n);
            }
        }
        routing(r.getModel(), r.getDomainHint(), r.getPolicy(), r.getUnitId());
        int metadataBytes = 0;
        for (Map.Entry<String, String> e : r.getMetadataMap().entrySet()) {
            metadataBytes += utf8(e.getKey()) + utf8(e.getValue());
        }
        if (metadataBytes > limits.maxMetadataBytes()) {
            throw invalid("metadata", metadataBytes + " bytes, more than the limit of " + limits.maxMetadataBytes());
        }
    }

    void check(ScoreRequest r) {
        text("prompt", r.getPrompt());
        text("continuation", r.getContinuation());
        routing(r.getModel(), r.getDomainHint(), "", r.getUnitId());
    }

    private void text(String field, String value) {
        if (value.isEmpty()) {
            throw invalid(field, "must not be empty");
        }
        int bytes = utf8(value);
        if (bytes > limits.maxPromptBytes()) {
            throw invalid(field, bytes + " bytes, more than the limit of " + limits.maxPromptBytes());
        }
    }

    private void routing(String model, String domainHint, String policy, String unitId) {
        if (!model.isEmpty() && !models.contains(model)) {
            throw Status.NOT_FOUND.withDescription("model: no model named '" + model + "' (known: " + models + ")")
                    .asRuntimeException();
        }
        if (!domainHint.isEmpty() && !domains.contains(domainHint)) {
            throw invalid("domain_hint", "unknown domain '" + domainHint + "' (known: " + domains + ")");
        }
        if (!policy.isEmpty() && !router.knowsPolicy(policy)) {
            throw invalid("policy", "unknown routing policy '" + policy + "' (known: " + router.policyNames() + ")");
        }
        if (!policy.isEmpty() && !allowRequestPolicy) {
            throw Status.PERMISSION_DENIED.withDescription("policy: this gateway does not let requests choose a"
                    + " routing policy").asRuntimeException();
        }
        if (utf8(unitId) > limits.maxUnitIdBytes()) {
            throw invalid("unit_id", "more than " + limits.maxUnitIdBytes() + " bytes");
        }
    }

    static StatusRuntimeException invalid(String field, String problem) {
        return BadRequests.invalid(field, problem);
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
