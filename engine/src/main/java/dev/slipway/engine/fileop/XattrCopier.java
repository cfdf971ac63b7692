package dev.slipway.engine.fileop;

import dev.slipway.engine.fs.XattrTool;
import dev.slipway.engine.fs.Xattrs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Carries extended attributes (including {@code security.capability}) from copied sources to their
 * copies: reads the source tree's attributes once, then writes them to all copies at once. Like
 * BuildKit, attributes the destination filesystem refuses are skipped with a warning rather than
 * failing the copy; overlayfs's own {@code trusted.overlay.*} state is never copied.
 */
final class XattrCopier {

  private static final System.Logger LOG = System.getLogger(XattrCopier.class.getName());

  private final Map<Path, Xattrs> bySource;
  private final Map<Path, Xattrs> toWrite = new LinkedHashMap<>();

  private XattrCopier(Map<Path, Xattrs> bySource) {
    this.bySource = bySource;
  }

  /** Reads the attributes under {@code sourceTop} (itself included). */
  static XattrCopier read(Path sourceTop) {
    Map<Path, Xattrs> found = new LinkedHashMap<>();
    try {
      XattrTool.readTree(sourceTop)
          .forEach(
              (path, attrs) -> {
                Map<String, byte[]> kept = new TreeMap<>(attrs.asMap());
                kept.keySet().removeIf(name -> name.startsWith("trusted.overlay."));
                if (!kept.isEmpty()) {
                  found.put(path, Xattrs.of(kept));
                }
              });
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING, "extended attributes are not copied: {0}", e.getMessage());
    }
    return new XattrCopier(found);
  }

  /** Whether {@code source} has attributes to carry. */
  boolean has(Path source) {
    return bySource.containsKey(source);
  }

  /** Notes that {@code target} is a copy of {@code source}. */
  void copied(Path source, Path target) {
    Xattrs attrs = bySource.get(source);
    if (attrs != null) {
      toWrite.put(target, attrs);
    }
  }

  /** Writes the noted attributes. */
  void apply() {
    try {
      XattrTool.writeAll(toWrite);
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "some extended attributes were not copied: {0}",
          e.getMessage());
    }
  }
}
