package dev.slipway.engine.graph;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/** One change of a {@link FileOp}. Paths are absolute in the filesystem they apply to. */
public sealed interface FileAction extends Serializable {

  void encode(KeyEncoder k);

  /**
   * Copies {@code sourcePaths} (absolute in {@code source}'s result; may hold wildcards) to {@code
   * dest} (a trailing {@code /} means "into this directory"). {@code chownUser}/{@code chownGroup}
   * are as written (names or ids, resolved against the destination's /etc/passwd and /etc/group),
   * {@code chmod} as written (octal or symbolic) or null.
   */
  record Copy(
      Vertex source,
      List<String> sourcePaths,
      String dest,
      String chownUser,
      String chownGroup,
      String chmod,
      boolean followSymlinks,
      boolean copyDirContents,
      boolean createDestPath,
      boolean allowWildcard,
      boolean allowEmptyWildcard,
      List<String> excludes,
      boolean parents,
      boolean attemptUnpack,
      boolean alwaysReplaceExisting)
      implements FileAction {
    public Copy {
      Objects.requireNonNull(source, "source");
      sourcePaths = List.copyOf(sourcePaths);
      excludes = List.copyOf(excludes);
    }

    @Override
    public void encode(KeyEncoder k) {
      k.str("copy")
          .key(source)
          .strs(sourcePaths)
          .str(dest)
          .str(chownUser)
          .str(chownGroup)
          .str(chmod)
          .bool(followSymlinks)
          .bool(copyDirContents)
          .bool(createDestPath)
          .bool(allowWildcard)
          .bool(allowEmptyWildcard)
          .strs(excludes)
          .bool(parents)
          .bool(attemptUnpack)
          .bool(alwaysReplaceExisting);
    }
  }

  record Mkdir(String path, int mode, String chownUser, String chownGroup, boolean makeParents)
      implements FileAction {
    @Override
    public void encode(KeyEncoder k) {
      k.str("mkdir").str(path).num(mode).str(chownUser).str(chownGroup).bool(makeParents);
    }
  }

  /** Writes {@code data} (UTF-8) to a new file, e.g. the body of a heredoc. */
  record Mkfile(String path, int mode, String data, String chownUser, String chownGroup)
      implements FileAction {
    @Override
    public void encode(KeyEncoder k) {
      k.str("mkfile").str(path).num(mode).str(data).str(chownUser).str(chownGroup);
    }
  }

  record Rm(String path, boolean allowNotFound, boolean allowWildcard) implements FileAction {
    @Override
    public void encode(KeyEncoder k) {
      k.str("rm").str(path).bool(allowNotFound).bool(allowWildcard);
    }
  }

  record Symlink(String target, String linkPath) implements FileAction {
    @Override
    public void encode(KeyEncoder k) {
      k.str("symlink").str(target).str(linkPath);
    }
  }
}
