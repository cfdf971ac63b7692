package dev.slipway.engine.fileop;

import dev.slipway.confined.ConfinedRoot;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * COPY by hard link: a regular file whose copy would carry exactly the source's metadata (no {@code
 * --chown}, {@code --chmod} or extended attributes) becomes a second name of the source's inode in
 * the new layer instead of a new file. Creating an inode and copying its bytes is the dominant cost
 * of copying a big context; a link is a directory entry.
 *
 * <p>A link cannot cross the overlay mounts a copy runs between, so the copy only notes it here
 * ({@link #defer}) and the links are made in the layer directory itself once the step's rootfs is
 * unmounted ({@link #linkInto}), as a {@link dev.slipway.engine.snapshot.Snapshotter.LayerEdit}.
 * That is sound because both sides are frozen: the source is a committed snapshot (a single layer
 * that a read-only view shows as it is on disk), the new layer is committed right after, and
 * neither is ever written in place again (later steps copy up in their own upper directory).
 * Whatever a copy wrote through the mount is unchanged: only files are added, and the directories
 * the copy gave times to get them back after their new entries.
 *
 * <p>Names reach disk only through {@link ConfinedRoot}s refusing links, and a source name is
 * linked only when it is still the inode the copy looked at (same file system, same inode number).
 */
public final class DeferredLinks {

  /** A file to link: its name in the source layer and in the new layer, and its inode. */
  private record Pending(Path layer, String source, String target, long ino) {}

  private record Times(FileTime mtime, FileTime atime) {}

  private final Path destRoot;
  private final Map<Path, Path> layerOfRoot = new HashMap<>();
  private final List<Pending> pending = new ArrayList<>();
  private final Map<String, Times> directoryTimes = new LinkedHashMap<>();
  private final Set<Path> copiedUp = new HashSet<>();
  private final Map<Long, Object> inodeOwner = new HashMap<>();

  /** Links for a file operation writing below {@code destRoot} (the mounted rootfs). */
  public DeferredLinks(Path destRoot) {
    this.destRoot = destRoot;
  }

  /** Copies from the view rooted at {@code viewRoot} may link to files of {@code layer}. */
  public void source(Path viewRoot, Path layer) {
    layerOfRoot.put(viewRoot, layer);
  }

  /**
   * Notes that {@code target} should become a link to {@code source} (below {@code sourceRoot}), or
   * answers false when it must be copied: the source is not a plain layer file, or another copier
   * of this operation already linked its inode (separate copies must stay separate files).
   *
   * @param copier the copier asking; names of one inode within one copier stay one inode, as {@code
   *     cp -a} keeps hard links
   */
  boolean defer(Object copier, Path sourceRoot, Path source, PosixAttrs attrs, Path target)
      throws IOException {
    Path layer = layerOfRoot.get(sourceRoot);
    if (layer == null || !attrs.isRegular()) {
      return false;
    }
    Object owner = inodeOwner.putIfAbsent(attrs.ino(), copier);
    if (owner != null && owner != copier) {
      return false;
    }
    Path parent = target.getParent();
    if (copiedUp.add(parent)) {
      // A setattr copies the directory up into the layer, unchanged, so the link has a parent
      // there; a file created through the mount would have done the same.
      PosixAttrs dir = PosixAttrs.lstat(parent);
      PosixAttrs.lutimes(parent, dir.mtime(), dir.atime());
    }
    pending.add(
        new Pending(
            layer,
            sourceRoot.relativize(source).toString(),
            destRoot.relativize(target).toString(),
            attrs.ino()));
    return true;
  }

  /** Records times a copy gave a directory after writing its entries; restored after linking. */
  void directoryTimes(Path target, FileTime mtime, FileTime atime) {
    directoryTimes.put(destRoot.relativize(target).toString(), new Times(mtime, atime));
  }

  /** Makes the noted links in {@code layerDir}, the unmounted layer of the operation. */
  public void linkInto(Path layerDir) throws IOException {
    if (pending.isEmpty()) {
      return;
    }
    ConfinedRoot to = ConfinedRoot.refusingLinks(layerDir, "the new layer");
    Map<Path, ConfinedRoot> sources = new HashMap<>();
    for (Pending p : pending) {
      ConfinedRoot from =
          sources.computeIfAbsent(
              p.layer(), l -> ConfinedRoot.refusingLinks(l, "the copied snapshot"));
      Path source = from.entry(p.source());
      PosixAttrs found = PosixAttrs.lstat(source);
      if (!found.isRegular()
          || found.ino() != p.ino()
          || found.dev() != PosixAttrs.lstat(p.layer()).dev()) {
        throw new FileOpException(
            "cannot copy "
                + p.source()
                + ": the source snapshot changed while it was copied; run the build again");
      }
      Path target = to.entry(p.target());
      clearWhiteout(target, p.target());
      try {
        Files.createLink(target, source);
      } catch (FileSystemException e) {
        // Another file system (EXDEV) or the link limit: a copy with the same metadata.
        Files.copy(source, target, LinkOption.NOFOLLOW_LINKS);
        PosixAttrs.lchown(target, found.uid(), found.gid());
        PosixAttrs.chmod(target, found.permissions());
        PosixAttrs.lutimes(target, found.mtime(), found.atime());
      }
    }
    for (Map.Entry<String, Times> dir : directoryTimes.entrySet()) {
      Path d = to.entry(dir.getKey());
      if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
        PosixAttrs.lutimes(d, dir.getValue().mtime(), dir.getValue().atime());
      }
    }
  }

  /**
   * A copy that replaced a lower file left overlay's whiteout (a 0/0 character device) where the
   * link goes; the link takes its place. Anything else there is a bug, not something to delete.
   */
  private static void clearWhiteout(Path target, String name) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Map<String, Object> a =
        Files.readAttributes(target, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
    boolean whiteout =
        ((Integer) a.get("mode") & PosixAttrs.S_IFMT) == 0020000 && (Long) a.get("rdev") == 0;
    if (!whiteout) {
      throw new FileOpException(
          "cannot link " + name + " into the new layer: something else is already there");
    }
    Files.delete(target);
  }
}
