package dev.slipway.confined;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfinedRootTest {
  @TempDir Path dir;
  Path root;
  Path outside;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectory(dir.resolve("root"));
    outside = Files.createDirectory(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "s3cret");
  }

  @Test
  void aStrictRootRefusesToWriteThroughAListedSymlink() throws Exception {
    ConfinedRoot strict = ConfinedRoot.refusingLinks(root, "the test root");
    strict.createSymlink("a", outside.toString());

    assertThatThrownBy(() -> strict.writeFile("a/x", out -> out.write(1)))
        .isInstanceOf(PathEscapeException.class)
        .hasMessageContaining("\"a/x\"")
        .hasMessageContaining("symlink /a");
    assertThat(outside.resolve("x")).doesNotExist();
  }

  @Test
  void aFileNameNearTheFilesystemLimitIsWrittenAndNoTemporaryNameIsLeft() throws Exception {
    ConfinedRoot strict = ConfinedRoot.refusingLinks(root, "the test root");
    String name = "n".repeat(250);

    strict.writeFile(name, out -> out.write('x'));

    assertThat(root.resolve(name)).hasContent("x");
    try (var left = Files.list(root)) {
      assertThat(left).containsExactly(root.resolve(name));
    }
  }

  @Test
  void aStrictRootRefusesDotDot() {
    ConfinedRoot strict = ConfinedRoot.refusingLinks(root, "the test root");
    assertThatThrownBy(() -> strict.writeFile("../outside/x", out -> out.write(1)))
        .isInstanceOf(PathEscapeException.class)
        .hasMessageContaining("leaves the test root");
    assertThat(outside.resolve("x")).doesNotExist();
  }

  @Test
  void aFollowingRootResolvesLinksInsideIt() throws Exception {
    ConfinedRoot following = ConfinedRoot.followingLinksInside(root, "the test root");
    following.createSymlink("lib", "/../../usr/lib");
    following.writeFile("lib/x", out -> out.write('x'));

    assertThat(root.resolve("usr/lib/x")).hasContent("x");
    assertThat(Files.isSymbolicLink(root.resolve("lib"))).isTrue();
  }

  @Test
  void aWriteReplacesALinkInsteadOfFollowingIt() throws Exception {
    ConfinedRoot following = ConfinedRoot.followingLinksInside(root, "the test root");
    Files.createSymbolicLink(root.resolve("f"), outside.resolve("secret"));
    following.writeFile("f", out -> out.write('y'));

    assertThat(Files.isSymbolicLink(root.resolve("f"))).isFalse();
    assertThat(outside.resolve("secret")).hasContent("s3cret");
  }

  @Test
  void hardLinksReachOnlyRegularFilesInsideTheRoot() throws Exception {
    ConfinedRoot strict = ConfinedRoot.refusingLinks(root, "the test root");
    strict.createSymlink("s", outside.resolve("secret").toString());
    strict.writeFile("f", out -> out.write('f'));

    assertThatThrownBy(() -> strict.createHardLink("h", "s"))
        .isInstanceOf(PathEscapeException.class)
        .hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> strict.createHardLink("h", "../outside/secret"))
        .isInstanceOf(PathEscapeException.class);
    strict.createHardLink("h", "f");
    assertThat(Files.isSameFile(root.resolve("h"), root.resolve("f"))).isTrue();
  }

  @Test
  void modesAreNotSetThroughALink() throws Exception {
    ConfinedRoot strict = ConfinedRoot.refusingLinks(root, "the test root");
    Path link = strict.createSymlink("s", outside.resolve("secret").toString());
    int before = (Integer) Files.getAttribute(outside.resolve("secret"), "unix:mode");

    assertThatThrownBy(() -> strict.setMode(link, 0777)).isInstanceOf(ConfinedPathException.class);
    assertThat(Files.getAttribute(outside.resolve("secret"), "unix:mode")).isEqualTo(before);
    assertThatThrownBy(() -> strict.setMode(outside.resolve("secret"), 0777))
        .isInstanceOf(PathEscapeException.class);
  }

  @Test
  void readsRefuseLinksInAStrictRoot() throws Exception {
    ConfinedRoot strict = ConfinedRoot.refusingLinks(root, "the test root");
    strict.createSymlink("d", outside.toString());
    strict.writeFile("ok", out -> out.write("fine".getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(() -> strict.openFile("d/secret")).isInstanceOf(PathEscapeException.class);
    try (InputStream in = strict.openFile("ok")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("fine");
    }
    assertThat(Files.exists(root.resolve("d"), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }
}
