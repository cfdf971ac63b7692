package dev.slipway.engine.export;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.conversion.BuildDefinition;
import dev.slipway.engine.graph.CacheKey;
import dev.slipway.engine.graph.Graph;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.image.BaseImagePins;
import dev.slipway.engine.solver.SolvedVertex;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One platform of a solved build: its converted definition, what the solver made of it and the base
 * images it pinned. A build of N platforms hands the exporter N of these, in the request's order.
 */
public record PlatformBuild(
    Platform platform,
    BuildDefinition definition,
    Map<CacheKey, SolvedVertex> solved,
    BaseImagePins pins) {

  /**
   * The steps of a build of these platforms: a vertex they share (the context, a $BUILDPLATFORM
   * stage, one base image) is one step, as progress reports it under one id (its cache key).
   */
  public static int stepsTotal(List<PlatformBuild> builds) {
    return (int)
        builds.stream()
            .flatMap(b -> Graph.topologicalOrder(b.definition().root()).stream())
            .filter(v -> !(v instanceof SourceOp.Scratch))
            .map(Vertex::cacheKey)
            .distinct()
            .count();
  }

  /** The steps of a solved build taken from the cache, a shared one counted once. */
  public static int stepsCached(List<PlatformBuild> builds) {
    Map<CacheKey, SolvedVertex> all = new HashMap<>();
    builds.forEach(b -> all.putAll(b.solved()));
    return (int) all.values().stream().filter(SolvedVertex::fromCache).count();
  }

  /** This platform with what the solver made of its definition. */
  public PlatformBuild solvedAs(Map<CacheKey, SolvedVertex> results) {
    return new PlatformBuild(platform, definition, results, pins);
  }
}
