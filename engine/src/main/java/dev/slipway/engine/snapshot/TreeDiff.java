package dev.slipway.engine.snapshot;

import dev.slipway.engine.fs.XattrTool;
import dev.slipway.engine.fs.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Compares a snapshot's full tree with its parent's, for the copy snapshotter. An entry changed
 * when its type, permissions, owner, size, mtime, link target, device number, kept extended
 * attributes or (for regular files whose metadata all match) content differ.
 *
 * <p>Link counts are not compared, like containerd's differ: adding a hardlink to an unchanged file
 * yields the new name as a full file, whereas overlayfs copies both names up.
 */
final class TreeDiff {

  private final Map<Path, Xattrs> lowerXattrs;
  private final Map<Path, Xattrs> upperXattrs;

  private TreeDiff(Map<Path, Xattrs> lowerXattrs, Map<Path, Xattrs> upperXattrs) {
    this.lowerXattrs = lowerXattrs;
    this.upperXattrs = upperXattrs;
  }

  static LayerDiff between(Optional<Path> lower, Path upper) throws IOException {
    TreeDiff diff =
        new TreeDiff(
            lower.isPresent() ? XattrTool.readTree(lower.get()) : Map.of(),
            XattrTool.readTree(upper));
    return new LayerDiff(diff.compareDirectories(lower.orElse(null), upper, ""));
  }

  private List<LayerEntry> compareDirectories(Path lowerDir, Path upperDir, String relative)
      throws IOException {
    TreeSet<String> names = new TreeSet<>(DirectoryListing.BYTE_ORDER);
    names.addAll(DirectoryListing.sortedNames(upperDir));
    if (lowerDir != null) {
      names.addAll(DirectoryListing.sortedNames(lowerDir));
    }
    List<LayerEntry> out = new ArrayList<>();
    for (String name : names) {
      String path = DirectoryListing.child(relative, name);
      Path upperFile = upperDir.resolve(name);
      Path lowerFile = lowerDir == null ? null : lowerDir.resolve(name);
      FileMeta upper = metaOrNull(upperFile);
      FileMeta lower = lowerFile == null ? null : metaOrNull(lowerFile);
      if (upper == null) {
        out.add(new LayerEntry.Whiteout(path));
        continue;
      }
      if (upper.kind() == FileKind.SOCKET) {
        continue;
      }
      Xattrs upperAttrs = attrs(upperXattrs, upperFile);
      boolean changed =
          lower == null
              || !lower.sameMetadata(upper)
              || !attrs(lowerXattrs, lowerFile).equals(upperAttrs);
      if (upper.kind() == FileKind.DIRECTORY) {
        boolean lowerIsDir = lower != null && lower.kind() == FileKind.DIRECTORY;
        List<LayerEntry> children =
            compareDirectories(lowerIsDir ? lowerFile : null, upperFile, path);
        if (changed || !children.isEmpty()) {
          out.add(new LayerEntry.Put(path, upperFile, upper, upperAttrs));
          out.addAll(children);
        }
      } else if (changed
          || (upper.kind() == FileKind.REGULAR && Files.mismatch(lowerFile, upperFile) != -1)) {
        out.add(new LayerEntry.Put(path, upperFile, upper, upperAttrs));
      }
    }
    return out;
  }

  private static Xattrs attrs(Map<Path, Xattrs> all, Path file) {
    return all.getOrDefault(file, Xattrs.NONE).keptInLayersOnly();
  }

  private static FileMeta metaOrNull(Path file) throws IOException {
    return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? FileMeta.read(file) : null;
  }
}
