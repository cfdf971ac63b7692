package dev.slipway.cli.cluster;

import dev.slipway.api.resource.BuildRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Follows one BuildRequest through the API server's watch (an informer, so a dropped watch is
 * resumed), handing each new state to the thread that waits for it.
 */
final class BuildRequestWatch implements AutoCloseable {
  private final LinkedBlockingQueue<Change> changes = new LinkedBlockingQueue<>();
  private final SharedIndexInformer<BuildRequest> informer;
  private final String name;

  /** A change: the request's new state, or null when it was deleted. */
  private record Change(BuildRequest request) {}

  BuildRequestWatch(KubernetesClient client, String namespace, String name) {
    this.name = namespace + "/" + name;
    this.informer =
        client
            .resources(BuildRequest.class)
            .inNamespace(namespace)
            .withName(name)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(BuildRequest request) {
                    changes.add(new Change(request));
                  }

                  @Override
                  public void onUpdate(BuildRequest before, BuildRequest after) {
                    changes.add(new Change(after));
                  }

                  @Override
                  public void onDelete(BuildRequest request, boolean finalStateUnknown) {
                    changes.add(new Change(null));
                  }
                });
  }

  /**
   * Waits until the request satisfies {@code until}, showing each state to {@code seen} first.
   *
   * @throws ClusterException when it is deleted
   * @return the state that satisfied it, or null when {@code patience} ran out
   */
  BuildRequest await(Predicate<BuildRequest> until, Consumer<BuildRequest> seen, Duration patience)
      throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Change change = left <= 0 ? null : changes.poll(left, TimeUnit.NANOSECONDS);
      if (change == null) {
        return null;
      }
      if (change.request() == null) {
        throw new ClusterException(
            "BuildRequest " + name + " was deleted while this command followed it");
      }
      seen.accept(change.request());
      if (until.test(change.request())) {
        return change.request();
      }
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
