package dev.goldilocks.gateway.quality;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.goldilocks.proto.v1.ReportResponse;

/** The report as JSON, in the proto's own JSON mapping (the same field names as the admin RPC). */
public final class ReportJson {

    private ReportJson() {
    }

    public static String of(ReportResponse report) {
        try {
            return JsonFormat.printer().alwaysPrintFieldsWithNoPresence().print(report);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("report is not printable as JSON", e);
        }
    }
}
