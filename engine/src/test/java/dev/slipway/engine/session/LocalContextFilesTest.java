package dev.slipway.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.frontend.dockerfile.dockerignore.PatternMatcher;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  /** A tree with files at several depths, a symlinked directory and names sharing prefixes. */
  private void writeTree() throws Exception {
    for (String f :
        List.of(
            "Dockerfile",
            ".dockerignore",
            "a/b/one.txt",
            "a/b/two.log",
            "a/b/c/three.txt",
            "a/bb/four.txt",
            "a-b/five.txt",
            "src/main/App.java",
            "src/test/AppTest.java")) {
      Files.createDirectories(context.resolve(f).getParent());
      Files.writeString(context.resolve(f), f);
    }
    Files.createSymbolicLink(context.resolve("linked"), Path.of("a"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "Dockerfile       |                 | Dockerfile",
        "a/b/*.txt        |                 | a,a/b,a/b/one.txt",
        "a/b              | **/*.log        | a,a/b,a/b/c,a/b/c/three.txt,a/b/one.txt",
        "a/b*/*.txt       |                 | a,a/b,a/b/one.txt,a/bb,a/bb/four.txt",
        "**/*.txt         | a/b/c           | a,a-b,a-b/five.txt,a/b,a/b/one.txt,a/bb,a/bb/four.txt",
        "a;!a/bb          |                 | a,a/b,a/b/c,a/b/c/three.txt,a/b/one.txt,a/b/two.log",
        "src/*/App*.java  | src/test;!src/test/AppTest.java"
            + " | src,src/main,src/main/App.java,src/test,src/test/AppTest.java",
        "linked/b/one.txt;linked | | linked",
        "missing/x;./a/bb |                 | a,a/bb,a/bb/four.txt",
        "a/[b]/one.txt    |                 | a,a/b,a/b/one.txt",
      })
  void selectsTheSamePathsAsFilteringTheWholeContext(
      String includes, String excludes, String expected) throws Exception {
    writeTree();
    List<String> include = List.of(includes.split(";"));
    List<String> exclude = excludes == null ? List.of() : List.of(excludes.split(";"));
    LocalContextFiles files = new LocalContextFiles(context);

    List<String> selected =
        files.stat(include, exclude, List.of()).stream().map(ContextFile::path).toList();

    assertThat(selected).containsExactly(expected.split(","));
    assertThat(selected).isEqualTo(filteredWholeContext(files, include, exclude));
  }

  /** What the include patterns select from a listing of the whole context, with parents. */
  private static List<String> filteredWholeContext(
      LocalContextFiles files, List<String> include, List<String> exclude) throws Exception {
    PatternMatcher matcher = PatternMatcher.of(include);
    TreeSet<String> selected = new TreeSet<>();
    for (ContextFile f : files.stat(List.of(), exclude, List.of())) {
      if (matcher.matches(f.path())) {
        selected.add(f.path());
        for (int slash = f.path().indexOf('/');
            slash > 0;
            slash = f.path().indexOf('/', slash + 1)) {
          selected.add(f.path().substring(0, slash));
        }
      }
    }
    return List.copyOf(selected);
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
