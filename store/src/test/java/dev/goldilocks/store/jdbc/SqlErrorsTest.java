package dev.goldilocks.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** Messages about the store that go to logs and health details carry neither passwords nor rows. */
class SqlErrorsTest {

    @Test
    void passwordsInAUrlAreRedacted() {
        assertThat(JdbcUrls.redact("jdbc:postgresql://db:5432/x?user=gw&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/x?user=gw&password=***&ssl=true");
        assertThat(JdbcUrls.redact("jdbc:postgresql://gw:s3cret@db:5432/x")).isEqualTo("jdbc:postgresql://gw:***@db:5432/x");
        assertThat(JdbcUrls.redact("jdbc:postgresql://db/x")).isEqualTo("jdbc:postgresql://db/x");
    }

    @Test
    void aFailedBatchIsDescribedByItsCauseNotByItsValues() {
        BatchUpdateException batch = new BatchUpdateException(
                "Batch entry 0 INSERT INTO decision (...) VALUES ('r-1', 'the prompt text') was aborted", new int[0]);
        batch.setNextException(new SQLException("An I/O error occurred while sending to the backend.", "08006"));
        assertThat(SqlErrors.describe(batch))
                .isEqualTo("An I/O error occurred while sending to the backend. (SQLState 08006)");
    }

    @Test
    void aLongMultiLineMessageIsCutToItsFirstLine() {
        String described = SqlErrors.describe(new SQLException("Constraint Error: duplicate key \"r-1\"\nLINE 1: ...", "23505"));
        assertThat(described).isEqualTo("Constraint Error: duplicate key \"r-1\" (SQLState 23505)");
        assertThat(SqlErrors.describe(new SQLException("x".repeat(1_000)))).hasSize(303);
    }
}
