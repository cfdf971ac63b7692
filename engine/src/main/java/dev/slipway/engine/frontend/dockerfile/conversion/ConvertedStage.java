package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.image.ImageConfig;
import dev.slipway.engine.image.Platform;

/** A converted stage: its final filesystem, its image config, and the platform it was built for. */
record ConvertedStage(Vertex vertex, ImageConfig image, Platform platform) {}
