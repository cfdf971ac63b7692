package dev.slipway.operator.build;

import java.util.Optional;

/**
 * The Builders' queues as the BuildRequest reconciler's cache holds them, for readers outside this
 * package (the autoscaler). Unknown until that reconciler's informer has listed every request: an
 * operator that just started must not take "none listed yet" for "no demand" and shrink a pool.
 */
public final class BuilderQueues {

  private volatile QueueIndex index;

  void attach(QueueIndex index) {
    this.index = index;
  }

  /** The Builder's demand; empty while the requests are not all listed. */
  public Optional<BuilderDemand> demand(String namespace, String builder) {
    QueueIndex current = index;
    return current == null || !current.synced()
        ? Optional.empty()
        : Optional.of(current.demand(QueueIndex.builderKey(namespace, builder)));
  }
}
