package dev.slipway.engine.session;

import dev.slipway.confined.ConfinedPathException;
import dev.slipway.confined.ConfinedRoot;
import dev.slipway.engine.frontend.dockerfile.dockerignore.PatternMatcher;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A context that is a directory on this machine: what {@code slipway build --local} builds from,
 * and what the CLI serves over a session to a remote builder.
 *
 * <p>A builder asks; this machine decides. Every listing leaves out what the context's own ignore
 * patterns exclude (whatever the builder's patterns say), and {@link #open} serves only regular
 * files that a listing of this instance returned, reached without passing through a symlink.
 */
public final class LocalContextFiles implements ContextFiles {
  private final Path root;
  private final PatternMatcher ignored;
  private final ConfinedRoot confined;
  private final Set<String> listedFiles = ConcurrentHashMap.newKeySet();

  public LocalContextFiles(Path root) {
    this(root, List.of());
  }

  /**
   * @param ignore patterns (.dockerignore syntax) that no listing selects, however a builder asks
   */
  public LocalContextFiles(Path root, List<String> ignore) {
    this.root = root.toAbsolutePath().normalize();
    this.ignored = PatternMatcher.of(ignore);
    this.confined = ConfinedRoot.refusingLinks(this.root, "the context");
  }

  /** Ignore patterns that leave out everything but the files {@code names} at the root. */
  public static List<String> servingOnly(List<String> names) {
    List<String> patterns = new ArrayList<>(List.of("*"));
    for (String name : names) {
      patterns.add("!" + name.replaceAll("([\\\\*?\\[])", "\\\\$1"));
    }
    return patterns;
  }

  /**
   * {@code ignore} with the ignore file itself served: the builder reads .dockerignore to apply it,
   * whatever it says (as Docker does).
   */
  public static List<String> ignoreFileServed(List<String> ignore) {
    if (ignore.isEmpty()) {
      return ignore;
    }
    List<String> patterns = new ArrayList<>(ignore);
    patterns.add("!.dockerignore");
    return patterns;
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
    Excluded exclude = new Excluded(PatternMatcher.of(excludePatterns), ignored);
    Map<String, ContextFile> selected = new TreeMap<>();
    Map<String, ContextFile> directories = new TreeMap<>();
    Map<String, Object> linkedInodes = new HashMap<>();
    try {
      for (String start : walkStarts(include)) {
        Path from = root;
        for (String element : start.isEmpty() ? new String[0] : start.split("/")) {
          if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            break;
          }
          if (!from.equals(root)) {
            // not walked, but may be the parent of a selected path or itself selected
            String rel = relative(from);
            ContextFile entry = describe(from, rel, linkedInodes);
            directories.put(rel, entry);
            if (!exclude.matches(rel) && include.matches(rel)) {
              selected.put(rel, entry);
            }
          }
          from = from.resolve(element);
        }
        if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
          walk(from, include, exclude, selected, directories, linkedInodes);
        }
      }
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
    List<ContextFile> listing = withHardLinks(result, linkedInodes);
    for (ContextFile f : listing) {
      if (f.isRegularFile()) {
        listedFiles.add(f.path());
      }
    }
    return listing;
  }

  /** What a listing leaves out: the builder's exclude patterns, then this context's own. */
  private record Excluded(PatternMatcher asked, PatternMatcher ignored) {
    boolean matches(String path) {
      return asked.matches(path) || ignored.matches(path);
    }

    /** True when nothing below an excluded directory can be selected again. */
    boolean skipsBelow(String path) {
      return (asked.matches(path) && !asked.hasExclusions())
          || (ignored.matches(path) && !ignored.hasExclusions());
    }
  }

  /**
   * Where the walk starts so that it visits only what the include patterns can match: a path
   * matches a pattern only at or below the pattern's leading literal elements ({@code a/b} for
   * {@code a/b/*.txt}), because {@code *}, {@code ?} and {@code [...]} stay within one element.
   * Exceptions ({@code !}) only unselect, so they add no start. Nested starts are dropped.
   */
  private static List<String> walkStarts(PatternMatcher include) {
    if (include == null) {
      return List.of("");
    }
    TreeSet<String> starts = new TreeSet<>();
    for (PatternMatcher.Rule rule : include.rules()) {
      if (!rule.exclusion()) {
        starts.add(literalPrefix(rule.pattern()));
      }
    }
    List<String> outermost = new ArrayList<>();
    for (String start : starts) {
      // a start sorts before the starts below it
      boolean nested =
          outermost.stream()
              .anyMatch(o -> o.isEmpty() || start.equals(o) || start.startsWith(o + "/"));
      if (!nested) {
        outermost.add(start);
      }
    }
    return outermost;
  }

  /** The leading elements of a cleaned pattern that hold no wildcard, escape or dot segment. */
  private static String literalPrefix(String pattern) {
    StringBuilder prefix = new StringBuilder();
    for (String element : pattern.split("/", -1)) {
      if (element.isEmpty()
          || element.equals(".")
          || element.equals("..")
          || element.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '\\')) {
        break;
      }
      if (!prefix.isEmpty()) {
        prefix.append('/');
      }
      prefix.append(element);
    }
    return prefix.toString();
  }

  /** Lists {@code from} and everything below it that the patterns select. */
  private void walk(
      Path from,
      PatternMatcher include,
      Excluded exclude,
      Map<String, ContextFile> selected,
      Map<String, ContextFile> directories,
      Map<String, Object> linkedInodes)
      throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (dir.equals(root)) {
              return FileVisitResult.CONTINUE;
            }
            String rel = relative(dir);
            if (exclude.skipsBelow(rel)) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            ContextFile entry = describe(dir, rel, linkedInodes);
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
              selected.put(rel, describe(file, rel, linkedInodes));
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * Marks the second and later names of a file as hard links to its first (sorted) name; {@code
   * linkedInodes} holds the inode of every regular file with more than one name.
   */
  private static List<ContextFile> withHardLinks(
      List<ContextFile> sorted, Map<String, Object> linkedInodes) {
    Map<Object, String> firstName = new HashMap<>();
    List<ContextFile> out = new ArrayList<>(sorted.size());
    for (ContextFile f : sorted) {
      Object inode = linkedInodes.get(f.path());
      String first = inode == null ? null : firstName.putIfAbsent(inode, f.path());
      out.add(first == null ? f : f.asHardLinkTo(first));
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
    if (!listedFiles.contains(path)) {
      throw new SessionException(
          "the builder asked for \""
              + path
              + "\", which no listing of the context "
              + root
              + " selected (outside the build's patterns, excluded by .dockerignore, or not a"
              + " regular file); nothing was sent");
    }
    try {
      return confined.openFile(path);
    } catch (ConfinedPathException e) {
      throw new SessionException(e.getMessage() + "; nothing was sent", e);
    }
  }

  private String relative(Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  /**
   * One lstat per entry: its metadata, and for a regular file with several names its inode into
   * {@code linkedInodes}.
   */
  private static ContextFile describe(Path p, String rel, Map<String, Object> linkedInodes)
      throws IOException {
    Map<String, Object> a =
        Files.readAttributes(
            p,
            "unix:mode,uid,gid,size,lastModifiedTime,ctime,dev,ino,nlink",
            LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    int type = mode & ContextFile.S_IFMT;
    long inode = (Long) a.get("ino");
    if (type == ContextFile.S_IFREG && (Integer) a.get("nlink") > 1) {
      linkedInodes.put(rel, List.of(a.get("dev"), inode));
    }
    // Like buildx, files are sent as owned by root: COPY without --chown gives 0:0.
    return new ContextFile(
        rel,
        mode,
        (Long) a.get("size"),
        ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
        0,
        0,
        type == ContextFile.S_IFLNK ? Files.readSymbolicLink(p).toString() : "",
        ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS),
        inode);
  }
}
