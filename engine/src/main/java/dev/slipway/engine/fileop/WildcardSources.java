package dev.slipway.engine.fileop;

import dev.slipway.confined.RootedPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands a source path with wildcards the way BuildKit's {@code ResolveWildcards} does: the part
 * before the first component with a wildcard is resolved in the root, the rest is matched against
 * the paths below it in lexical order, and a matching directory is not searched further.
 */
final class WildcardSources {

  private WildcardSources() {}

  /**
   * The absolute paths (in the root's filesystem) matching {@code pattern}, or {@code [pattern]}
   * cleaned when it has no wildcard. Matches that {@code excludes} names relative to the wildcard
   * base are left out.
   */
  static List<String> expand(Path root, String pattern, boolean doubleStar, ExcludeMatcher excludes)
      throws IOException {
    String[] parts = RootedPaths.clean(pattern).substring(1).split("/");
    int first = 0;
    while (first < parts.length && !PathGlob.hasWildcards(parts[first])) {
      first++;
    }
    if (first == parts.length) {
      return List.of(RootedPaths.clean(pattern));
    }
    // clean() collapses ".." but keeps escapes; split again on the raw pattern would differ only
    // in such escapes, which belong to the matched part.
    String prefix = "/" + String.join("/", List.of(parts).subList(0, first));
    String rest = String.join("/", List.of(parts).subList(first, parts.length));
    PathGlob glob = PathGlob.compile(rest, doubleStar);
    int depth = rest.contains("**") && doubleStar ? Integer.MAX_VALUE : parts.length - first;
    Path base = RootedPaths.resolve(root, prefix);
    List<String> out = new ArrayList<>();
    if (Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
      walk(base, "", 1, depth, glob, excludes, prefix.equals("/") ? "" : prefix, out);
    }
    return out;
  }

  private static void walk(
      Path dir,
      String relDir,
      int level,
      int depth,
      PathGlob glob,
      ExcludeMatcher excludes,
      String prefix,
      List<String> out)
      throws IOException {
    List<Path> children;
    try (Stream<Path> s = Files.list(dir)) {
      children = new ArrayList<>(s.toList());
    }
    children.sort(null);
    for (Path child : children) {
      String rel =
          relDir.isEmpty() ? child.getFileName().toString() : relDir + "/" + child.getFileName();
      boolean isDir = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
      if (glob.matches(rel)) {
        if (!excludes.excludes(rel, isDir)) {
          out.add(prefix + "/" + rel);
        }
      } else if (isDir && level < depth) {
        walk(child, rel, level + 1, depth, glob, excludes, prefix, out);
      }
    }
  }
}
