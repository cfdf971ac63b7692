package dev.slipway.engine.graph;

import java.io.Serializable;
import java.util.Optional;

/**
 * What a person sees of a vertex and how the solver treats its cache, none of which is part of the
 * cache key: the progress name (e.g. {@code [build 2/5] RUN make}), where it was defined, and
 * whether a cached result must be ignored (no-cache builds).
 */
public record VertexInfo(String name, SourceLocation location, boolean ignoreCache)
    implements Serializable {

  public VertexInfo {
    name = name == null ? "" : name;
  }

  public static VertexInfo named(String name) {
    return new VertexInfo(name, null, false);
  }

  public Optional<SourceLocation> sourceLocation() {
    return Optional.ofNullable(location);
  }
}
