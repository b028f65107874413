package dev.goldilocks.store.jdbc;

import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * How one kind of record maps onto its table: the columns in the table's own order (DuckDB's Appender
 * fills every column in that order) and the record's value for each. Values are String, Double, Integer,
 * Boolean, OffsetDateTime, {@link TextArray}, double[] or null.
 */
public record Table<T>(String name, List<String> columns, Function<T, Object[]> values) {

    public Table {
        columns = List.copyOf(columns);
    }

    /** A list of strings for a TEXT[] column. */
    public record TextArray(List<String> items) {
        public TextArray {
            items = List.copyOf(items);
        }
    }

    /** INSERT of every column, one row of placeholders. */
    public String insertSql() {
        return "INSERT INTO " + name + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
    }

    public Object[] row(T record) {
        Object[] row = values.apply(record);
        if (row.length != columns.size()) {
            throw new IllegalStateException(name + ": " + row.length + " values for " + columns.size() + " columns");
        }
        return row;
    }
}
