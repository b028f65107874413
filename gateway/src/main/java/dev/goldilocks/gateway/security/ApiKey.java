package dev.goldilocks.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A client's API key as the gateway stores it: a name (for rate limits and logs), the key's SHA-256
 * (the key itself is never stored or logged) and its rate limit.
 *
 * @param name          who holds the key
 * @param sha256        hex SHA-256 of the key
 * @param ratePerSecond requests per second allowed for this key
 */
public record ApiKey(String name, String sha256, double ratePerSecond) {

    /** The key whose hash matches {@code presented}, compared in constant time; empty when none does. */
    public static Optional<ApiKey> find(List<ApiKey> keys, String presented) {
        byte[] digest = HexFormat.of().parseHex(hash(presented));
        ApiKey match = null;
        for (ApiKey k : keys) {
            if (MessageDigest.isEqual(digest, HexFormat.of().parseHex(k.sha256()))) {
                match = k;
            }
        }
        return Optional.ofNullable(match);
    }

    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
