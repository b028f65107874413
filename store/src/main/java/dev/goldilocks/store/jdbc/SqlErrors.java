package dev.goldilocks.store.jdbc;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

/** Database errors as they may appear in logs and health details: short, and without the rows. */
public final class SqlErrors {

    private static final int MAX = 300;

    private SqlErrors() {
    }

    /**
     * The error's cause in one line. A failed JDBC batch's own message repeats the whole statement with
     * its values (prompts, when the log keeps text), so the batch is described by the error under it.
     */
    public static String describe(Throwable error) {
        Throwable cause = error;
        if (error instanceof BatchUpdateException batch && batch.getNextException() != null) {
            cause = batch.getNextException();
        }
        String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        if (cause instanceof SQLException sql && sql.getSQLState() != null && !message.contains(sql.getSQLState())) {
            message = message + " (SQLState " + sql.getSQLState() + ")";
        }
        return message.length() <= MAX ? message : message.substring(0, MAX) + "...";
    }
}
