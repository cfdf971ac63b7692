package dev.slipway.engine.graph;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Filesystem changes applied in order to {@code base} (COPY, ADD, WORKDIR, heredoc files). Its
 * layer is the difference to {@code base}.
 */
public record FileOp(Vertex base, List<FileAction> actions, VertexInfo info, CacheKey cacheKey)
    implements Vertex {

  public FileOp(Vertex base, List<FileAction> actions, VertexInfo info) {
    this(base, actions, info, null);
  }

  public FileOp {
    Objects.requireNonNull(base, "base");
    actions = List.copyOf(actions);
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a file operation needs at least one action");
    }
    KeyEncoder k = new KeyEncoder("file").key(base).num(actions.size());
    for (FileAction a : actions) {
      a.encode(k);
    }
    cacheKey = k.finish();
  }

  @Override
  public List<Vertex> inputs() {
    LinkedHashSet<Vertex> in = new LinkedHashSet<>();
    in.add(base);
    for (FileAction a : actions) {
      if (a instanceof FileAction.Copy c) {
        in.add(c.source());
      }
    }
    return List.copyOf(in);
  }

  @Override
  public Optional<Vertex> parent() {
    return Optional.of(base);
  }
}
