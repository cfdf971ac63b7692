package dev.slipway.engine.fileop;

import dev.slipway.confined.RootedPaths;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code COPY --exclude} patterns with .dockerignore semantics (moby's patternmatcher): paths are
 * relative and slash-separated, {@code **} spans directories, a leading {@code !} re-includes, the
 * last matching pattern wins, and a pattern that matches a directory matches everything in it.
 */
final class ExcludeMatcher {

  private record Rule(String text, PathGlob glob, int depth, boolean exception) {}

  private final List<Rule> rules;

  private ExcludeMatcher(List<Rule> rules) {
    this.rules = rules;
  }

  static ExcludeMatcher of(List<String> patterns) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : patterns) {
      String p = raw.strip();
      boolean exception = p.startsWith("!");
      if (exception) {
        p = p.substring(1).strip();
      }
      p = RootedPaths.clean("/" + p).substring(1);
      if (p.isEmpty()) {
        continue;
      }
      rules.add(new Rule(p, PathGlob.compile(p, true), p.split("/").length, exception));
    }
    return new ExcludeMatcher(List.copyOf(rules));
  }

  /**
   * Whether {@code relativePath} is excluded. A directory that matches is still entered when an
   * exception pattern names something inside it, so that the exception can apply.
   */
  boolean excludes(String relativePath, boolean isDirectory) {
    if (!matches(relativePath)) {
      return false;
    }
    if (isDirectory) {
      String prefix = relativePath + "/";
      for (Rule r : rules) {
        if (r.exception && (r.text + "/").startsWith(prefix)) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean matches(String path) {
    String[] parts = path.split("/");
    boolean matched = false;
    for (Rule r : rules) {
      boolean hit = r.glob.matches(path);
      if (!hit && r.depth < parts.length) {
        hit = r.glob.matches(String.join("/", List.of(parts).subList(0, r.depth)));
      }
      if (hit) {
        matched = !r.exception;
      }
    }
    return matched;
  }
}
