package dev.goldilocks.store;

import dev.goldilocks.store.jdbc.DuckDbStore;
import dev.goldilocks.store.jdbc.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The decision log contract on DuckDB: one file per test in a temporary directory. */
class DuckDbDecisionLogTest extends DecisionLogContractTest {

    @TempDir
    Path dir;
    private final AtomicInteger files = new AtomicInteger();
    private Path blocked;

    @Override
    String freshStore() {
        return "store: duckdb\npath: " + dir.resolve("log-" + files.incrementAndGet() + ".duckdb") + "\n";
    }

    @Override
    String unreachableStore() throws Exception {
        // a regular file where the data directory should be: the database cannot be created
        Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "");
        blocked = notADirectory.resolve("decision-log.duckdb");
        return "store: duckdb\npath: " + blocked + "\n";
    }

    @Override
    String unreachableLocation() {
        return blocked.toString();
    }

    @Override
    Store storeOf(DecisionLogSettings settings) {
        return new DuckDbStore(settings.path());
    }
}
