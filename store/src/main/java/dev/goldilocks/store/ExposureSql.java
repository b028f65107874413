package dev.goldilocks.store;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL that sums an experiment's exposures: first per randomisation unit (the unit's hash, or the request id
 * when the request was randomised by itself), then over units per arm (and domain), with the sums of squares and
 * products the delta method needs. Parameters: the generic model's name, the experiment, since, until.
 */
final class ExposureSql {

    private ExposureSql() {
    }

    static String totals(boolean byDomain) {
        String group = byDomain ? "d.arm, d.domain" : "d.arm";
        List<String> unitColumns = new ArrayList<>();
        List<String> sums = new ArrayList<>();
        for (ExposureMetric m : ExposureMetric.values()) {
            String x = m.key() + "_x";
            String y = m.key() + "_y";
            unitColumns.add("CAST(" + m.numerator() + " AS DOUBLE PRECISION) AS " + x);
            unitColumns.add("CAST(" + m.denominator() + " AS DOUBLE PRECISION) AS " + y);
            sums.add("sum(" + x + ") AS " + x);
            sums.add("sum(" + y + ") AS " + y);
            sums.add("sum(" + x + " * " + x + ") AS " + m.key() + "_xx");
            sums.add("sum(" + y + " * " + y + ") AS " + m.key() + "_yy");
            sums.add("sum(" + x + " * " + y + ") AS " + m.key() + "_xy");
        }
        String units = "SELECT " + group + ", " + String.join(", ", unitColumns)
                + " FROM decision d"
                + " LEFT JOIN feedback f ON f.request_id = d.request_id"
                + " LEFT JOIN judge_score j ON j.request_id = d.request_id"
                + " WHERE d.experiment = ? AND d.arm IS NOT NULL AND d.traffic = 'client'"
                + " AND d.decided_at >= ? AND d.decided_at < ?"
                + " GROUP BY " + group + ", coalesce(d.unit_hash, d.request_id)";
        String outer = byDomain ? "u.arm, u.domain" : "u.arm";
        return "SELECT " + outer + ", count(*) AS units, " + String.join(", ", sums) + " FROM (" + units + ") u"
                + " GROUP BY " + outer + " ORDER BY " + outer;
    }
}
