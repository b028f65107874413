package dev.goldilocks.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash under which an experiment unit (a user, a session) is logged: HMAC-SHA256, cut to 128
 * bits. Without the key, nobody reading the log can test a guessed id against it; with the same key, every
 * replica logs a unit under the same hash, so analysts can still group by unit.
 */
public final class UnitHasher {

    /** Length of a hash in hex digits. */
    public static final int HEX_LENGTH = 32;

    private final SecretKeySpec key;

    public UnitHasher(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("the unit hash key must have at least 16 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** The hash of {@code unitId}; "" for an empty id (no unit). */
    public String hash(String unitId) {
        if (unitId.isEmpty()) {
            return "";
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal(unitId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, HEX_LENGTH / 2);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
