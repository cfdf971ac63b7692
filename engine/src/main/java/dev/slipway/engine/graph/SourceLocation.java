package dev.slipway.engine.graph;

import java.io.Serializable;

/** Where in the build definition (e.g. a Dockerfile) a vertex comes from: lines, 1-based. */
public record SourceLocation(String file, int startLine, int endLine) implements Serializable {}
