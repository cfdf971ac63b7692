package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.image.ImageConfig;

/** A converted stage: its final filesystem, its image config, and the platform it was built for. */
record ConvertedStage(Vertex vertex, ImageConfig image, Platform platform) {}
