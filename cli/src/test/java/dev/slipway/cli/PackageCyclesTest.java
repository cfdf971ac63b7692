package dev.slipway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CLI's packages depend on each other one way (command → backends → progress, usage): read from
 * the sources' imports and qualified names, so a new cycle fails here, not in review.
 */
class PackageCyclesTest {
  private static final Path SOURCES = Path.of("src/main/java");
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern REFERENCE =
      Pattern.compile("\\b(dev\\.slipway\\.cli(?:\\.[a-z]\\w*)*)\\.[A-Z]");

  @Test
  void cliPackagesHaveNoCycles() throws IOException {
    Map<String, Set<String>> uses = dependencies();
    assertThat(uses).containsKeys("dev.slipway.cli.command", "dev.slipway.cli.backend");
    List<List<String>> cycles = new ArrayList<>();
    for (String start : uses.keySet()) {
      findCycle(start, start, uses, new ArrayList<>(List.of(start)), cycles);
    }
    assertThat(cycles).as("package cycles").isEmpty();
  }

  private static Map<String, Set<String>> dependencies() throws IOException {
    Map<String, Set<String>> uses = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      files
          .filter(f -> f.toString().endsWith(".java"))
          .forEach(
              f -> {
                String text = read(f);
                Matcher pkg = PACKAGE.matcher(text);
                if (!pkg.find()) {
                  return;
                }
                Set<String> used = uses.computeIfAbsent(pkg.group(1), p -> new TreeSet<>());
                Matcher ref = REFERENCE.matcher(text);
                while (ref.find()) {
                  if (!ref.group(1).equals(pkg.group(1))) {
                    used.add(ref.group(1));
                  }
                }
              });
    }
    return uses;
  }

  /** Depth-first from {@code start}: records each path that leads back to it. */
  private static void findCycle(
      String start,
      String at,
      Map<String, Set<String>> uses,
      List<String> path,
      List<List<String>> cycles) {
    for (String next : uses.getOrDefault(at, Set.of())) {
      if (next.equals(start)) {
        List<String> cycle = new ArrayList<>(path);
        cycle.add(start);
        cycles.add(cycle);
      } else if (!path.contains(next) && next.compareTo(start) > 0) {
        path.add(next);
        findCycle(start, next, uses, path, cycles);
        path.remove(path.size() - 1);
      }
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
