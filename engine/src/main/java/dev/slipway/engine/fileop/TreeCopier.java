package dev.slipway.engine.fileop;

import dev.slipway.engine.fs.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Copies one source entry, recursively, with {@code cp -a} semantics as BuildKit's fsutil copier
 * does: modes, mtimes, symlinks (as links), hard links within this copy and extended attributes are
 * kept; the owner is kept unless {@code owner} is given; {@code chmod} applies to every copied file
 * and directory. Destination entries are never followed: a symlink in the way is replaced, never
 * written through. One instance per copied source, as hard links are only kept within it.
 */
final class TreeCopier {

  private record InodeKey(long dev, long ino) {}

  private final Owner owner;
  private final ChmodSpec chmod;
  private final ExcludeMatcher excludes;
  private final boolean replaceExisting;
  private final Map<InodeKey, Path> linked = new HashMap<>();
  private final Set<Path> deferred = new HashSet<>();
  private final XattrCopier xattrs;
  private final Path sourceRoot;
  private final DeferredLinks links;

  TreeCopier(
      Path sourceTop,
      Owner owner,
      ChmodSpec chmod,
      ExcludeMatcher excludes,
      boolean replaceExisting)
      throws IOException {
    this(sourceTop, owner, chmod, excludes, replaceExisting, null, null);
  }

  /**
   * A copier that leaves regular files whose copy would be identical to their source to {@code
   * links} (when not null), as links into the layer of the view rooted at {@code sourceRoot}.
   */
  TreeCopier(
      Path sourceTop,
      Owner owner,
      ChmodSpec chmod,
      ExcludeMatcher excludes,
      boolean replaceExisting,
      Path sourceRoot,
      DeferredLinks links)
      throws IOException {
    this.sourceRoot = sourceRoot;
    this.links = owner == null && chmod == null ? links : null;
    this.owner = owner;
    this.chmod = chmod;
    this.excludes = excludes;
    this.replaceExisting = replaceExisting;
    this.xattrs = XattrCopier.read(sourceTop);
  }

  /** Copies {@code source} to {@code target} and then writes the extended attributes. */
  void copyTop(Path source, Path target) throws IOException {
    copy(source, "", target, false);
    xattrs.apply();
  }

  /**
   * Creates {@code target} as a copy of the directory {@code source} without its contents (the
   * parents kept by {@code COPY --parents}); an existing directory is left as it is.
   */
  void copyParentDirectory(Path source, Path target) throws IOException {
    PosixAttrs attrs = PosixAttrs.lstat(source);
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!replaceExisting) {
        throw new FileOpException(
            "cannot create directory "
                + target.getFileName()
                + ": a file with that name exists in the destination; remove it first");
      }
      Files.delete(target);
    }
    Files.createDirectory(target);
    copyMetadata(attrs, target);
    xattrs.copied(source, target);
  }

  /**
   * @param relative the path below the copied source, for --exclude ("" for the source itself)
   * @param overwriteMetadata whether an existing target directory takes the source's metadata (true
   *     below the top: a merged directory looks like its source)
   */
  private void copy(Path source, String relative, Path target, boolean overwriteMetadata)
      throws IOException {
    PosixAttrs attrs = PosixAttrs.lstat(source);
    if (!relative.isEmpty() && excludes.excludes(relative, attrs.isDirectory())) {
      return;
    }
    boolean copyInfo = true;
    if (attrs.isDirectory()) {
      boolean created = copyDirectory(source, relative, target, attrs, overwriteMetadata);
      copyInfo = created || overwriteMetadata;
    } else {
      clearFileTarget(target);
      if (attrs.isRegular()) {
        InodeKey key = new InodeKey(attrs.dev(), attrs.ino());
        Path first = attrs.nlink() > 1 ? linked.get(key) : null;
        if (first == null || deferred.contains(first)) {
          if (deferLink(source, attrs, target)) {
            if (attrs.nlink() > 1) {
              linked.putIfAbsent(key, target);
            }
            return; // the link carries the source's metadata and attributes
          }
        }
        if (first != null && !deferred.contains(first)) {
          Files.createLink(target, first);
        } else {
          Files.copy(source, target, LinkOption.NOFOLLOW_LINKS);
          if (attrs.nlink() > 1) {
            linked.put(key, target);
          }
        }
      } else if (attrs.isSymlink()) {
        Files.createSymbolicLink(target, Files.readSymbolicLink(source));
      } else {
        throw new FileOpException(
            "cannot copy "
                + (relative.isEmpty() ? source.getFileName() : relative)
                + ": sockets, devices and fifos are not supported by COPY; remove it from the"
                + " source or exclude it");
      }
    }
    if (copyInfo) {
      copyMetadata(attrs, target);
      xattrs.copied(source, target);
    }
  }

  /** Leaves the file to the deferred links when its copy would equal the source exactly. */
  private boolean deferLink(Path source, PosixAttrs attrs, Path target) throws IOException {
    if (links == null || xattrs.has(source)) {
      return false;
    }
    if (links.defer(this, sourceRoot, source, attrs, target)) {
      deferred.add(target);
      return true;
    }
    return false;
  }

  private boolean copyDirectory(
      Path source, String relative, Path target, PosixAttrs attrs, boolean overwriteMetadata)
      throws IOException {
    boolean created = false;
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(target);
      created = true;
    } else if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!replaceExisting) {
        throw new FileOpException(
            "cannot copy directory "
                + display(relative, source)
                + " onto "
                + target.getFileName()
                + ", which is not a directory in the destination; remove it first or copy to"
                + " another path");
      }
      Files.delete(target);
      Files.createDirectory(target);
      created = true;
    } else if (overwriteMetadata) {
      PosixAttrs.chmod(target, attrs.permissions());
    }
    List<Path> children;
    try (Stream<Path> s = Files.list(source)) {
      children = new ArrayList<>(s.toList());
    }
    children.sort(null);
    for (Path child : children) {
      String name = child.getFileName().toString();
      copy(child, relative.isEmpty() ? name : relative + "/" + name, target.resolve(name), true);
    }
    return created;
  }

  /** A file may replace a file or link; a directory in the way is an error unless replacing. */
  private void clearFileTarget(Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!replaceExisting) {
        throw new FileOpException(
            "cannot replace directory "
                + target.getFileName()
                + " with a file; remove the directory first or copy to another path");
      }
      FileTrees.deleteRecursively(target);
    } else {
      Files.delete(target);
    }
  }

  private void copyMetadata(PosixAttrs attrs, Path target) throws IOException {
    if (owner != null) {
      PosixAttrs.lchown(target, owner.uid(), owner.gid());
    } else {
      PosixAttrs.lchown(target, attrs.uid(), attrs.gid());
    }
    if (!attrs.isSymlink()) {
      int perms = attrs.permissions();
      PosixAttrs.chmod(target, chmod == null ? perms : chmod.apply(perms, attrs.isDirectory()));
    }
    PosixAttrs.lutimes(target, attrs.mtime(), attrs.atime());
    if (links != null && attrs.isDirectory()) {
      links.directoryTimes(target, attrs.mtime(), attrs.atime());
    }
  }

  private static String display(String relative, Path source) {
    return relative.isEmpty() ? String.valueOf(source.getFileName()) : relative;
  }
}
