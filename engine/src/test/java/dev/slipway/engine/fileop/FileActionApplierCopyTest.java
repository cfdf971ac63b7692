package dev.slipway.engine.fileop;

import static dev.slipway.engine.fileop.FsFixture.copy;
import static dev.slipway.engine.fileop.FsFixture.dir;
import static dev.slipway.engine.fileop.FsFixture.exists;
import static dev.slipway.engine.fileop.FsFixture.file;
import static dev.slipway.engine.fileop.FsFixture.read;
import static dev.slipway.engine.fileop.FsFixture.stat;
import static dev.slipway.engine.fileop.FsFixture.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.graph.FileAction;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * COPY semantics, where things land: slash rules, wildcards, merging, excludes and --parents, each
 * case cross-checked with the BuildKit goldens in shared/conformance/golden (named in the test).
 */
class FileActionApplierCopyTest extends CopyFixture {

  /** golden copy-dir-and-slash. */
  @Test
  void directorySourceCopiesItsContentsAndSlashRulesApply() throws IOException {
    file(ctx, "dir/a.txt", "a\n", 0644);
    file(ctx, "dir/sub/b.txt", "b\n", 0644);
    file(ctx, "file.txt", "f\n", 0644);
    file(ctx, "other.txt", "o\n", 0644);

    apply(copy(List.of("/dir"), "/contents-of-dir"));
    apply(copy(List.of("/dir"), "/existing/"));
    apply(copy(List.of("/file.txt"), "/newdir/"));
    apply(copy(List.of("/file.txt"), "/newfile"));
    apply(copy(List.of("/file.txt", "/other.txt"), "/multi/"));
    dir(root, "isdir");
    apply(copy(List.of("/file.txt"), "/isdir"));
    apply(copy(List.of("/other.txt"), "/deep/er/path/renamed.txt"));

    assertThat(read(root, "contents-of-dir/a.txt")).isEqualTo("a\n");
    assertThat(read(root, "contents-of-dir/sub/b.txt")).isEqualTo("b\n");
    assertThat(exists(root, "contents-of-dir/dir")).isFalse();
    assertEntry(stat(root, "contents-of-dir"), 0755, 0, 0);
    assertThat(read(root, "existing/sub/b.txt")).isEqualTo("b\n");
    assertThat(read(root, "newdir/file.txt")).isEqualTo("f\n");
    assertThat(stat(root, "newfile").isRegular()).isTrue();
    assertThat(read(root, "multi/other.txt")).isEqualTo("o\n");
    assertThat(read(root, "isdir/file.txt")).isEqualTo("f\n");
    assertEntry(stat(root, "deep/er"), 0755, 0, 0);
    assertThat(read(root, "deep/er/path/renamed.txt")).isEqualTo("o\n");
  }

  /** golden copy-multi-src-no-slash: BuildKit does not insist on a directory; the last wins. */
  @Test
  void severalSourcesToAPathWithoutSlashLeaveTheLastOne() throws IOException {
    file(ctx, "a.txt", "a\n");
    file(ctx, "b.txt", "b\n");
    apply(copy(List.of("/a.txt", "/b.txt"), "/notadir"));
    assertThat(read(root, "notadir")).isEqualTo("b\n");
  }

  /** golden copy-wildcards. */
  @Test
  void wildcardsMatchNamesAndMatchedDirectoriesCopyTheirContents() throws IOException {
    for (String f : List.of("a.txt", "b.txt", "c.md", "file1.md", "file2.md", "file10.md")) {
      file(ctx, f, f);
    }
    for (String f : List.of("x.cfg", "y.cfg", "z.cfg")) {
      file(ctx, f, f);
    }
    file(ctx, "dir1/in1.txt", "1");
    file(ctx, "dir2/in2.txt", "2");
    file(ctx, "other/nested.txt", "n");

    apply(copy(List.of("/*.txt"), "/star/"));
    apply(copy(List.of("/file?.md"), "/question/"));
    apply(copy(List.of("/[xy].cfg"), "/class/"));
    apply(copy(List.of("/dir*"), "/dirglob/"));

    assertThat(list("star")).containsExactly("a.txt", "b.txt");
    assertThat(list("question")).containsExactly("file1.md", "file2.md");
    assertThat(list("class")).containsExactly("x.cfg", "y.cfg");
    assertThat(list("dirglob")).containsExactly("in1.txt", "in2.txt");
  }

  @Test
  void wildcardWithoutMatchesFailsUnlessEmptyIsAllowed() throws IOException {
    file(ctx, "a.txt", "a");
    FileAction.Copy strict =
        with(copy(List.of("/*.nothing"), "/x/"), false, List.of(), false, false, false);
    assertThatThrownBy(() -> apply(strict))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("no source files were specified")
        .hasMessageContaining("/*.nothing");
    apply(copy(List.of("/*.nothing"), "/x/"));
    assertThat(exists(root, "x")).isFalse();
  }

  /** golden copy-missing-source (an error). */
  @Test
  void missingSourceIsATypedErrorNamingThePath() {
    assertThatThrownBy(() -> apply(copy(List.of("/does-not-exist.txt"), "/x")))
        .isInstanceOf(SourceNotFoundException.class)
        .hasMessageContaining("\"/does-not-exist.txt\" not found")
        .satisfies(
            e -> assertThat(((SourceNotFoundException) e).path()).isEqualTo("/does-not-exist.txt"));
  }

  @Test
  void copyingOntoAnExistingDirectoryMerges() throws IOException {
    file(root, "app/keep.txt", "keep");
    file(root, "app/replace.txt", "old");
    file(ctx, "src/replace.txt", "new");
    file(ctx, "src/added.txt", "added");
    apply(copy(List.of("/src"), "/app"));
    assertThat(list("app")).containsExactly("added.txt", "keep.txt", "replace.txt");
    assertThat(read(root, "app/replace.txt")).isEqualTo("new");
  }

  @Test
  void aFileCannotReplaceADirectoryUnlessAlwaysReplaceIsSet() throws IOException {
    file(root, "app/conf/x", "x");
    file(ctx, "src/conf", "file now");
    FileAction.Copy plain = copy(List.of("/src"), "/app");
    assertThatThrownBy(() -> apply(plain))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("cannot replace directory conf");
    apply(with(plain, true, List.of(), false, false, true));
    assertThat(read(root, "app/conf")).isEqualTo("file now");
  }

  @Test
  void excludesSkipMatchingEntriesWithDockerignoreSyntax() throws IOException {
    file(ctx, "app/main.go", "m");
    file(ctx, "app/README.md", "r");
    file(ctx, "app/docs/guide.md", "g");
    file(ctx, "app/docs/keep.md", "k");
    file(ctx, "app/vendor/lib/x.go", "x");
    FileAction.Copy c =
        with(
            copy(List.of("/app"), "/out/"),
            true,
            List.of("**/*.md", "!docs/keep.md", "vendor"),
            false,
            false,
            false);
    apply(c);
    assertThat(list("out")).containsExactly("docs", "main.go");
    assertThat(list("out/docs")).containsExactly("keep.md");
  }

  @Test
  void excludesAlsoFilterWildcardMatches() throws IOException {
    file(ctx, "home.txt", "t");
    file(ctx, "homer.bin", "b");
    apply(with(copy(List.of("/hom*"), "/mydir/"), true, List.of("*.txt"), false, false, false));
    assertThat(list("mydir")).containsExactly("homer.bin");
  }

  @Test
  void parentsKeepTheSourceDirectoryStructure() throws IOException {
    file(ctx, "x/a.txt", "a");
    file(ctx, "y/sub/b.md", "b");
    file(ctx, "y/sub/c.txt", "c");
    PosixAttrs.chmod(ctx.resolve("y/sub"), 0750);
    apply(
        with(
            copy(List.of("/x/a.txt", "/y/**/*.md"), "/dest/"),
            true,
            List.of(),
            true,
            false,
            false));
    assertThat(read(root, "dest/x/a.txt")).isEqualTo("a");
    assertThat(read(root, "dest/y/sub/b.md")).isEqualTo("b");
    assertThat(exists(root, "dest/y/sub/c.txt")).isFalse();
    assertThat(stat(root, "dest/y/sub").permissions()).isEqualTo(0750);
  }

  @Test
  void parentsBelowAPivotMarkerDropTheLeadingDirectories() throws IOException {
    file(ctx, "src/app/pkg/a.go", "a");
    apply(with(copy(List.of("/src/./app/pkg/a.go"), "/go/"), true, List.of(), true, false, false));
    assertThat(read(root, "go/app/pkg/a.go")).isEqualTo("a");
  }
}
