package dev.goldilocks.router.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The trained classifier's versioned file: domains, the lexical tier (n-gram hashing, weights,
 * temperature, threshold), the embedding head (weights, temperature) and when a prompt fits no domain
 * well (abstention), weights as base64 float32. The encoder itself is not in the file: it is the MiniLM
 * artifact named in it. Version 2 added the abstention; a version 1 file reads with {@link #V1_ABSTENTION}.
 */
public final class ClassifierFile {

    public static final String FORMAT = "goldilocks-domain-classifier";
    public static final int VERSION = 2;
    /** Version 1 files flagged nothing: no prompt is uncertain. */
    public static final TieredClassifier.Abstention V1_ABSTENTION = new TieredClassifier.Abstention(0, 0);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ClassifierFile() {
    }

    /** What the file holds besides the encoder. */
    public record Contents(List<String> domains, HashedNgrams ngrams, LinearSoftmax lexical, double lexicalThreshold,
                           LinearSoftmax head, TieredClassifier.Abstention abstention, JsonNode measurements) {
    }

    public static void write(Path file, Contents c, String encoderName, int encoderMaxTokens) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.set("domains", JSON.valueToTree(c.domains()));
        ObjectNode encoder = root.putObject("encoder");
        encoder.put("name", encoderName);
        encoder.put("artifact", MiniLmEncoder.ARTIFACT);
        encoder.put("max_tokens", encoderMaxTokens);
        ObjectNode lexical = root.putObject("lexical");
        lexical.put("buckets", c.ngrams().buckets());
        lexical.put("min_n", c.ngrams().minN());
        lexical.put("max_n", c.ngrams().maxN());
        lexical.put("max_word_n", c.ngrams().maxWordN());
        lexical.put("threshold", c.lexicalThreshold());
        linear(lexical, c.lexical());
        linear(root.putObject("embedding_head"), c.head());
        ObjectNode abstain = root.putObject("abstention");
        abstain.put("min_confidence", c.abstention().minConfidence());
        abstain.put("min_margin", c.abstention().minMargin());
        root.set("measurements", c.measurements());
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    public static Contents read(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        int version = root.path("version").asInt();
        if (!FORMAT.equals(root.path("format").asText()) || version < 1 || version > VERSION) {
            throw new IOException(file + ": not a " + FORMAT + " file of version 1 to " + VERSION);
        }
        List<String> domains = new ArrayList<>();
        root.get("domains").forEach(d -> domains.add(d.asText()));
        JsonNode lexical = root.get("lexical");
        HashedNgrams ngrams = new HashedNgrams(lexical.get("buckets").asInt(), lexical.get("min_n").asInt(),
                lexical.get("max_n").asInt(), lexical.path("max_word_n").asInt(0));
        JsonNode abstain = root.path("abstention");
        TieredClassifier.Abstention abstention = abstain.isMissingNode() ? V1_ABSTENTION
                : new TieredClassifier.Abstention(abstain.get("min_confidence").asDouble(), abstain.get("min_margin").asDouble());
        return new Contents(domains, ngrams, linear(lexical), lexical.get("threshold").asDouble(),
                linear(root.get("embedding_head")), abstention, root.get("measurements"));
    }

    public static int encoderMaxTokens(Path file) throws IOException {
        return JSON.readTree(file.toFile()).get("encoder").get("max_tokens").asInt();
    }

    private static void linear(ObjectNode node, LinearSoftmax model) {
        node.put("temperature", model.temperature());
        node.put("dimensions", model.weights()[0].length);
        ArrayNode weights = node.putArray("weights");
        for (double[] row : model.weights()) {
            ByteBuffer buffer = ByteBuffer.allocate(row.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : row) {
                buffer.putFloat((float) v);
            }
            weights.add(Base64.getEncoder().encodeToString(buffer.array()));
        }
        node.set("bias", JSON.valueToTree(model.bias()));
    }

    private static LinearSoftmax linear(JsonNode node) {
        int dims = node.get("dimensions").asInt();
        double[][] weights = new double[node.get("weights").size()][dims];
        for (int c = 0; c < weights.length; c++) {
            ByteBuffer buffer = ByteBuffer.wrap(Base64.getDecoder().decode(node.get("weights").get(c).asText()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (int d = 0; d < dims; d++) {
                weights[c][d] = buffer.getFloat();
            }
        }
        double[] bias = new double[weights.length];
        for (int c = 0; c < bias.length; c++) {
            bias[c] = node.get("bias").get(c).asDouble();
        }
        return new LinearSoftmax(weights, bias, node.get("temperature").asDouble());
    }
}
