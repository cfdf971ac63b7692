package dev.slipway.engine.snapshot;

import java.util.List;

/**
 * The changes of a committed snapshot relative to its parent, in tar order: a depth-first walk with
 * the names of each directory sorted bytewise, a directory before its children (and its opaque
 * marker right after it), a whiteout where the deleted name would sort. Every ancestor directory of
 * a change is included, as BuildKit's layers do, so extracting the layer never invents directory
 * metadata.
 */
public record LayerDiff(List<LayerEntry> entries) {

  public LayerDiff {
    entries = List.copyOf(entries);
  }
}
