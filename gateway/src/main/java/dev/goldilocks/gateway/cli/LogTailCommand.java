package dev.goldilocks.gateway.cli;

import dev.goldilocks.gateway.decisions.DecisionRows;
import dev.goldilocks.proto.v1.DecisionLogRow;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import dev.goldilocks.proto.v1.LogTailRequest;
import dev.goldilocks.store.DecisionStoreException;
import dev.goldilocks.store.ReadOnlyLog;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Prints the latest routing decisions with their outcomes, oldest first.",
            "Through the running gateway's admin API (--target), or from a DuckDB file no gateway has open (--file;"
                    + " a running gateway holds DuckDB's write lock, so read through it instead)."})
final class LogTailCommand implements Callable<Integer> {

    private static final long FOLLOW_MILLIS = 1000;

    @Mixin
    GatewayClient gateway;

    @Option(names = "-n", defaultValue = "20", description = "How many decisions (1 to 1000; default: ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new decisions as they are logged (every second).")
    boolean follow;

    @Option(names = "--file", description = "Read this DuckDB decision log (e.g. data/decision-log.duckdb) read-only"
            + " instead of asking a gateway.")
    Path file;

    /** Where rows come from: the gateway's LogTail, or the file. */
    private interface Source extends AutoCloseable {
        List<DecisionLogRow> latest(int n);

        @Override
        void close();
    }

    @Override
    public Integer call() throws Exception {
        if (lines < 1 || lines > 1000) {
            System.err.println("log tail: -n must be between 1 and 1000, got " + lines);
            return 2;
        }
        try (Source source = file != null ? fileSource() : gatewaySource()) {
            long[] watermark = {Long.MIN_VALUE};
            String[] lastId = {""};
            while (true) {
                List<DecisionLogRow> rows = new ArrayList<>(source.latest(lines));
                rows.sort(Comparator.comparingLong(DecisionLogRow::getDecidedAtMicros)
                        .thenComparing(DecisionLogRow::getRequestId));
                for (DecisionLogRow r : rows) {
                    if (r.getDecidedAtMicros() > watermark[0] || r.getDecidedAtMicros() == watermark[0]
                            && r.getRequestId().compareTo(lastId[0]) > 0) {
                        System.out.println(DecisionRows.line(r));
                        watermark[0] = r.getDecidedAtMicros();
                        lastId[0] = r.getRequestId();
                    }
                }
                System.out.flush();
                if (!follow) {
                    return 0;
                }
                Thread.sleep(FOLLOW_MILLIS);
            }
        } catch (StatusRuntimeException e) {
            System.err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
            return 1;
        } catch (DecisionStoreException e) {
            System.err.println("log tail: " + e.getMessage() + (e.getMessage().contains("lock")
                    ? "\n(a running gateway holds the file: read through it with --target host:port)" : ""));
            return 1;
        }
    }

    private Source gatewaySource() {
        ManagedChannel channel = gateway.channel();
        return new Source() {
            @Override
            public List<DecisionLogRow> latest(int n) {
                return GoldilocksAdminGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .logTail(LogTailRequest.newBuilder().setLimit(n).build()).getDecisionsList();
            }

            @Override
            public void close() {
                channel.shutdownNow();
            }
        };
    }

    private Source fileSource() {
        ReadOnlyLog log = ReadOnlyLog.open(file);
        return new Source() {
            @Override
            public List<DecisionLogRow> latest(int n) {
                return log.history().latest(n).stream().map(DecisionRows::of).toList();
            }

            @Override
            public void close() {
                log.close();
            }
        };
    }
}
