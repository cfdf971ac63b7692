package dev.slipway.engine.export;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.conversion.BuildDefinition;
import dev.slipway.engine.graph.CacheKey;
import dev.slipway.engine.image.BaseImagePins;
import dev.slipway.engine.solver.SolvedVertex;
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

  /** This platform with what the solver made of its definition. */
  public PlatformBuild solvedAs(Map<CacheKey, SolvedVertex> results) {
    return new PlatformBuild(platform, definition, results, pins);
  }
}
