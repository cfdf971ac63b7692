package dev.slipway.engine.fileop;

import static dev.slipway.engine.fileop.FsFixture.copy;
import static dev.slipway.engine.fileop.FsFixture.dir;
import static dev.slipway.engine.fileop.FsFixture.file;
import static dev.slipway.engine.fileop.FsFixture.link;
import static dev.slipway.engine.fileop.FsFixture.read;
import static dev.slipway.engine.fileop.FsFixture.stat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * COPY semantics for symbolic links: kept inside a tree, followed when named, and never a way out
 * of the source or destination root.
 */
class FileActionApplierCopyLinksTest extends CopyFixture {

  /** golden fs-symlinks. */
  @Test
  void symlinksInsideATreeStayLinksAndNamedOnesAreFollowed() throws IOException {
    file(ctx, "target.txt", "target\n");
    file(ctx, "dir/in.txt", "inside\n");
    link(ctx, "rel-link.txt", "target.txt");
    link(ctx, "abs-link", "/etc/passwd");
    link(ctx, "dangling", "does-not-exist");
    link(ctx, "dir-link", "dir");

    apply(copy(List.of("/"), "/ctx/"));
    apply(copy(List.of("/rel-link.txt"), "/followed.txt"));
    apply(copy(List.of("/dir-link"), "/dir-link-contents/"));

    assertThat(Files.readSymbolicLink(root.resolve("ctx/abs-link"))).hasToString("/etc/passwd");
    assertThat(Files.readSymbolicLink(root.resolve("ctx/dangling"))).hasToString("does-not-exist");
    assertThat(Files.readSymbolicLink(root.resolve("ctx/dir-link"))).hasToString("dir");
    assertThat(stat(root, "followed.txt").isRegular()).isTrue();
    assertThat(read(root, "followed.txt")).isEqualTo("target\n");
    assertThat(read(root, "dir-link-contents/in.txt")).isEqualTo("inside\n");
  }

  @Test
  void aSourceLinkOutOfTheRootReadsInsideTheSourceRootNotTheHost() throws IOException {
    link(ctx, "escape", "/etc/passwd");
    link(ctx, "dotdot", "../../../../../../../../etc/passwd");
    file(ctx, "etc/passwd", "ctx-passwd\n");

    apply(copy(List.of("/escape"), "/a"));
    apply(copy(List.of("/dotdot"), "/b"));

    assertThat(read(root, "a")).isEqualTo("ctx-passwd\n");
    assertThat(read(root, "b")).isEqualTo("ctx-passwd\n");
  }

  @Test
  void aSourceLinkToAMissingPathOutsideIsNotFound() throws IOException {
    link(ctx, "shadow", "/etc/shadow");
    assertThatThrownBy(() -> apply(copy(List.of("/shadow"), "/x")))
        .isInstanceOf(SourceNotFoundException.class);
  }

  @Test
  void aDestinationLinkOutOfTheRootWritesInsideTheRoot(@TempDir Path outside) throws IOException {
    link(root, "out", outside.toString());
    link(root, "up", "../../../../../../..");
    file(ctx, "f.txt", "f\n");

    apply(copy(List.of("/f.txt"), "/out/"));
    apply(copy(List.of("/f.txt"), "/up/tmp/escaped.txt"));

    try (var s = Files.list(outside)) {
      assertThat(s.toList()).isEmpty();
    }
    assertThat(read(root, outside.toString().substring(1) + "/f.txt")).isEqualTo("f\n");
    assertThat(read(root, "tmp/escaped.txt")).isEqualTo("f\n");
  }

  @Test
  void anExistingLinkAtTheTargetIsReplacedNotWrittenThrough(@TempDir Path outside)
      throws IOException {
    Path victim = file(outside, "victim", "original");
    dir(root, "d");
    link(root, "d/f.txt", victim.toString());
    file(ctx, "src/f.txt", "new");

    apply(copy(List.of("/src"), "/d/"));

    assertThat(Files.readString(victim)).isEqualTo("original");
    assertThat(stat(root, "d/f.txt").isRegular()).isTrue();
    assertThat(read(root, "d/f.txt")).isEqualTo("new");
  }
}
