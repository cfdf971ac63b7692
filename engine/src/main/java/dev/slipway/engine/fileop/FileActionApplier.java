package dev.slipway.engine.fileop;

import dev.slipway.confined.RootedPaths;
import dev.slipway.engine.fs.FileTrees;
import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.Vertex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Applies the actions of a {@link FileOp} to a writable root filesystem, with the semantics of
 * BuildKit's file-op backend (COPY, ADD, WORKDIR and heredoc files of the Dockerfile). Sources are
 * read-only trees (another vertex's rootfs or a context snapshot). Every path is resolved inside
 * its root: symlinks are followed with the root as {@code /}, so nothing outside a root is read or
 * written whatever links the trees hold.
 *
 * <p>Created files and directories belong to root (0:0) unless a chown is given; copied entries
 * keep their source owner unless {@code --chown} is given. (Docker's "context files become 0:0"
 * rule is the context transfer's job: BuildKit's client resets uid/gid when sending files.)
 */
public final class FileActionApplier {

  private static final int DEFAULT_DIR_MODE = 0755;

  private final ArchiveLimits archiveLimits;

  public FileActionApplier() {
    this(ArchiveLimits.DEFAULT);
  }

  /** An applier whose ADD unpacks archives within {@code archiveLimits} (the Builder's). */
  public FileActionApplier(ArchiveLimits archiveLimits) {
    this.archiveLimits = archiveLimits;
  }

  /** Applies all actions of {@code op} in order. */
  public void apply(FileOp op, Path destRoot, Function<Vertex, Path> sourceRoots) {
    apply(op, destRoot, sourceRoots, null);
  }

  /**
   * Applies all actions of {@code op} in order, leaving files that can be hard linked to {@code
   * links} (null: copy everything). Only an operation that is one copy of one source defers: its
   * tree walk writes every target once, and nothing after it reads the targets through the mount.
   */
  public void apply(
      FileOp op, Path destRoot, Function<Vertex, Path> sourceRoots, DeferredLinks links) {
    boolean linkable =
        links != null
            && op.actions().size() == 1
            && op.actions().getFirst() instanceof FileAction.Copy c
            && c.sourcePaths().size() == 1
            && !c.parents()
            && !c.attemptUnpack();
    for (FileAction action : op.actions()) {
      apply(action, destRoot, sourceRoots, linkable ? links : null);
    }
  }

  /**
   * Applies one action to {@code destRoot}. {@code sourceRoots} gives the (read-only) root
   * directory of a copy's source vertex; it is only called for {@link FileAction.Copy}.
   */
  public void apply(FileAction action, Path destRoot, Function<Vertex, Path> sourceRoots) {
    apply(action, destRoot, sourceRoots, null);
  }

  private void apply(
      FileAction action, Path destRoot, Function<Vertex, Path> sourceRoots, DeferredLinks links) {
    Objects.requireNonNull(destRoot, "destRoot");
    try {
      switch (action) {
        case FileAction.Copy c -> copy(c, destRoot, sourceRoots.apply(c.source()), links);
        case FileAction.Mkdir m -> mkdir(m, destRoot);
        case FileAction.Mkfile f -> mkfile(f, destRoot);
        case FileAction.Rm r -> rm(r, destRoot);
        case FileAction.Symlink s -> symlink(s, destRoot);
      }
    } catch (IOException e) {
      throw new FileOpException(describe(action) + " failed: " + hideRoot(e, destRoot), e);
    } catch (UncheckedIOException e) {
      throw new FileOpException(
          describe(action) + " failed: " + hideRoot(e.getCause(), destRoot), e);
    }
  }

  // ---- COPY / ADD ----------------------------------------------------------------------------

  private void copy(FileAction.Copy c, Path destRoot, Path srcRoot, DeferredLinks links)
      throws IOException {
    Objects.requireNonNull(srcRoot, "no root directory for the source " + c.source().name());
    Owner owner = Owner.resolve(destRoot, c.chownUser(), c.chownGroup());
    ChmodSpec chmod = ChmodSpec.parse(c.chmod());
    ExcludeMatcher excludes = ExcludeMatcher.of(c.excludes());
    String dest = absolute(c.dest());
    for (String sourcePath : c.sourcePaths()) {
      String pivot = "/";
      String pattern = absolute(sourcePath);
      if (c.parents()) {
        // "/a/./b/c": the structure below the "./" marker is kept, above it dropped.
        int marker = pattern.indexOf("/./");
        if (marker >= 0) {
          pivot = RootedPaths.clean(pattern.substring(0, marker));
          pattern = pattern.substring(0, marker) + pattern.substring(marker + 2);
        }
      }
      List<String> matches =
          c.allowWildcard()
              ? WildcardSources.expand(srcRoot, pattern, c.parents(), excludes)
              : List.of(RootedPaths.clean(pattern));
      if (matches.isEmpty()) {
        if (c.allowEmptyWildcard()) {
          continue;
        }
        throw new FileOpException(
            "no source files were specified: \""
                + sourcePath
                + "\" matches nothing in "
                + c.source().name()
                + "; check the pattern or the .dockerignore file");
      }
      for (String match : matches) {
        copyOne(
            c,
            match,
            pivot,
            dest,
            destRoot,
            srcRoot,
            owner,
            chmod,
            excludes,
            matches.size() == 1 ? links : null);
      }
    }
  }

  private void copyOne(
      FileAction.Copy c,
      String source,
      String pivot,
      String dest,
      Path destRoot,
      Path srcRoot,
      Owner owner,
      ChmodSpec chmod,
      ExcludeMatcher excludes,
      DeferredLinks links)
      throws IOException {
    Path src =
        c.followSymlinks()
            ? RootedPaths.resolve(srcRoot, source)
            : RootedPaths.resolveParent(srcRoot, source);
    if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
      throw new SourceNotFoundException(source, c.source().name());
    }
    boolean srcIsDir = Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS);

    if (c.attemptUnpack() && !srcIsDir && ArchiveUnpacker.isArchive(src)) {
      Path into = RootedPaths.resolve(destRoot, dest);
      HostDirs.mkdirs(destRoot, into, DEFAULT_DIR_MODE, owner, dest);
      ArchiveUnpacker.unpack(src, into, owner, archiveLimits);
      return;
    }
    TreeCopier copier =
        new TreeCopier(src, owner, chmod, excludes, c.alwaysReplaceExisting(), srcRoot, links);
    int dirMode = createdDirMode(chmod);

    if (c.parents()) {
      Path destDir = RootedPaths.resolve(destRoot, dest);
      HostDirs.mkdirs(destRoot, destDir, dirMode, owner, dest);
      String rel = relativeTo(pivot, source);
      Path target = destDir;
      if (!rel.isEmpty()) {
        String[] parts = rel.split("/");
        String srcDir = pivot;
        for (int i = 0; i < parts.length - 1; i++) {
          srcDir = srcDir.equals("/") ? "/" + parts[i] : srcDir + "/" + parts[i];
          target = target.resolve(parts[i]);
          copier.copyParentDirectory(RootedPaths.resolve(srcRoot, srcDir), target);
        }
        target = target.resolve(parts[parts.length - 1]);
      }
      copier.copyTop(src, target);
      return;
    }

    if (!c.createDestPath()) {
      Path parent = RootedPaths.resolve(destRoot, parentOf(RootedPaths.clean(dest)));
      if (!Files.isDirectory(parent)) {
        throw new FileOpException(
            "the destination directory of " + dest + " does not exist; create it first");
      }
    } else {
      String ensure = dest.endsWith("/") ? dest : parentOf(RootedPaths.clean(dest));
      HostDirs.mkdirs(destRoot, RootedPaths.resolve(destRoot, ensure), dirMode, owner, dest);
    }
    Path destPath = RootedPaths.resolve(destRoot, dest);
    boolean destExists = Files.exists(destPath, LinkOption.NOFOLLOW_LINKS);
    boolean destIsDir = Files.isDirectory(destPath, LinkOption.NOFOLLOW_LINKS);
    Path target = destPath;
    String base = RootedPaths.baseName(source);
    if (!base.equals("/")
        && ((!c.copyDirContents() && srcIsDir && destExists)
            || (!srcIsDir && destExists && destIsDir))) {
      target = destPath.resolve(base);
    }
    Path parent = c.copyDirContents() && srcIsDir && !destExists ? target : target.getParent();
    HostDirs.mkdirs(destRoot, parent, dirMode, owner, dest);
    copier.copyTop(src, target);
  }

  /**
   * The mode of the directories a copy creates: an octal {@code --chmod}'s, as BuildKit gives them
   * (even without x, so {@code --chmod=0640} makes an untraversable parent); 0755 otherwise, since
   * a symbolic mode has no entry of its own to be relative to.
   */
  private static int createdDirMode(ChmodSpec chmod) {
    return chmod != null && chmod.octal() != null ? chmod.octal() : DEFAULT_DIR_MODE;
  }

  // ---- WORKDIR, heredoc files, removal, links -------------------------------------------------

  private void mkdir(FileAction.Mkdir m, Path root) throws IOException {
    String path = absolute(m.path());
    Owner owner = Owner.resolve(root, m.chownUser(), m.chownGroup());
    Path p = RootedPaths.resolve(root, path);
    if (m.makeParents()) {
      HostDirs.mkdirs(root, p, m.mode() & 07777, owner, path);
      return;
    }
    if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(p.getParent())) {
      throw new FileOpException(
          "cannot create directory " + path + ": its parent does not exist; create it first");
    }
    HostDirs.mkdirs(root, p, m.mode() & 07777, owner, path);
  }

  private void mkfile(FileAction.Mkfile f, Path root) throws IOException {
    String path = absolute(f.path());
    Owner owner = Owner.resolve(root, f.chownUser(), f.chownGroup());
    Path p = RootedPaths.resolve(root, path);
    if (!Files.isDirectory(p.getParent())) {
      throw new FileOpException(
          "cannot create file " + path + ": its directory does not exist; create it first");
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileOpException("cannot create file " + path + ": a directory has that name");
    }
    boolean created = !Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    Files.write(
        p,
        f.data().getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    if (owner != null) {
      PosixAttrs.lchown(p, owner.uid(), owner.gid());
    }
    if (created || owner != null) {
      // BuildKit writes with the mode only on creation; chown clears setuid, so re-apply then.
      PosixAttrs.chmod(p, f.mode());
    }
  }

  private void rm(FileAction.Rm r, Path root) throws IOException {
    List<String> paths =
        r.allowWildcard()
            ? WildcardSources.expand(root, absolute(r.path()), false, ExcludeMatcher.of(List.of()))
            : List.of(RootedPaths.clean(absolute(r.path())));
    for (String path : paths) {
      if (path.equals("/")) {
        throw new FileOpException("refusing to remove the root directory");
      }
      Path p = RootedPaths.resolveParent(root, path);
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        if (r.allowNotFound()) {
          continue;
        }
        throw new FileOpException("cannot remove " + path + ": it does not exist");
      }
      FileTrees.deleteRecursively(p);
    }
  }

  private void symlink(FileAction.Symlink s, Path root) throws IOException {
    String path = RootedPaths.clean(absolute(s.linkPath()));
    Path p = RootedPaths.resolveParent(root, path);
    if (!Files.isDirectory(p.getParent())) {
      throw new FileOpException(
          "cannot create symlink " + path + ": its directory does not exist; create it first");
    }
    try {
      Files.createSymbolicLink(p, Path.of(s.target()));
    } catch (FileAlreadyExistsException e) {
      throw new FileOpException(
          "cannot create symlink " + path + ": something with that name already exists");
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static String absolute(String path) {
    return path.startsWith("/") ? path : "/" + path;
  }

  private static String parentOf(String cleanPath) {
    int slash = cleanPath.lastIndexOf('/');
    return slash <= 0 ? "/" : cleanPath.substring(0, slash);
  }

  private static String relativeTo(String dir, String path) {
    String clean = RootedPaths.clean(path);
    if (dir.equals("/")) {
      return clean.substring(1);
    }
    return clean.equals(dir) ? "" : clean.substring(dir.length() + 1);
  }

  private static String describe(FileAction action) {
    return switch (action) {
      case FileAction.Copy c -> "copying " + String.join(", ", c.sourcePaths()) + " to " + c.dest();
      case FileAction.Mkdir m -> "creating directory " + m.path();
      case FileAction.Mkfile f -> "creating file " + f.path();
      case FileAction.Rm r -> "removing " + r.path();
      case FileAction.Symlink s -> "creating symlink " + s.linkPath();
    };
  }

  /** I/O messages carry host paths of snapshots; users only know paths inside the image. */
  private static String hideRoot(Throwable e, Path root) {
    String msg = String.valueOf(e.getMessage());
    return e.getClass().getSimpleName() + ": " + msg.replace(root.toString(), "");
  }
}
