package dev.slipway.engine.snapshot;

import java.io.IOException;
import java.nio.file.Path;

/** Deleting engine-owned trees without following symlinks and never through a mount point. */
public final class SafeDelete {
  private SafeDelete() {}

  /** Deletes {@code tree} if it exists; refuses while something is mounted inside it. */
  public static void tree(Path tree) throws IOException {
    StateDirectory.deleteTree(tree);
  }
}
