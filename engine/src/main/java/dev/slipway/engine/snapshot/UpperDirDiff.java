package dev.slipway.engine.snapshot;

import dev.slipway.engine.fs.XattrTool;
import dev.slipway.engine.fs.Xattrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads an overlayfs upperdir as a layer diff. Overlay records a deletion as a character device 0/0
 * and a directory that replaced a lower one as {@code trusted.overlay.opaque=y}; everything else in
 * the upperdir is an added or modified entry (or, for directories, an ancestor of one).
 */
final class UpperDirDiff {

  private UpperDirDiff() {}

  static LayerDiff of(Path upper) throws IOException {
    Map<Path, Xattrs> xattrs = XattrTool.readTree(upper);
    List<LayerEntry> entries = new ArrayList<>();
    walk(upper, "", xattrs, entries);
    return new LayerDiff(entries);
  }

  private static void walk(
      Path dir, String relative, Map<Path, Xattrs> xattrs, List<LayerEntry> out)
      throws IOException {
    for (String name : DirectoryListing.sortedNames(dir)) {
      Path file = dir.resolve(name);
      String path = DirectoryListing.child(relative, name);
      FileMeta meta = FileMeta.read(file);
      Xattrs attributes = xattrs.getOrDefault(file, Xattrs.NONE);
      refuseUnportable(attributes, file);
      if (meta.kind() == FileKind.CHAR_DEVICE && meta.rdev() == 0) {
        out.add(new LayerEntry.Whiteout(path));
        continue;
      }
      if (meta.kind() == FileKind.SOCKET) {
        continue; // tar cannot carry sockets; BuildKit drops them too
      }
      out.add(new LayerEntry.Put(path, file, meta, attributes.keptInLayersOnly()));
      if (meta.kind() == FileKind.DIRECTORY) {
        byte[] opaque = attributes.get("trusted.overlay.opaque");
        if (opaque != null && new String(opaque, StandardCharsets.UTF_8).equals("y")) {
          out.add(new LayerEntry.Opaque(path));
        }
        walk(file, path, xattrs, out);
      }
    }
  }

  /** Redirects and metacopy point into lower layers, so such an upperdir is not a layer. */
  private static void refuseUnportable(Xattrs attributes, Path file) throws SnapshotException {
    for (String name : List.of("trusted.overlay.redirect", "trusted.overlay.metacopy")) {
      if (attributes.get(name) != null) {
        throw new SnapshotException(
            file
                + " has "
                + name
                + ": it was written by an overlay mounted with redirect_dir or metacopy, which"
                + " cannot be turned into a layer; recreate the snapshot with this snapshotter");
      }
    }
  }
}
