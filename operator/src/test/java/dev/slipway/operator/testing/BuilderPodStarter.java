package dev.slipway.operator.testing;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;

/**
 * What runs behind a builder pod that {@link FakeStatefulSetController} creates: an in-process
 * fake, or a real builder process on loopback.
 */
@FunctionalInterface
public interface BuilderPodStarter<P extends AutoCloseable> {

  /**
   * Starts the builder of pod {@code podName} of {@code set} (configured as the set's pod template
   * says), reachable by the operator under {@code endpoint}; returns once it serves (the pod is
   * then marked Ready).
   */
  P start(StatefulSet set, String podName, String endpoint) throws IOException;
}
