package dev.goldilocks.loadtests.hop;

import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;

/**
 * One path to measure: a call that waits for its whole answer, and the same call started without waiting
 * (for many in flight).
 *
 * @param name     what the results call it
 * @param role     which of the measured paths it is (see {@link HopBenchmark}), whatever the build
 * @param build    the build whose servers answer it
 * @param servers  the process of those servers, whose CPU time and allocations are the path's cost
 * @param share    the share of the run's call count this path gets (a path that classifies with MiniLM is
 *                 some 50 times slower than the others and gets fewer)
 * @param blocking one call; throws on a non-OK status
 * @param async    starts one call whose answers go to the observer
 */
record Probe(String name, String role, String build, ServerProcess servers, double share, Runnable blocking,
             Consumer<StreamObserver<Object>> async) {

    /** Starts one call; {@code done} hears null when it ended OK, or its failure. */
    void start(Consumer<Throwable> done) {
        async.accept(new StreamObserver<>() {
            @Override
            public void onNext(Object value) {
            }

            @Override
            public void onError(Throwable t) {
                done.accept(t);
            }

            @Override
            public void onCompleted() {
                done.accept(null);
            }
        });
    }
}
