package dev.goldilocks.gateway.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.ListModelsResponse;
import dev.goldilocks.proto.v1.ModelInfo;
import java.util.List;

/**
 * GET /v1/models: the ids a client may send as {@code model}: {@code goldilocks} (routed by the default
 * policy), {@code goldilocks::policy::<name>} for each policy a request may ask for, and every model by
 * name (pinned, no routing). The models come from the gRPC API's ListModels, so the same key is needed.
 */
final class ModelList {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String OWNER = "goldilocks";

    private final String defaultPolicy;
    private final List<String> policies;
    private final long created;

    /** @param policies the policies requests may choose (none when the gateway does not let them) */
    ModelList(String defaultPolicy, List<String> policies, long createdEpochSeconds) {
        this.defaultPolicy = defaultPolicy;
        this.policies = List.copyOf(policies);
        this.created = createdEpochSeconds;
    }

    ObjectNode all(ListModelsResponse models) {
        ObjectNode list = JSON.objectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        data.add(entry(RequestReader.ROUTED).set("goldilocks", JSON.objectNode().put("policy", defaultPolicy)));
        for (String policy : policies) {
            data.add(entry(RequestReader.POLICY_PREFIX + policy).set("goldilocks", JSON.objectNode().put("policy", policy)));
        }
        for (ModelInfo m : models.getModelsList()) {
            data.add(entry(m.getName()).set("goldilocks", JSON.objectNode()
                    .put("role", m.getRole())
                    .put("domain", m.getDomain())
                    .put("context_tokens", m.getContextTokens())
                    .put("ready", m.getReady())
                    .put("prompt_price_per_1k", m.getPromptPricePer1K())
                    .put("completion_price_per_1k", m.getCompletionPricePer1K())));
        }
        return list;
    }

    /** GET /v1/models/{id}: one entry of the list, or 404 model_not_found. */
    ObjectNode one(ListModelsResponse models, String id) {
        for (var entry : all(models).withArray("data")) {
            if (entry.get("id").asText().equals(id)) {
                return (ObjectNode) entry;
            }
        }
        throw new OpenAiError(404, OpenAiError.INVALID_REQUEST, "model_not_found", "model",
                "model: no model with id '" + Failures.echo(id) + "' (GET /v1/models lists them)", null);
    }

    private ObjectNode entry(String id) {
        return JSON.objectNode().put("id", id).put("object", "model").put("created", created).put("owned_by", OWNER);
    }
}
