package dev.slipway.engine.graph;

import java.util.List;
import java.util.Optional;

/**
 * Stacks independent filesystems, later inputs over earlier ones ({@code COPY --link}): each input
 * after the first stays a separate layer that can be reused whatever lies below it.
 */
public record MergeOp(List<Vertex> inputs, VertexInfo info, CacheKey cacheKey) implements Vertex {

  public MergeOp(List<Vertex> inputs, VertexInfo info) {
    this(inputs, info, null);
  }

  public MergeOp {
    inputs = List.copyOf(inputs);
    if (inputs.size() < 2) {
      throw new IllegalArgumentException("a merge needs at least two inputs");
    }
    KeyEncoder k = new KeyEncoder("merge").num(inputs.size());
    inputs.forEach(k::key);
    cacheKey = k.finish();
  }

  @Override
  public Optional<Vertex> parent() {
    return Optional.of(inputs.get(0));
  }
}
