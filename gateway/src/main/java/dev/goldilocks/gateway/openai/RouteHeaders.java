package dev.goldilocks.gateway.openai;

import dev.goldilocks.proto.v1.Route;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a request went, in response headers, for clients that cannot read the body's extra field (a
 * streamed response's route is known before its first chunk). {@code x-request-id} is the signed request
 * id to send Feedback for; the OpenAI SDKs show it as the response's request id.
 */
final class RouteHeaders {

    static final String REQUEST_ID = "x-request-id";
    static final String PREFIX = "x-goldilocks-";

    private RouteHeaders() {
    }

    static Map<String, String> of(String requestId, Route route) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(REQUEST_ID, requestId);
        headers.put(PREFIX + "request-id", requestId);
        headers.put(PREFIX + "route-domain", route.getDomain());
        headers.put(PREFIX + "route-confidence", Float.toString(route.getConfidence()));
        headers.put(PREFIX + "route-model", route.getModel());
        headers.put(PREFIX + "route-policy", route.getPolicy());
        if (!route.getArm().isEmpty()) {
            headers.put(PREFIX + "route-arm", route.getArm());
        }
        headers.put(PREFIX + "route-fallback", Boolean.toString(route.getFallback()));
        return headers;
    }
}
