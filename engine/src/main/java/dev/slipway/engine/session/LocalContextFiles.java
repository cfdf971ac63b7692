package dev.slipway.engine.session;

import dev.slipway.engine.frontend.dockerfile.PatternMatcher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A context that is a directory on this machine: what {@code slipway build --local} builds from,
 * and what the CLI serves over a session to a remote builder.
 */
public final class LocalContextFiles implements ContextFiles {
  private final Path root;

  public LocalContextFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public String identity() {
    return "local:" + root;
  }

  @Override
  public List<ContextFile> stat(
      List<String> includePatterns, List<String> excludePatterns, List<String> followPaths)
      throws SessionException {
    List<String> includes = new ArrayList<>(includePatterns);
    if (!includes.isEmpty()) {
      includes.addAll(symlinkTargets(followPaths));
    }
    PatternMatcher include = includes.isEmpty() ? null : PatternMatcher.of(includes);
    PatternMatcher exclude = PatternMatcher.of(excludePatterns);
    Map<String, ContextFile> selected = new TreeMap<>();
    Map<String, ContextFile> directories = new TreeMap<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              if (dir.equals(root)) {
                return FileVisitResult.CONTINUE;
              }
              String rel = relative(dir);
              if (exclude.matches(rel) && !exclude.hasExclusions()) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              ContextFile entry = describe(dir, rel);
              directories.put(rel, entry);
              if (!exclude.matches(rel) && (include == null || include.matches(rel))) {
                selected.put(rel, entry);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              String rel = relative(file);
              if (!exclude.matches(rel) && (include == null || include.matches(rel))) {
                selected.put(rel, describe(file, rel));
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new SessionException("cannot list the context " + root + ": " + e.getMessage(), e);
    }
    // The directories above a selected path come along, so the copy keeps their metadata.
    for (String path : new ArrayList<>(selected.keySet())) {
      for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
        String parent = path.substring(0, slash);
        ContextFile dir = directories.get(parent);
        if (dir == null || selected.putIfAbsent(parent, dir) != null) {
          break;
        }
      }
    }
    List<ContextFile> result = new ArrayList<>(selected.values());
    result.sort(Comparator.comparing(ContextFile::path));
    return withHardLinks(result);
  }

  /** Marks the second and later names of a file as hard links to its first (sorted) name. */
  private List<ContextFile> withHardLinks(List<ContextFile> sorted) throws SessionException {
    Map<Object, String> firstName = new HashMap<>();
    List<ContextFile> out = new ArrayList<>(sorted.size());
    for (ContextFile f : sorted) {
      if (f.isRegularFile()) {
        try {
          Path p = root.resolve(f.path());
          if ((Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1) {
            Object inode =
                List.of(
                    Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS),
                    Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS));
            String first = firstName.putIfAbsent(inode, f.path());
            if (first != null) {
              f =
                  new ContextFile(
                      f.path(), f.mode(), f.size(), f.mtimeNanos(), f.uid(), f.gid(), first);
            }
          }
        } catch (IOException e) {
          throw new SessionException(
              "cannot read " + f.path() + " in the context: " + e.getMessage(), e);
        }
      }
      out.add(f);
    }
    return out;
  }

  /** The context paths that symlinks among {@code followPaths} lead to, link after link. */
  private List<String> symlinkTargets(List<String> followPaths) {
    List<String> targets = new ArrayList<>();
    for (String follow : followPaths) {
      Path p = root.resolve(follow).normalize();
      for (int hops = 0; hops < 40 && p.startsWith(root) && Files.isSymbolicLink(p); hops++) {
        try {
          Path target = Files.readSymbolicLink(p);
          p =
              (target.isAbsolute()
                      ? root.resolve(root.getRoot().relativize(target))
                      : p.getParent().resolve(target))
                  .normalize();
        } catch (IOException e) {
          break;
        }
        if (p.startsWith(root) && !p.equals(root)) {
          targets.add(relative(p));
        }
      }
    }
    return targets;
  }

  @Override
  public InputStream open(String path) throws SessionException, IOException {
    Path file = root.resolve(path).normalize();
    if (!file.startsWith(root) || Files.isSymbolicLink(file)) {
      throw new SessionException("\"" + path + "\" is not a regular file of the context");
    }
    return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
  }

  private String relative(Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  private static ContextFile describe(Path p, String rel) throws IOException {
    Map<String, Object> a =
        Files.readAttributes(
            p, "unix:mode,uid,gid,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    boolean link = (mode & ContextFile.S_IFMT) == ContextFile.S_IFLNK;
    long mtime =
        ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime"))
            .to(java.util.concurrent.TimeUnit.NANOSECONDS);
    // Like buildx, files are sent as owned by root: COPY without --chown gives 0:0.
    return new ContextFile(
        rel,
        mode,
        (Long) a.get("size"),
        mtime,
        0,
        0,
        link ? Files.readSymbolicLink(p).toString() : "");
  }
}
