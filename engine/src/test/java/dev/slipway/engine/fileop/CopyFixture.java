package dev.slipway.engine.fileop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.graph.FileAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** What the COPY tests share: a context directory, a destination image with users, the applier. */
abstract class CopyFixture {

  @TempDir Path ctx;
  @TempDir Path root;

  private final FileActionApplier applier = new FileActionApplier();

  @BeforeEach
  void destinationImage() throws IOException {
    FsFixture.userDatabase(root);
  }

  void apply(FileAction a) {
    applier.apply(a, root, v -> ctx);
  }

  static void assertEntry(PosixAttrs a, int mode, int uid, int gid) {
    assertThat(Integer.toOctalString(a.permissions())).isEqualTo(Integer.toOctalString(mode));
    assertThat(a.uid()).as("uid").isEqualTo(uid);
    assertThat(a.gid()).as("gid").isEqualTo(gid);
  }

  /** The sorted names in a directory of the destination. */
  List<String> list(String rel) throws IOException {
    try (var s = Files.list(root.resolve(rel))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
