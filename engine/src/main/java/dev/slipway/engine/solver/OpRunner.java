package dev.slipway.engine.solver;

import dev.slipway.engine.graph.CacheKey;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.job.BuildFailedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** Runs one kind of vertex: works out its runtime cache key, and produces its result. */
interface OpRunner<V extends Vertex> {

  /**
   * The key under which the result is cached. By default the vertex's definition key combined with
   * its inputs' runtime keys; sources override it to cover the content they bring in.
   */
  default String runtimeKey(V vertex, List<SolvedVertex> inputs, SolveJob job)
      throws BuildFailedException, IOException {
    return combine(vertex.cacheKey(), inputs);
  }

  /** Whether progress shows the vertex as started while its key is being worked out. */
  default boolean startsWhileKeying() {
    return false;
  }

  /** Whether results are recorded in (and looked up from) the cache index. */
  default boolean indexed() {
    return true;
  }

  /** Produces the vertex's result, committing a snapshot named {@code runtimeKey}. */
  SolvedVertex execute(V vertex, List<SolvedVertex> inputs, String runtimeKey, SolveJob job)
      throws BuildFailedException, IOException;

  static String combine(CacheKey definition, List<SolvedVertex> inputs) {
    return combine(
        definition, inputs.stream().map(SolvedVertex::runtimeKey).toArray(String[]::new));
  }

  /** A runtime key from a definition key and what its result depends on, in order. */
  static String combine(CacheKey definition, String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(definition.toString().getBytes(StandardCharsets.UTF_8));
      for (String part : parts) {
        sha.update((byte) '\n');
        sha.update(part.getBytes(StandardCharsets.UTF_8));
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A snapshot key derived from a runtime key (snapshot keys are file names). */
  static String snapshotKey(String runtimeKey) {
    return runtimeKey.replace("sha256:", "");
  }
}
