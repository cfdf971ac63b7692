package dev.slipway.engine.fileop;

import static dev.slipway.engine.fileop.FsFixture.copy;
import static dev.slipway.engine.fileop.FsFixture.dir;
import static dev.slipway.engine.fileop.FsFixture.exists;
import static dev.slipway.engine.fileop.FsFixture.file;
import static dev.slipway.engine.fileop.FsFixture.link;
import static dev.slipway.engine.fileop.FsFixture.read;
import static dev.slipway.engine.fileop.FsFixture.stat;
import static dev.slipway.engine.fileop.FsFixture.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.graph.FileAction;
import dev.slipway.testing.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * COPY semantics, each case cross-checked with the BuildKit goldens in shared/conformance/golden
 * (named in the test).
 */
class FileActionApplierCopyTest {

  @TempDir Path ctx;
  @TempDir Path root;

  private final FileActionApplier applier = new FileActionApplier();

  @BeforeEach
  void destinationImage() throws IOException {
    FsFixture.userDatabase(root);
  }

  private void apply(FileAction a) {
    applier.apply(a, root, v -> ctx);
  }

  private static void assertEntry(PosixAttrs a, int mode, int uid, int gid) {
    assertThat(Integer.toOctalString(a.permissions())).isEqualTo(Integer.toOctalString(mode));
    assertThat(a.uid()).as("uid").isEqualTo(uid);
    assertThat(a.gid()).as("gid").isEqualTo(gid);
  }

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

  /** golden copy-chown. */
  @Test
  void chownResolvesNamesInTheDestinationAndOwnsCreatedParents() throws IOException {
    file(ctx, "f.txt", "f\n", 0644);
    file(ctx, "tree/t.txt", "t\n", 0644);
    file(ctx, "tree/sub/s.txt", "s\n", 0644);

    apply(copy(List.of("/f.txt"), "/numeric.txt", "1234", "5678", null));
    apply(copy(List.of("/f.txt"), "/named.txt", "nobody", "nogroup", null));
    apply(copy(List.of("/f.txt"), "/user-only-named.txt", "nobody", null, null));
    apply(copy(List.of("/f.txt"), "/uid-only.txt", "42", null, null));
    apply(copy(List.of("/f.txt"), "/mixed.txt", "7", "root", null));
    apply(copy(List.of("/tree"), "/tree/", "1000", "1000", null));
    apply(copy(List.of("/f.txt"), "/new/parent/dirs/f.txt", "1000", "1000", null));

    assertEntry(stat(root, "numeric.txt"), 0644, 1234, 5678);
    assertEntry(stat(root, "named.txt"), 0644, 65534, 65534);
    assertEntry(stat(root, "user-only-named.txt"), 0644, 65534, 65534);
    assertEntry(stat(root, "uid-only.txt"), 0644, 42, 42);
    assertEntry(stat(root, "mixed.txt"), 0644, 7, 0);
    assertEntry(stat(root, "tree"), 0755, 1000, 1000);
    assertEntry(stat(root, "tree/sub"), 0755, 1000, 1000);
    assertEntry(stat(root, "tree/sub/s.txt"), 0644, 1000, 1000);
    assertEntry(stat(root, "new"), 0755, 1000, 1000);
    assertEntry(stat(root, "new/parent/dirs"), 0755, 1000, 1000);
    assertEntry(stat(root, "new/parent/dirs/f.txt"), 0644, 1000, 1000);
  }

  @Test
  void unknownChownUserIsAnErrorNamingIt() throws IOException {
    file(ctx, "f.txt", "f\n");
    assertThatThrownBy(() -> apply(copy(List.of("/f.txt"), "/x", "nosuchuser", null, null)))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("nosuchuser")
        .hasMessageContaining("/etc/passwd");
  }

  /** golden copy-chmod. */
  @Test
  void chmodAppliesToCopiedFilesAndDirectoriesButNotToAnExistingDestination() throws IOException {
    file(ctx, "s.sh", "#!/bin/sh\necho hi\n", 0644);
    file(ctx, "f.txt", "f\n", 0644);
    file(ctx, "tree/t.txt", "t\n", 0644);
    file(ctx, "tree/sub/s.txt", "s\n", 0644);
    apply(copy(List.of("/s.sh"), "/bin-755.sh", null, null, "755"));
    apply(copy(List.of("/f.txt"), "/secret-600.txt", null, null, "0600"));
    dir(root, "tree");
    apply(copy(List.of("/tree"), "/tree/", null, null, "750"));
    apply(copy(List.of("/f.txt"), "/both.txt", "1", "1", "640"));

    assertEntry(stat(root, "bin-755.sh"), 0755, 0, 0);
    assertEntry(stat(root, "secret-600.txt"), 0600, 0, 0);
    assertEntry(stat(root, "tree"), 0755, 0, 0);
    assertEntry(stat(root, "tree/sub"), 0750, 0, 0);
    assertEntry(stat(root, "tree/sub/s.txt"), 0750, 0, 0);
    assertEntry(stat(root, "tree/t.txt"), 0750, 0, 0);
    assertEntry(stat(root, "both.txt"), 0640, 1, 1);
  }

  @Test
  void symbolicChmodIsRelativeToEachEntry() throws IOException {
    file(ctx, "d/exec", "x", 0700);
    file(ctx, "d/plain", "p", 0640);
    apply(copy(List.of("/d"), "/out/", null, null, "go+rX,u-w"));
    assertThat(stat(root, "out/exec").permissions()).isEqualTo(0555);
    assertThat(stat(root, "out/plain").permissions()).isEqualTo(0444);
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

  /** golden fs-hardlinks: kept within one source, not between separately named sources. */
  @Test
  void hardLinksStayLinkedWithinACopiedTree() throws IOException {
    Path a = file(ctx, "a", "hard-linked-a\n");
    Files.createLink(ctx.resolve("b"), a);
    dir(ctx, "d");
    Files.createLink(ctx.resolve("d/c"), a);
    file(ctx, "other", "other\n");

    apply(copy(List.of("/"), "/ctx/"));
    apply(copy(List.of("/a", "/b"), "/pair/"));

    PosixAttrs ca = stat(root, "ctx/a");
    assertThat(stat(root, "ctx/b").ino()).isEqualTo(ca.ino());
    assertThat(stat(root, "ctx/d/c").ino()).isEqualTo(ca.ino());
    assertThat(stat(root, "ctx/other").ino()).isNotEqualTo(ca.ino());
    assertThat(stat(root, "pair/a").ino()).isNotEqualTo(stat(root, "pair/b").ino());
  }

  /** golden fs-permissions-mtimes: modes incl. setuid and file mtimes survive, owner too. */
  @Test
  void modesAndMtimesArePreserved() throws IOException {
    FsFixture.mtime(file(ctx, "secret.txt", "s", 0600), 1_000_000_000L);
    FsFixture.mtime(file(ctx, "exec.sh", "e", 0755), 1_000_000_000L);
    FsFixture.mtime(file(ctx, "setuid.bin", "x", 04755), 1_000_000_000L);
    Path priv = file(ctx, "privdir/inner.txt", "i", 0644).getParent();
    PosixAttrs.chmod(priv, 0700);
    FsFixture.mtime(priv, 1_100_000_000L);

    apply(copy(List.of("/"), "/ctx/"));

    assertEntry(stat(root, "ctx/secret.txt"), 0600, 0, 0);
    assertEntry(stat(root, "ctx/exec.sh"), 0755, 0, 0);
    assertEntry(stat(root, "ctx/setuid.bin"), 04755, 0, 0);
    assertEntry(stat(root, "ctx/privdir"), 0700, 0, 0);
    assertThat(stat(root, "ctx/secret.txt").mtime().toMillis()).isEqualTo(1_000_000_000_000L);
    assertThat(stat(root, "ctx/privdir").mtime().toMillis()).isEqualTo(1_100_000_000_000L);
  }

  /** golden ms-copy-from-stage: without --chown, owners come from the source. */
  @Test
  void ownersAreKeptWithoutChownAndTopLevelLinksAreFollowed() throws IOException {
    Path artifact = file(ctx, "out/artifact", "built\n", 0640);
    Path sub = file(ctx, "out/sub/n.txt", "nested\n", 0644).getParent();
    PosixAttrs.chmod(sub, 0700);
    for (Path p : List.of(artifact, sub, sub.resolve("n.txt"), ctx.resolve("out"))) {
      PosixAttrs.lchown(p, 1234, 5678);
    }
    link(ctx, "out/link", "artifact");

    apply(copy(List.of("/out"), "/copied-dir/"));
    apply(copy(List.of("/out/link"), "/copied-link"));
    apply(copy(List.of("/out/sub"), "/chowned/", "9", "9", null));

    assertEntry(stat(root, "copied-dir"), 0755, 0, 0);
    assertEntry(stat(root, "copied-dir/artifact"), 0640, 1234, 5678);
    assertEntry(stat(root, "copied-dir/sub"), 0700, 1234, 5678);
    assertThat(stat(root, "copied-dir/link").isSymlink()).isTrue();
    assertThat(stat(root, "copied-link").isRegular()).isTrue();
    assertEntry(stat(root, "copied-link"), 0640, 1234, 5678);
    assertEntry(stat(root, "chowned"), 0755, 9, 9);
    assertEntry(stat(root, "chowned/n.txt"), 0644, 9, 9);
  }

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

  @Test
  void extendedAttributesAreCopied() throws IOException, InterruptedException {
    Path f = file(ctx, "cap.bin", "x", 0755);
    Command.of("setfattr", "-n", "user.slipway", "-v", "yes", f.toString()).output();
    Command.of(
            "setfattr",
            "-n",
            "security.capability",
            "-v",
            "0sAQAAAgAgAAAAAAAAAAAAAAAAAAA=",
            f.toString())
        .output();

    apply(copy(List.of("/cap.bin"), "/bin/"));

    String out =
        Command.of(
                "getfattr", "-d", "-m", "-", "-e", "base64", root.resolve("bin/cap.bin").toString())
            .output();
    assertThat(out)
        .contains("user.slipway=0seWVz")
        .contains("security.capability=0sAQAAAgAgAAAAAAAAAAAAAAAAAAA=");
  }

  private List<String> list(String rel) throws IOException {
    try (var s = Files.list(root.resolve(rel))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
