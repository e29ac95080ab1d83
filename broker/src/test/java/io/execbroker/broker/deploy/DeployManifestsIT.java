package io.execbroker.broker.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * The deployment files that cannot run here are checked offline: the Kubernetes manifests against the API's schema
 * (deploy/k8s/validate.sh) and the systemd unit by systemd-analyze (deploy/systemd/verify.sh).
 */
class DeployManifestsIT {
    @Test
    void kubernetesManifestsMatchTheApiSchemaAndReferenceEachOther() {
        assertThat(Commands.run(Duration.ofMinutes(5), "deploy/k8s/validate.sh"))
            .containsPattern("k8s-validate: \\d+ objects in \\d+ files, 0 problems");
    }

    @Test
    void systemdUnitVerifiesCleanWithALowExposure() {
        assertThat(Commands.run(Duration.ofMinutes(1), "deploy/systemd/verify.sh"))
            .contains("systemd-analyze verify clean");
    }
}
