package dev.slipway.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalContextFilesTest {
  @TempDir Path context;

  @Test
  void selectsByPatternsWithParentsAndReportsFilesAsRootOwned() throws Exception {
    Files.createDirectories(context.resolve("src/main"));
    Files.writeString(context.resolve("src/main/App.java"), "class App {}");
    Files.writeString(context.resolve("src/main/App.class"), "bytes");
    Files.writeString(context.resolve("README"), "read me");

    List<ContextFile> files =
        new LocalContextFiles(context).stat(List.of("src"), List.of("**/*.class"), List.of());

    assertThat(files)
        .extracting(ContextFile::path)
        .containsExactly("src", "src/main", "src/main/App.java");
    assertThat(files).allSatisfy(f -> assertThat(f.uid()).isZero());
    assertThat(files.get(2).isRegularFile()).isTrue();
    assertThat(files.get(2).size()).isEqualTo(12);
  }

  @Test
  void secondNamesOfAFileAreHardLinksToTheFirst() throws Exception {
    Files.writeString(context.resolve("a"), "shared content");
    Files.createDirectories(context.resolve("d"));
    Files.createLink(context.resolve("b"), context.resolve("a"));
    Files.createLink(context.resolve("d/c"), context.resolve("a"));

    List<ContextFile> files = new LocalContextFiles(context).stat(List.of(), List.of(), List.of());

    assertThat(files)
        .filteredOn(ContextFile::isRegularFile)
        .extracting(ContextFile::path, ContextFile::linkTarget)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", ""),
            org.assertj.core.groups.Tuple.tuple("b", "a"),
            org.assertj.core.groups.Tuple.tuple("d/c", "a"));
  }

  @Test
  void aFollowedSymlinkBringsItsTargetAlong() throws Exception {
    Files.writeString(context.resolve("target.txt"), "the target");
    Files.createSymbolicLink(context.resolve("link.txt"), Path.of("target.txt"));

    List<ContextFile> files =
        new LocalContextFiles(context).stat(List.of("link.txt"), List.of(), List.of("link.txt"));

    assertThat(files).extracting(ContextFile::path).containsExactly("link.txt", "target.txt");
    assertThat(files.get(0).isSymlink()).isTrue();
  }

  @Test
  void theMirrorFetchesOnlyWhatChanged(@TempDir Path state) throws Exception {
    for (int i = 0; i < 20; i++) {
      Files.writeString(context.resolve("f" + i), "content " + i);
    }
    ContextFiles client = new LocalContextFiles(context);
    ContextMirror mirror = ContextMirror.open(state);

    ContextMirror.Sync first = mirror.sync(client, List.of(), List.of(), List.of(), (c, t) -> {});
    Files.writeString(context.resolve("f7"), "changed content");
    ContextMirror.Sync second =
        ContextMirror.open(state).sync(client, List.of(), List.of(), List.of(), (c, t) -> {});

    assertThat(first.filesTransferred()).isEqualTo(20);
    assertThat(second.filesTransferred()).isEqualTo(1);
    assertThat(second.bytesTransferred()).isEqualTo("changed content".length());
    assertThat(second.checksum()).isNotEqualTo(first.checksum());
    assertThat(Files.readString(mirror.root().resolve("f7"))).isEqualTo("changed content");
  }
}
