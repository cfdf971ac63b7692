package dev.slipway.engine.snapshot;

import java.nio.file.Path;
import java.util.Optional;

/**
 * An immutable snapshot: a layer stacked on its parent.
 *
 * @param key the caller's name for it (typically a cache key)
 * @param parent the key of the snapshot below, empty for a base layer
 * @param id the short number naming its directory in the state directory
 * @param directory with overlayfs, only this layer's changes (its former upperdir); with copies,
 *     the complete tree
 */
public record CommittedSnapshot(String key, Optional<String> parent, long id, Path directory) {}
