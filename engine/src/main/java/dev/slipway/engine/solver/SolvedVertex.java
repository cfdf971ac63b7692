package dev.slipway.engine.solver;

import dev.slipway.engine.image.Image;

/**
 * The result of one vertex in one build.
 *
 * @param runtimeKey the cache key of this result: the vertex's definition plus its inputs' results
 *     (and, for sources, the content they brought in)
 * @param snapshotKey the committed snapshot with the resulting filesystem; null when empty
 *     (scratch)
 * @param image for image sources: the image, whose layer blobs the exporter reuses as they are
 * @param fromCache whether the result came from the cache rather than from running the step
 */
public record SolvedVertex(String runtimeKey, String snapshotKey, Image image, boolean fromCache) {}
