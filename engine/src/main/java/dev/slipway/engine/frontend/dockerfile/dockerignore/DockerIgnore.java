package dev.slipway.engine.frontend.dockerfile.dockerignore;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.SourcePosition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * A {@code .dockerignore} file: one pattern per line, {@code #} comments, blank lines ignored,
 * {@code !} exceptions, leading {@code /} and {@code ./} and redundant separators normalized.
 */
public final class DockerIgnore {

  private DockerIgnore() {}

  /**
   * The patterns of a .dockerignore text in order, cleaned, exceptions keeping their {@code !}.
   * Throws {@link DockerfileException} (positioned in {@code fileName}) for a malformed pattern.
   */
  public static List<String> parse(String fileName, String text) {
    List<String> patterns = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith("#")) {
        continue;
      }
      String p = line.strip();
      if (p.isEmpty()) {
        continue;
      }
      boolean exclusion = p.startsWith("!");
      if (exclusion) {
        p = p.substring(1).strip();
        if (p.isEmpty()) {
          throw new DockerfileException(
              new SourcePosition(fileName, i + 1, 1),
              "illegal exclusion pattern \"!\": write !<pattern>");
        }
      }
      p = cleanPath(p);
      String pattern = exclusion ? "!" + p : p;
      try {
        PatternMatcher.compile(p);
      } catch (IllegalArgumentException e) {
        throw new DockerfileException(new SourcePosition(fileName, i + 1, 1), e.getMessage());
      }
      patterns.add(pattern);
    }
    return patterns;
  }

  /**
   * Where the ignore file of a Dockerfile is: {@code <Dockerfile name>.dockerignore} next to the
   * Dockerfile when it exists, else {@code .dockerignore} at the context root.
   */
  public static Optional<Path> locate(Path dockerfile, Path contextDir) {
    Path specific = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
    if (Files.isRegularFile(specific)) {
      return Optional.of(specific);
    }
    Path general = contextDir.resolve(".dockerignore");
    return Files.isRegularFile(general) ? Optional.of(general) : Optional.empty();
  }

  /** Reads and parses the ignore file of a Dockerfile; no file means no patterns. */
  public static List<String> load(Path dockerfile, Path contextDir) throws IOException {
    Optional<Path> file = locate(dockerfile, contextDir);
    if (file.isEmpty()) {
      return List.of();
    }
    return parse(
        file.get().getFileName().toString(), Files.readString(file.get(), StandardCharsets.UTF_8));
  }

  /** Lexical clean of a slash path ({@code filepath.Clean}), made relative to the context root. */
  public static String cleanPath(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String el : path.split("/")) {
      if (el.isEmpty() || el.equals(".")) {
        continue;
      }
      if (el.equals("..")) {
        if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
          parts.removeLast();
        } else if (!path.startsWith("/")) {
          parts.addLast("..");
        }
        continue;
      }
      parts.addLast(el);
    }
    return parts.isEmpty() ? "." : String.join("/", parts);
  }
}
