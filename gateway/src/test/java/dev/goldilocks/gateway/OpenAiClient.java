package dev.goldilocks.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The JDK's own HTTP client against the OpenAI-compatible surface: what a hand-rolled client sends and sees. */
final class OpenAiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final String key;

    /** @param key sent as {@code Authorization: Bearer <key>}; null sends none */
    OpenAiClient(String baseUrl, String key) {
        this.baseUrl = baseUrl;
        this.key = key;
    }

    /** A reply: status, headers and body; its JSON and its server-sent events on demand. */
    record Reply(int status, java.net.http.HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonNode error() {
            return json().get("error");
        }

        /** The {@code data:} payloads of an event stream in order; the last of a complete one is "[DONE]". */
        List<String> events() {
            List<String> data = new ArrayList<>();
            for (String event : body.split("\n\n")) {
                if (event.startsWith("data: ")) {
                    data.add(event.substring("data: ".length()));
                }
            }
            return data;
        }
    }

    Reply post(String path, String json) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Reply post(String path, byte[] body, boolean expectContinue) {
        return send(request(path).expectContinue(expectContinue).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    Reply get(String path) {
        return send(request(path).GET().build());
    }

    java.util.concurrent.CompletableFuture<Reply> getAsync(String path) {
        return http.sendAsync(request(path).GET().build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Reply(r.statusCode(), r.headers(), r.body()));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json");
        return key == null ? builder : builder.header("authorization", "Bearer " + key);
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
