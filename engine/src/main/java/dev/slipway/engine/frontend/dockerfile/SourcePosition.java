package dev.slipway.engine.frontend.dockerfile;

/** A place in a Dockerfile: file name, 1-based line and column. */
public record SourcePosition(String file, int line, int column) {

  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
