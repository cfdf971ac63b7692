package dev.slipway.confined;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The one way a name from a client, a Dockerfile or an archive reaches the file system: every
 * operation resolves the name beneath this root, creates missing parents without passing through a
 * symlink, never lets the last component's symlink redirect a write or an attribute change, and
 * hard links only to regular files inside the same root. What a caller gets back is a host path
 * that is known to lie beneath the root; refused names raise {@link ConfinedPathException}.
 *
 * <p>The checks race with a concurrent writer of the same tree (Java has no openat); every tree
 * given to a ConfinedRoot is written only by the thread that holds it.
 */
public final class ConfinedRoot {

  /** What a symlink met before the last component of a name means. */
  public enum Links {
    /**
     * Followed with the root as {@code /} ({@link RootedPaths}): an image's {@code /lib -> usr/lib}
     * works for ADD and COPY, and no link leads out.
     */
    FOLLOW_INSIDE,
    /**
     * Refused, as is {@code ..}: a file listing or an output tar never needs to pass through a
     * link, so one that does is hostile.
     */
    REFUSE
  }

  /** Gives a directory that a write had to create its mode and owner. */
  @FunctionalInterface
  public interface CreatedDirectory {
    void created(Path dir) throws IOException;
  }

  /** Writes a new file's contents. */
  @FunctionalInterface
  public interface Contents {
    void writeTo(OutputStream out) throws IOException;
  }

  private static final CreatedDirectory MODE_0755 =
      dir -> Files.setAttribute(dir, "unix:mode", 0755, LinkOption.NOFOLLOW_LINKS);

  private final Path root;
  private final String label;
  private final Links links;
  private final CreatedDirectory newDirectories;

  private ConfinedRoot(Path root, String label, Links links, CreatedDirectory newDirectories) {
    this.root = root.toAbsolutePath().normalize();
    this.label = label;
    this.links = links;
    this.newDirectories = newDirectories;
  }

  /**
   * A root whose names may pass through symlinks, resolved inside it.
   *
   * @param label what the root is to a user, for errors ("the image's file system")
   */
  public static ConfinedRoot followingLinksInside(Path root, String label) {
    return new ConfinedRoot(root, label, Links.FOLLOW_INSIDE, MODE_0755);
  }

  /** A root whose names may not contain {@code ..} nor pass through any symlink. */
  public static ConfinedRoot refusingLinks(Path root, String label) {
    return new ConfinedRoot(root, label, Links.REFUSE, MODE_0755);
  }

  /**
   * This root, calling {@code hook} (instead of setting mode 0755) on each directory it creates.
   */
  public ConfinedRoot withNewDirectories(CreatedDirectory hook) {
    return new ConfinedRoot(root, label, links, hook);
  }

  public Path root() {
    return root;
  }

  /**
   * The host path of {@code name} with every symlink resolved (inside the root), or refused when
   * this root refuses links. For reading.
   */
  public Path resolve(String name) throws IOException {
    List<String> parts = parts(name, true);
    Path p = walk(name, parts, false);
    if (links == Links.REFUSE && !parts.isEmpty() && Files.isSymbolicLink(p)) {
      throw escape(name, "in " + label + " is a symlink, which is not followed here");
    }
    return p;
  }

  /**
   * The host path of the entry {@code name} itself: its parents resolved, a symlink in its last
   * component kept as the entry (lstat semantics). Parents are not created.
   */
  public Path entry(String name) throws IOException {
    return walk(name, parts(name, false), false);
  }

  /** True when {@code name} is (lstat) a directory; false when it is anything else or missing. */
  public boolean isDirectory(String name) throws IOException {
    return Files.isDirectory(entry(name), LinkOption.NOFOLLOW_LINKS);
  }

  /** Creates the directory {@code name} and its parents; an existing directory is kept. */
  public Path createDirectory(String name) throws IOException {
    Path p = prepare(name, true);
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(p);
    }
    return p;
  }

  /**
   * Writes the regular file {@code name}: contents go to a new file beside it (never through a
   * link), which then replaces whatever was there in one rename. Returns the file's host path.
   */
  public Path writeFile(String name, Contents contents) throws IOException {
    Path p = prepare(name, false);
    // A short fixed-length name: a name near the 255-byte limit must still fit beside it.
    Path tmp = p.resolveSibling(".sw-" + HexFormat.of().formatHex(randomBytes(6)));
    try {
      try (OutputStream out =
          Files.newOutputStream(
              tmp,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS)) {
        contents.writeTo(out);
      }
      Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return p;
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Creates the symlink {@code name}; its target is kept as text, to be resolved confined. */
  public Path createSymlink(String name, String target) throws IOException {
    if (target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new ConfinedPathException(
          name, quote(name) + " in " + label + " is a symlink with an empty or invalid target");
    }
    Path p = prepare(name, false);
    Files.createSymbolicLink(p, Path.of(target));
    return p;
  }

  /**
   * Creates {@code name} as a second name of the regular file {@code target}, which must be inside
   * this root (its parents resolved as for any name, itself not a link).
   */
  public Path createHardLink(String name, String target) throws IOException {
    Path existing;
    try {
      existing = entry(target);
    } catch (ConfinedPathException e) {
      throw new PathEscapeException(
          name, quote(name) + " is a hard link whose target is refused: " + e.getMessage());
    }
    if (parts(target, false).isEmpty()
        || !Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
      throw escape(
          name, "is a hard link to " + quote(target) + ", which is not a regular file of " + label);
    }
    Path p = entry(name);
    if (p.equals(existing)) {
      throw escape(name, "in " + label + " is a hard link to itself");
    }
    p = prepare(name, false);
    Files.createLink(p, existing);
    return p;
  }

  /**
   * Clears the way for an entry the caller creates itself (a device node): parents created,
   * whatever was at the name removed. Returns its host path.
   */
  public Path newEntry(String name) throws IOException {
    return prepare(name, false);
  }

  /** Opens the regular file {@code name} for reading. */
  public InputStream openFile(String name) throws IOException {
    Path p = resolve(name);
    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new ConfinedPathException(
          name, quote(name) + " is not a regular file of " + label + " (" + where(p) + ")");
    }
    return Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS);
  }

  /** Sets the owner of an entry (a link itself, not its target). */
  public void setOwner(Path entry, int uid, int gid) throws IOException {
    inside(entry);
    Files.setAttribute(entry, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(entry, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /** Sets the 07777 bits of an entry that is not a symlink (a link's mode means nothing). */
  public void setMode(Path entry, int mode) throws IOException {
    inside(entry);
    BasicFileAttributes a =
        Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isSymbolicLink()) {
      throw new ConfinedPathException(
          entry.toString(), where(entry) + " in " + label + " is a symlink; its mode is not set");
    }
    // NOFOLLOW opens the entry, which blocks on a fifo: devices and fifos are not links, and
    // were checked just above, so the plain chmod reaches the entry itself.
    if (a.isRegularFile() || a.isDirectory()) {
      Files.setAttribute(entry, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
    } else {
      Files.setAttribute(entry, "unix:mode", mode & 07777);
    }
  }

  /** Sets an entry's times (a link's own, not its target's). */
  public void setTimes(Path entry, FileTime mtime, FileTime atime) throws IOException {
    inside(entry);
    Files.getFileAttributeView(entry, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(mtime, atime, null);
  }

  /** The name of a host path beneath the root as the build sees it ({@code /a/b}). */
  public String where(Path hostPath) {
    return "/" + root.relativize(hostPath).toString();
  }

  /**
   * Clears the way for a new entry {@code name}: parents created (as directories, through no link),
   * and whatever is at the name removed, except a directory where one is wanted.
   */
  private Path prepare(String name, boolean directory) throws IOException {
    List<String> parts = parts(name, directory);
    if (parts.isEmpty()) {
      throw new ConfinedPathException(name, quote(name) + " names the root of " + label);
    }
    Path p = walk(name, parts, true);
    if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)
        && !(directory && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))) {
      deleteTree(p);
    }
    return p;
  }

  /** The components of {@code name} beneath the root, symlinks resolved as this root allows. */
  private List<String> parts(String name, boolean followLast) throws ConfinedPathException {
    if (name.indexOf('\0') >= 0) {
      throw new ConfinedPathException(name, "a name in " + label + " holds a NUL character");
    }
    List<String> out = new ArrayList<>();
    if (links == Links.FOLLOW_INSIDE) {
      Path resolved;
      try {
        resolved = RootedPaths.resolve(root, "/" + name, followLast);
      } catch (IOException e) {
        throw new ConfinedPathException(name, quote(name) + " in " + label + ": " + e.getMessage());
      }
      for (Path part : root.relativize(resolved)) {
        if (!part.toString().isEmpty()) {
          out.add(part.toString());
        }
      }
      return out;
    }
    for (String part : name.split("/")) {
      if (part.equals("..")) {
        throw escape(name, "leaves " + label + " (a \"..\" element is not allowed here)");
      }
      if (!part.isEmpty() && !part.equals(".")) {
        out.add(part);
      }
    }
    return out;
  }

  /**
   * The host path of {@code parts}, checking (and if asked creating) each parent: a directory,
   * never a link. A missing parent ends the check when nothing is to be created.
   */
  private Path walk(String name, List<String> parts, boolean create) throws IOException {
    Path p = root;
    boolean missing = false;
    for (int i = 0; i < parts.size(); i++) {
      p = p.resolve(parts.get(i));
      if (i == parts.size() - 1 || missing) {
        continue;
      }
      BasicFileAttributes a = lstat(p);
      if (a == null) {
        if (!create) {
          missing = true;
          continue;
        }
        Files.createDirectory(p);
        newDirectories.created(p);
      } else if (a.isSymbolicLink()) {
        throw escape(
            name,
            "leads through the symlink " + where(p) + " in " + label + ", which is not followed");
      } else if (!a.isDirectory()) {
        throw new ConfinedPathException(
            name,
            quote(name)
                + " in "
                + label
                + " needs "
                + where(p)
                + " to be a directory, but it is a file; remove it or choose another path");
      }
    }
    return p;
  }

  private PathEscapeException escape(String name, String why) {
    return new PathEscapeException(name, quote(name) + " " + why);
  }

  /**
   * Checks a host path given back for an attribute change: beneath the root, and every directory
   * above it still a directory, not a link (a later entry may have replaced one since).
   */
  private void inside(Path entry) throws IOException {
    Path p = entry.toAbsolutePath().normalize();
    if (!p.startsWith(root) || !p.equals(entry.toAbsolutePath())) {
      throw new PathEscapeException(entry.toString(), "a path outside " + label + " was given");
    }
    Path dir = root;
    Path relative = root.relativize(p);
    for (int i = 0; i < relative.getNameCount() - 1; i++) {
      dir = dir.resolve(relative.getName(i));
      BasicFileAttributes a = lstat(dir);
      if (a == null || a.isSymbolicLink() || !a.isDirectory()) {
        throw new PathEscapeException(
            entry.toString(),
            where(p)
                + " in "
                + label
                + " is no longer below directories: "
                + where(dir)
                + " was replaced by a link or a file");
      }
    }
  }

  private static BasicFileAttributes lstat(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Deletes an entry and, for a directory, everything below it; links are removed, not followed.
   */
  private static void deleteTree(Path p) throws IOException {
    Files.walkFileTree(
        p,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static String quote(String name) {
    return "\"" + name + "\"";
  }
}
