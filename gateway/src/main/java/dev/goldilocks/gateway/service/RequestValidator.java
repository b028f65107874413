package dev.goldilocks.gateway.service;

import static dev.goldilocks.common.grpc.FieldLimits.MAX_NAME_BYTES;

import dev.goldilocks.common.grpc.ErrorReason;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.common.grpc.FieldLimits;
import dev.goldilocks.gateway.config.GatewayConfig;
import dev.goldilocks.gateway.config.Limits;
import dev.goldilocks.gateway.config.ModelRoute;
import dev.goldilocks.proto.v1.FeedbackRequest;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.ScoreRequest;
import dev.goldilocks.router.Router;
import java.util.List;
import java.util.Map;

/**
 * Checks what the gateway owns before any routing or worker call: the size of every string field against
 * its limit, names of models, domains and policies. Sampling parameters are checked by the worker, which
 * owns the sampler; both answer INVALID_ARGUMENT with a message that starts with the field's name, and a
 * client's value appears in a message only through {@link Failures#echo}.
 */
final class RequestValidator {

    /** Feedback labels, UTF-8 bytes. */
    static final int MAX_LABEL_BYTES = 64;
    /** A request id is about 150 bytes; anything much longer is not one. */
    static final int MAX_REQUEST_ID_BYTES = 1024;

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
        FieldLimits.required("prompt", r.getPrompt(), limits.maxPromptBytes());
        if (r.getParams().hasMaxNewTokens()) {
            int n = r.getParams().getMaxNewTokens();
            if (n < 1 || n > limits.maxNewTokens()) {
                throw Failures.invalidField("params.max_new_tokens", "must be between 1 and " + limits.maxNewTokens()
                        + ", got " + n);
            }
        }
        FieldLimits.stops(r.getParams().getStopList());
        routing(r.getModel(), r.getDomainHint(), r.getPolicy(), r.getUnitId());
        int metadataBytes = 0;
        for (Map.Entry<String, String> e : r.getMetadataMap().entrySet()) {
            metadataBytes += FieldLimits.utf8(e.getKey()) + FieldLimits.utf8(e.getValue());
        }
        if (metadataBytes > limits.maxMetadataBytes()) {
            throw Failures.invalidField("metadata", metadataBytes + " bytes, more than the limit of "
                    + limits.maxMetadataBytes());
        }
    }

    void check(ScoreRequest r) {
        FieldLimits.required("prompt", r.getPrompt(), limits.maxPromptBytes());
        FieldLimits.required("continuation", r.getContinuation(), limits.maxPromptBytes());
        routing(r.getModel(), r.getDomainHint(), "", r.getUnitId());
    }

    void check(FeedbackRequest r) {
        FieldLimits.required("request_id", r.getRequestId(), MAX_REQUEST_ID_BYTES);
        if (!(r.getScore() >= 0 && r.getScore() <= 1)) {
            throw Failures.invalidField("score", "must be in [0, 1], got " + r.getScore());
        }
        FieldLimits.maxBytes("label", r.getLabel(), MAX_LABEL_BYTES);
    }

    private void routing(String model, String domainHint, String policy, String unitId) {
        FieldLimits.maxBytes("model", model, MAX_NAME_BYTES);
        FieldLimits.maxBytes("domain_hint", domainHint, MAX_NAME_BYTES);
        FieldLimits.maxBytes("policy", policy, MAX_NAME_BYTES);
        FieldLimits.maxBytes("unit_id", unitId, limits.maxUnitIdBytes());
        if (!model.isEmpty() && !models.contains(model)) {
            throw Failures.of(ErrorReason.MODEL_NOT_FOUND, "model: no model named '" + Failures.echo(model)
                    + "' (known: " + models + ")").build();
        }
        if (!domainHint.isEmpty() && !domains.contains(domainHint)) {
            throw Failures.invalidField("domain_hint", "unknown domain '" + Failures.echo(domainHint) + "' (known: "
                    + domains + ")");
        }
        if (!policy.isEmpty() && !router.knowsPolicy(policy)) {
            throw Failures.invalidField("policy", "unknown routing policy '" + Failures.echo(policy) + "' (known: "
                    + router.policyNames() + ")");
        }
        if (!policy.isEmpty() && !allowRequestPolicy) {
            throw Failures.of(ErrorReason.POLICY_NOT_ALLOWED, "policy: this gateway does not let requests choose a"
                    + " routing policy").build();
        }
    }
}
