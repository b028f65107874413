package dev.goldilocks.gateway.service;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed request ids: {@code <payload>.<hmac>}, where the payload carries what Feedback needs to
 * attribute a score (model, domain, policy, arm, issue time) and the HMAC-SHA256 makes it unforgeable.
 * Any gateway replica with the same key can verify an id; none needs to remember it.
 */
public final class RequestIds {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final String VERSION = "1";
    private static final char SEP = '\n';

    private final SecureRandom random = new SecureRandom();
    /**
     * A Mac per thread, initialized once: Mac.getInstance looks the algorithm up among the security providers
     * and init derives the key's pads, on every id otherwise (JFR: among the gateway's largest allocation
     * sites). A Mac is not thread-safe; doFinal resets it for the next use.
     */
    private final ThreadLocal<Mac> macs;

    public RequestIds(byte[] signingKey) {
        SecretKeySpec key = new SecretKeySpec(signingKey, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        });
        macs.get(); // a bad key fails here, not on the first request
    }

    /** What a request id attributes. */
    public record Attribution(String nonce, String model, String domain, String policy, String arm,
                              long issuedAtMillis) {
    }

    /** A random URL-safe token of 192 bits (for keys the gateway makes for itself). */
    public static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    public String issue(String model, String domain, String policy, String arm) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        String payload = String.join(String.valueOf(SEP), VERSION, ENCODER.encodeToString(nonce), model, domain,
                policy, arm, Long.toString(System.currentTimeMillis()));
        String encoded = ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return encoded + "." + ENCODER.encodeToString(mac(encoded));
    }

    /** The attribution of a genuine id; empty for a malformed or forged one. */
    public Optional<Attribution> verify(String requestId) {
        int dot = requestId.indexOf('.');
        if (dot <= 0 || dot != requestId.lastIndexOf('.')) {
            return Optional.empty();
        }
        String encoded = requestId.substring(0, dot);
        try {
            byte[] signature = DECODER.decode(requestId.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, mac(encoded))) {
                return Optional.empty();
            }
            String[] f = new String(DECODER.decode(encoded), StandardCharsets.UTF_8).split(String.valueOf(SEP), -1);
            if (f.length != 7 || !f[0].equals(VERSION)) {
                return Optional.empty();
            }
            return Optional.of(new Attribution(f[1], f[2], f[3], f[4], f[5], Long.parseLong(f[6])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String encodedPayload) {
        return macs.get().doFinal(encodedPayload.getBytes(StandardCharsets.US_ASCII));
    }
}
