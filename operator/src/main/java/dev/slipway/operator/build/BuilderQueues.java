package dev.slipway.operator.build;

/**
 * The Builders' queues as the BuildRequest reconciler's cache holds them, for readers outside this
 * package (the autoscaler). Empty until that reconciler has started.
 */
public final class BuilderQueues {

  private volatile QueueIndex index;

  void attach(QueueIndex index) {
    this.index = index;
  }

  public BuilderDemand demand(String namespace, String builder) {
    QueueIndex current = index;
    return current == null
        ? BuilderDemand.NONE
        : current.demand(QueueIndex.builderKey(namespace, builder));
  }
}
