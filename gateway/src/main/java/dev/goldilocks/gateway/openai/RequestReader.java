package dev.goldilocks.gateway.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goldilocks.common.grpc.Failures;
import dev.goldilocks.proto.v1.GenerateRequest;
import dev.goldilocks.proto.v1.GenerationParams;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a POST /v1/chat/completions or /v1/completions body into a {@link GenerationRequest}. What it
 * checks is what only it can: JSON syntax and types, and OpenAI parameters this gateway does not serve
 * (a 400 naming the parameter, never a silent change of meaning). Values (sizes, ranges, model names) are
 * left to the gRPC API, which checks them for every client the same way.
 */
final class RequestReader {

    /** The model id that routes with the gateway's default policy. */
    static final String ROUTED = "goldilocks";
    /** {@code goldilocks::policy::<name>} routes with that policy. */
    static final String POLICY_PREFIX = "goldilocks::policy::";
    /** OpenAI's default temperature (the gRPC API's default is greedy decoding). */
    static final float OPENAI_DEFAULT_TEMPERATURE = 1f;
    private static final int MAX_PARSE_MESSAGE_CHARS = 200;
    private static final Set<String> FREE_CHOICES = Set.of("none", "auto");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private RequestReader() {
    }

    static GenerationRequest read(Kind kind, byte[] body) {
        JsonParams p = new JsonParams(parseObject(body));
        refuseUnsupported(kind, p);
        GenerateRequest.Builder request = GenerateRequest.newBuilder();
        route(p.string("model"), request);
        String domainHint = p.string("domain_hint"); // an extension: the domain, when the caller knows it
        if (domainHint != null) {
            request.setDomainHint(domainHint);
        }
        String user = p.string("user");
        if (user != null) {
            request.setUnitId(user);
        }
        request.putAllMetadata(p.stringMap("metadata"));
        ChatTemplate.Prompt prompt = kind == Kind.CHAT ? ChatTemplate.of(p.node("messages")) : completionPrompt(p);
        request.setPrompt(prompt.text());
        String maxTokensParam = kind == Kind.CHAT && p.node("max_completion_tokens") != null
                ? "max_completion_tokens" : "max_tokens";
        boolean logprobs = logprobs(kind, p);
        request.setParams(params(p, maxTokensParam, prompt.stops(), logprobs));
        JsonParams options = p.object("stream_options");
        Boolean includeUsage = options == null ? null : options.bool("include_usage");
        return new GenerationRequest(kind, request.build(), Boolean.TRUE.equals(p.bool("stream")),
                Boolean.TRUE.equals(includeUsage), logprobs, maxTokensParam);
    }

    private static ObjectNode parseObject(byte[] body) {
        if (body.length == 0) {
            throw OpenAiError.malformedJson("the body is empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            String problem = e.getOriginalMessage();
            if (problem.length() > MAX_PARSE_MESSAGE_CHARS) {
                problem = problem.substring(0, MAX_PARSE_MESSAGE_CHARS) + "...";
            }
            throw OpenAiError.malformedJson(problem + (e.getLocation() == null ? "" : " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw OpenAiError.malformedJson(e.getMessage());
        }
        if (!(root instanceof ObjectNode object)) {
            throw OpenAiError.malformedJson("the body must be a JSON object, got "
                    + (root == null ? "nothing" : JsonParams.typeOf(root)));
        }
        return object;
    }

    /** {@code goldilocks}: the default policy; {@code goldilocks::policy::<name>}: that policy; else a model. */
    private static void route(String model, GenerateRequest.Builder request) {
        if (model == null || model.equals(ROUTED)) {
            return;
        }
        if (model.startsWith(POLICY_PREFIX)) {
            String policy = model.substring(POLICY_PREFIX.length());
            if (policy.isEmpty()) {
                throw OpenAiError.invalidValue("model", "'" + POLICY_PREFIX + "' needs a policy name after it");
            }
            request.setPolicy(policy);
            return;
        }
        request.setModel(model);
    }

    private static ChatTemplate.Prompt completionPrompt(JsonParams p) {
        JsonNode prompt = p.node("prompt");
        if (prompt == null) {
            throw OpenAiError.invalidValue("prompt", "is required");
        }
        if (prompt.isTextual()) {
            return new ChatTemplate.Prompt(prompt.textValue(), List.of());
        }
        if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
            return new ChatTemplate.Prompt(prompt.get(0).textValue(), List.of());
        }
        if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isTextual()) {
            throw OpenAiError.unsupported("prompt", "several prompts in one request; send one per request");
        }
        if (prompt.isArray() && !prompt.isEmpty() && (prompt.get(0).isNumber() || prompt.get(0).isArray())) {
            throw OpenAiError.unsupported("prompt", "token ids; send the prompt as text");
        }
        throw OpenAiError.invalidType("prompt", "a string", JsonParams.typeOf(prompt));
    }

    private static GenerationParams params(JsonParams p, String maxTokensParam, List<String> templateStops,
                                           boolean logprobs) {
        GenerationParams.Builder params = GenerationParams.newBuilder().setLogprobs(logprobs);
        Long maxTokens = p.integer(maxTokensParam, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (maxTokens != null) {
            params.setMaxNewTokens(maxTokens.intValue());
        }
        Double temperature = p.number("temperature");
        params.setTemperature(temperature == null ? OPENAI_DEFAULT_TEMPERATURE : temperature.floatValue());
        Double topP = p.number("top_p");
        if (topP != null) {
            params.setTopP(topP.floatValue());
        }
        Long topK = p.integer("top_k", Integer.MIN_VALUE, Integer.MAX_VALUE); // an extension, as vLLM has it
        if (topK != null) {
            params.setTopK(topK.intValue());
        }
        Long seed = p.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        if (seed != null) {
            params.setSeed(seed);
        }
        List<String> stops = new ArrayList<>(p.stringOrList("stop"));
        stops.addAll(templateStops);
        return params.addAllStop(stops).build();
    }

    /**
     * Chat: {@code logprobs: true}. Completions: {@code logprobs: 0}. Either gives the sampled tokens'
     * log-probabilities; alternatives to them (top_logprobs, completions' logprobs above 0) are not served.
     */
    private static boolean logprobs(Kind kind, JsonParams p) {
        if (kind == Kind.CHAT) {
            Long top = p.integer("top_logprobs", 0, 20);
            if (top != null && top > 0) {
                throw OpenAiError.unsupported("top_logprobs", "alternatives to the sampled tokens; logprobs: true"
                        + " returns the sampled tokens' log-probabilities");
            }
            return Boolean.TRUE.equals(p.bool("logprobs"));
        }
        Long logprobs = p.integer("logprobs", 0, 5);
        if (logprobs != null && logprobs > 0) {
            throw OpenAiError.unsupported("logprobs", "alternatives to the sampled tokens; logprobs: 0 returns the"
                    + " sampled tokens' log-probabilities");
        }
        return logprobs != null;
    }

    /** OpenAI parameters whose meaning this gateway cannot honour: refused, so nothing changes silently. */
    private static void refuseUnsupported(Kind kind, JsonParams p) {
        Long n = p.integer("n", Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (n != null && n != 1) {
            throw OpenAiError.unsupported("n", "one choice per request (n = 1), got " + n);
        }
        nonEmpty(p, "tools", "tool calling (the models here complete text)");
        nonEmpty(p, "functions", "function calling (the models here complete text)");
        freeChoice(p, "tool_choice");
        freeChoice(p, "function_call");
        nonEmpty(p, "logit_bias", "logit biases");
        JsonParams format = p.object("response_format");
        if (format != null && !"text".equals(format.string("type"))) {
            throw OpenAiError.unsupported("response_format", "only {\"type\": \"text\"} (no JSON mode or schemas)");
        }
        for (String penalty : List.of("presence_penalty", "frequency_penalty")) {
            Double value = p.number(penalty);
            if (value != null && value != 0) {
                throw OpenAiError.unsupported(penalty, "penalties; send 0 or leave it out");
            }
        }
        if (p.node("audio") != null) {
            throw OpenAiError.unsupported("audio", "audio output");
        }
        if (kind == Kind.COMPLETION) {
            Long bestOf = p.integer("best_of", Integer.MIN_VALUE, Integer.MAX_VALUE);
            if (bestOf != null && bestOf != 1) {
                throw OpenAiError.unsupported("best_of", "one candidate per request (best_of = 1), got " + bestOf);
            }
            if (Boolean.TRUE.equals(p.bool("echo"))) {
                throw OpenAiError.unsupported("echo", "echoing the prompt");
            }
            String suffix = p.string("suffix");
            if (suffix != null && !suffix.isEmpty()) {
                throw OpenAiError.unsupported("suffix", "insertion (suffix)");
            }
        }
    }

    private static void nonEmpty(JsonParams p, String name, String what) {
        JsonNode value = p.node(name);
        if (value != null && !(value.isContainerNode() && value.isEmpty())) {
            throw OpenAiError.unsupported(name, what);
        }
    }

    private static void freeChoice(JsonParams p, String name) {
        JsonNode value = p.node(name);
        if (value != null && !(value.isTextual() && FREE_CHOICES.contains(value.textValue()))) {
            throw OpenAiError.unsupported(name, "only \"none\" or \"auto\" (this gateway serves no tools), got "
                    + (value.isTextual() ? "'" + Failures.echo(value.textValue()) + "'" : JsonParams.typeOf(value)));
        }
    }
}
