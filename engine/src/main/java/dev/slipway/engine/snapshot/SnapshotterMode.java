package dev.slipway.engine.snapshot;

/** How snapshots are stored. */
public enum SnapshotterMode {
  /** Layers stacked with overlayfs: cheap snapshots, needs mount privileges. */
  OVERLAY,
  /** Each snapshot is a full copy of its parent: works everywhere, costs disk and time. */
  COPY
}
