package dev.goldilocks.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A short stable hash of a policy's settings, logged beside the policy's name so that the same policy with
 * other settings (another threshold, another lambda) is told apart in the log.
 */
public final class SettingsHash {

    private SettingsHash() {
    }

    /** SHA-256 of the settings as sorted {@code key=value} lines, first 64 bits in hex. */
    public static String of(Map<String, ?> settings) {
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(settings).forEach((k, v) -> canonical.append(k).append('=').append(v).append('\n'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
