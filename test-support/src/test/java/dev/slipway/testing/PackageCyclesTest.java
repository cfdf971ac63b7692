package dev.slipway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageCyclesTest {
  @TempDir Path tmp;

  @Test
  void oneWayDependenciesAreNoCycle() throws IOException {
    Path classes =
        compile(
            "oneway",
            Map.of(
                "dev.slipway.a.A", "public class A { dev.slipway.b.B b; java.util.List<?> l; }",
                "dev.slipway.b.B", "public class B { dev.slipway.c.C c; }",
                "dev.slipway.c.C", "public class C {}"));

    assertThat(PackageCycles.in(classes)).isEmpty();
    PackageCycles.assertNone(classes);
  }

  @Test
  void aMissingDirectoryFailsInsteadOfPassingUnchecked() {
    assertThatThrownBy(() -> PackageCycles.assertNone(tmp.resolve("no-such-dir")))
        .hasMessageContaining("no-such-dir does not exist");
  }

  @Test
  void reportsEachCycleWithItsPackages() throws IOException {
    Path classes =
        compile(
            "cycle",
            Map.of(
                "dev.slipway.a.A", "public class A { dev.slipway.b.B b; }",
                "dev.slipway.b.B", "public class B { dev.slipway.c.C c; }",
                "dev.slipway.c.C", "public class C { dev.slipway.a.A a; }",
                "dev.slipway.d.D", "public class D { dev.slipway.a.A a; }"));

    assertThat(PackageCycles.in(classes))
        .containsExactly(Set.of("dev.slipway.a", "dev.slipway.b", "dev.slipway.c"));
    assertThatThrownBy(() -> PackageCycles.assertNone(classes))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("dev.slipway.a <-> dev.slipway.b <-> dev.slipway.c");
  }

  @Test
  void testClassesCloseACycleThroughTheMainClassesTheyUse() throws IOException {
    Path main =
        compile(
            "main",
            Map.of(
                "dev.slipway.a.A", "public class A {}",
                "dev.slipway.b.B", "public class B { dev.slipway.a.A a; }"));
    Path test =
        compile(
            "test",
            Map.of(
                "dev.slipway.t.Harness", "public class Harness { dev.slipway.a.A a; }",
                "dev.slipway.a.ATest", "class ATest { dev.slipway.t.Harness h; }"),
            main);

    assertThat(PackageCycles.in(main)).isEmpty();
    assertThat(PackageCycles.in(test)).containsExactly(Set.of("dev.slipway.a", "dev.slipway.t"));
    assertThatThrownBy(() -> PackageCycles.assertNone(main, test))
        .hasMessageContaining("test-classes: dev.slipway.a <-> dev.slipway.t");
  }

  @Test
  void aDirectoryWithoutOurClassesIsAnErrorNotAPass() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));

    assertThatThrownBy(() -> PackageCycles.in(empty)).isInstanceOf(IllegalStateException.class);
  }

  /** Compiles {@code sources} (class name to body after the package line) into a fresh dir. */
  private Path compile(String name, Map<String, String> sources, Path... classpath)
      throws IOException {
    Path src = tmp.resolve(name + "-src");
    Path out = Files.createDirectories(tmp.resolve(name + "-classes"));
    List<String> args = new ArrayList<>(List.of("-d", out.toString()));
    if (classpath.length > 0) {
      args.addAll(List.of("-cp", classpath[0].toString()));
    }
    for (Map.Entry<String, String> e : sources.entrySet()) {
      int dot = e.getKey().lastIndexOf('.');
      Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(
          file, "package " + e.getKey().substring(0, dot) + ";\n" + e.getValue() + "\n");
      args.add(file.toString());
    }
    int exit =
        ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new));
    assertThat(exit).as("javac exit").isZero();
    return out;
  }
}
