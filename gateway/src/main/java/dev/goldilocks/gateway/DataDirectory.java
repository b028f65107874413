package dev.goldilocks.gateway;

import dev.goldilocks.store.DecisionLogSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The all-in-one's data directory: the decision log's DuckDB file, and the key request ids are signed with
 * (made once, readable by its owner only), so that history, request ids and unit hashes survive a restart.
 */
final class DataDirectory {

    static final String DECISION_LOG = "decision-log.duckdb";
    static final String SIGNING_KEY = "signing-key";

    private final Path dir;

    private DataDirectory(Path dir) {
        this.dir = dir;
    }

    /** The directory, created when missing. */
    static DataDirectory open(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("data directory " + dir.toAbsolutePath() + " is a file, not a directory", e);
        }
        return new DataDirectory(dir.toAbsolutePath());
    }

    DecisionLogSettings decisionLog() {
        return DecisionLogSettings.duckdb(dir.resolve(DECISION_LOG));
    }

    /** The signing key kept in the directory, made at the first start. */
    byte[] signingKey() throws IOException {
        Path file = dir.resolve(SIGNING_KEY);
        if (!Files.exists(file)) {
            Path fresh = Files.createTempFile(dir, SIGNING_KEY, ".tmp");
            try {
                Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // a file system without POSIX permissions: the directory's own protection applies
            }
            Files.writeString(fresh, HexFormat.of().formatHex(randomKey()));
            try {
                Files.move(fresh, file); // atomic enough for one process: a second start finds a whole key
            } catch (FileAlreadyExistsException raced) {
                Files.delete(fresh);
            }
        }
        return Files.readString(file).strip().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
