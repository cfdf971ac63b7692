package dev.slipway.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

/**
 * Package cycles among a module's {@code dev.slipway} packages, read from its compiled classes by
 * jdeps (run in-process), so what is checked is what the compiler actually linked: imports, fully
 * qualified names and same-package references alike. Each module has one test that calls {@link
 * #assertNone} on its {@code target/classes} and, separately, its {@code target/test-classes}.
 */
public final class PackageCycles {
  private static final String PREFIX = "dev.slipway";

  private PackageCycles() {}

  /**
   * Fails listing every cycle's packages when the classes under any of {@code dirs} have one. A
   * missing directory fails too: a check run from the wrong place must not pass by seeing nothing.
   */
  public static void assertNone(Path... dirs) {
    List<String> failures = new ArrayList<>();
    for (Path dir : dirs) {
      if (!Files.isDirectory(dir)) {
        throw new AssertionError(
            dir.toAbsolutePath() + " does not exist: compile the module first");
      }
      in(dir).forEach(c -> failures.add("  " + dir + ": " + String.join(" <-> ", c)));
    }
    if (!failures.isEmpty()) {
      throw new AssertionError("package cycles:\n" + String.join("\n", failures));
    }
  }

  /**
   * The strongly connected components of more than one package among the {@code dev.slipway}
   * packages of the classes under {@code dir}. The edges are those of these classes only, including
   * their edges into other directories' classes (a test helper using a main class), but not the
   * edges of those other classes: a test in package {@code x} may drive the module through its root
   * package, which uses {@code x}, without that counting as a cycle of the test classes.
   */
  public static List<Set<String>> in(Path dir) {
    Map<String, Set<String>> uses = new TreeMap<>();
    edges(dir, uses);
    if (uses.isEmpty()) { // rather than pass because jdeps saw nothing
      throw new IllegalStateException("jdeps found no " + PREFIX + " classes under " + dir);
    }
    return new Tarjan(uses).components();
  }

  /** Adds the {@code dev.slipway} package edges jdeps reports for the classes under {@code dir}. */
  private static void edges(Path dir, Map<String, Set<String>> uses) {
    ToolProvider jdeps =
        ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new IllegalStateException("jdeps is not in this JDK"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "-verbose:package",
            "-filter:none",
            dir.toString());
    if (exit != 0) {
      throw new IllegalStateException("jdeps " + dir + " exited " + exit + ": " + err + out);
    }
    // Lines look like "   dev.slipway.a   -> dev.slipway.b   classes".
    for (String line : out.toString().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && f[1].equals("->") && isOurs(f[0])) {
        Set<String> used = uses.computeIfAbsent(f[0], p -> new TreeSet<>());
        if (isOurs(f[2]) && !f[0].equals(f[2])) {
          used.add(f[2]);
          uses.computeIfAbsent(f[2], p -> new TreeSet<>());
        }
      }
    }
  }

  private static boolean isOurs(String pkg) {
    return pkg.equals(PREFIX) || pkg.startsWith(PREFIX + ".");
  }

  /** Tarjan's strongly connected components, keeping those with more than one package. */
  private static final class Tarjan {
    private final Map<String, Set<String>> uses;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Integer> low = new HashMap<>();
    private final Deque<String> stack = new ArrayDeque<>();
    private final Set<String> onStack = new HashSet<>();
    private final List<Set<String>> found = new ArrayList<>();

    Tarjan(Map<String, Set<String>> uses) {
      this.uses = uses;
    }

    List<Set<String>> components() {
      for (String pkg : uses.keySet()) {
        if (!index.containsKey(pkg)) {
          visit(pkg);
        }
      }
      return found;
    }

    private void visit(String pkg) {
      index.put(pkg, index.size());
      low.put(pkg, index.get(pkg));
      stack.push(pkg);
      onStack.add(pkg);
      for (String next : uses.getOrDefault(pkg, Set.of())) {
        if (!index.containsKey(next)) {
          visit(next);
          low.put(pkg, Math.min(low.get(pkg), low.get(next)));
        } else if (onStack.contains(next)) {
          low.put(pkg, Math.min(low.get(pkg), index.get(next)));
        }
      }
      if (low.get(pkg).equals(index.get(pkg))) {
        Set<String> component = new TreeSet<>();
        String member;
        do {
          member = stack.pop();
          onStack.remove(member);
          component.add(member);
        } while (!member.equals(pkg));
        if (component.size() > 1) {
          found.add(component);
        }
      }
    }
  }
}
