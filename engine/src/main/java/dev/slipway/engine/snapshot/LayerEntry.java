package dev.slipway.engine.snapshot;

import dev.slipway.engine.fs.Xattrs;
import java.nio.file.Path;

/**
 * One change in a layer. Paths are relative to the root, '/'-separated, without leading "./",
 * leading or trailing slash (e.g. {@code usr/bin/env}).
 */
public sealed interface LayerEntry {

  String path();

  /**
   * A file, directory, link or device added or modified; its content is read from {@code source}.
   */
  record Put(String path, Path source, FileMeta meta, Xattrs xattrs) implements LayerEntry {}

  /** {@code path} was deleted; written as the OCI whiteout {@code dir/.wh.name}. */
  record Whiteout(String path) implements LayerEntry {}

  /**
   * Directory {@code path} hides everything the layers below had in it; written as {@code
   * path/.wh..wh..opq}. Always follows the {@link Put} of the directory itself.
   */
  record Opaque(String path) implements LayerEntry {}
}
