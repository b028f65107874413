package dev.goldilocks.store;

import dev.goldilocks.store.jdbc.Store;
import dev.goldilocks.store.jdbc.Tables;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Rows taken off the queue together, written in one transaction: all of them or none. */
final class Batch {

    /** Put in the queue by {@link BatchWriter#flush}: completed once every row queued before it is handled. */
    record FlushMarker(CompletableFuture<Void> done) {
    }

    private final List<Decision> decisions = new ArrayList<>();
    private final List<ShadowJudgement> shadows = new ArrayList<>();
    private final List<ProbeScore> probes = new ArrayList<>();
    private final List<JudgeScore> judged = new ArrayList<>();
    private final List<FlushMarker> markers = new ArrayList<>();

    /** Adds a queued item; returns true for a flush marker (the batch should be written now). */
    boolean add(Object item) {
        if (item instanceof Decision d) {
            decisions.add(d);
        } else if (item instanceof ShadowJudgement s) {
            shadows.add(s);
        } else if (item instanceof ProbeScore p) {
            probes.add(p);
        } else if (item instanceof JudgeScore j) {
            judged.add(j);
        } else if (item instanceof FlushMarker m) {
            markers.add(m);
            return true;
        } else {
            throw new IllegalArgumentException("not a log row: " + item.getClass());
        }
        return false;
    }

    /** Rows (not markers) in the batch. */
    int rows() {
        return decisions.size() + shadows.size() + probes.size() + judged.size();
    }

    boolean isEmpty() {
        return rows() == 0 && markers.isEmpty();
    }

    void writeTo(Store store, Connection connection) throws SQLException {
        if (rows() == 0) {
            return;
        }
        connection.setAutoCommit(false);
        try {
            if (!decisions.isEmpty()) {
                store.insert(connection, Tables.DECISION, decisions);
            }
            if (!shadows.isEmpty()) {
                store.insert(connection, Tables.SHADOW_JUDGEMENT, shadows);
            }
            if (!probes.isEmpty()) {
                store.insert(connection, Tables.PROBE_SCORE, probes);
            }
            if (!judged.isEmpty()) {
                store.insert(connection, Tables.JUDGE_SCORE, judged);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            try {
                connection.setAutoCommit(true);
            } catch (SQLException ignored) {
                // the connection is broken; the writer replaces it
            }
        }
    }

    /** Each row in a batch of its own (no markers), to find the rows a store refuses. */
    List<Batch> singles() {
        List<Batch> out = new ArrayList<>();
        decisions.forEach(d -> out.add(single(d)));
        shadows.forEach(s -> out.add(single(s)));
        probes.forEach(p -> out.add(single(p)));
        judged.forEach(j -> out.add(single(j)));
        return out;
    }

    private static Batch single(Object row) {
        Batch b = new Batch();
        b.add(row);
        return b;
    }

    void completeMarkers() {
        markers.forEach(m -> m.done().complete(null));
    }
}
