package dev.slipway.engine.graph;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * A node of the build graph (BuildKit's LLB): an operation whose result is a filesystem. Vertices
 * are immutable values; a graph is the root vertex and everything reachable through {@link
 * #inputs()}.
 *
 * <p>Every implementation computes its {@link #cacheKey()} once, when constructed, from its
 * definition and its inputs' keys; the {@code cacheKey} component passed to a canonical constructor
 * is ignored (use the constructors without it).
 */
public sealed interface Vertex extends Serializable permits SourceOp, ExecOp, FileOp, MergeOp {

  /** The vertices whose results this operation reads, without duplicates. */
  List<Vertex> inputs();

  CacheKey cacheKey();

  VertexInfo info();

  default String name() {
    return info().name();
  }

  default Optional<SourceLocation> location() {
    return info().sourceLocation();
  }

  /**
   * The filesystem this vertex's result is layered on: its layer is the difference between its
   * result and this base. Empty for sources. Following it repeatedly yields the layer chain of an
   * image.
   */
  Optional<Vertex> parent();
}
