package dev.goldilocks.gateway;

import dev.goldilocks.proto.v1.ChangeExperimentRequest;
import dev.goldilocks.proto.v1.CreateExperimentRequest;
import dev.goldilocks.proto.v1.ExperimentArm;
import dev.goldilocks.proto.v1.ExperimentDefinition;
import dev.goldilocks.proto.v1.ExperimentStatus;
import dev.goldilocks.proto.v1.GoldilocksAdminGrpc;
import io.grpc.Channel;
import java.util.concurrent.TimeUnit;

/** Experiments for tests, and the admin calls that make them, as `goldilocks experiment` does. */
final class ExperimentDefinitions {

    private ExperimentDefinitions() {
    }

    /** control: generic-only; treatment: specialist-by-domain; no other setting. */
    static ExperimentDefinition.Builder genericVsSpecialist(String name) {
        return ExperimentDefinition.newBuilder().setName(name)
                .addArms(ExperimentArm.newBuilder().setName("control").setPolicy("generic-only"))
                .addArms(ExperimentArm.newBuilder().setName("treatment").setPolicy("specialist-by-domain"));
    }

    static GoldilocksAdminGrpc.GoldilocksAdminBlockingStub admin(Channel gateway) {
        return GoldilocksAdminGrpc.newBlockingStub(gateway).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    static ExperimentStatus create(Channel gateway, ExperimentDefinition.Builder definition) {
        return admin(gateway).createExperiment(CreateExperimentRequest.newBuilder().setDefinition(definition).build());
    }

    static ExperimentStatus start(Channel gateway, String name) {
        return admin(gateway).startExperiment(ChangeExperimentRequest.newBuilder().setName(name).build());
    }

    static ExperimentStatus stop(Channel gateway, String name) {
        return admin(gateway).stopExperiment(ChangeExperimentRequest.newBuilder().setName(name).build());
    }

    static ExperimentStatus createAndStart(Channel gateway, ExperimentDefinition.Builder definition) {
        create(gateway, definition);
        return start(gateway, definition.getName());
    }
}
