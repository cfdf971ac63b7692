package dev.slipway.engine.fileop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Creation of missing directories below a root, like Go's MkdirAll but with explicit modes. */
final class HostDirs {

  private HostDirs() {}

  /**
   * Creates the missing directories from {@code root} down to {@code dir} (a host path below root
   * whose existing part has already been resolved). Only created directories get {@code mode}
   * (umask does not apply) and {@code owner} (root when null); existing ones are left alone.
   *
   * @param what how the path appears in errors, e.g. the destination as written
   */
  static void mkdirs(Path root, Path dir, int mode, Owner owner, String what) throws IOException {
    Path p = root;
    for (Path part : root.relativize(dir)) {
      if (part.toString().isEmpty()) {
        continue;
      }
      p = p.resolve(part);
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileOpException(
            "cannot create directory /"
                + root.relativize(p)
                + " for "
                + what
                + ": a file with that name exists; remove it first or choose another path");
      }
      Files.createDirectory(p);
      if (owner != null) {
        PosixAttrs.lchown(p, owner.uid(), owner.gid());
      }
      PosixAttrs.chmod(p, mode);
    }
  }
}
