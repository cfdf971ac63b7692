package dev.slipway.engine.fileop;

import static dev.slipway.engine.fileop.FsFixture.copy;
import static dev.slipway.engine.fileop.FsFixture.dir;
import static dev.slipway.engine.fileop.FsFixture.file;
import static dev.slipway.engine.fileop.FsFixture.link;
import static dev.slipway.engine.fileop.FsFixture.stat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.testing.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * COPY semantics, what copied entries carry: owners (--chown), modes (--chmod), mtimes, hard links
 * and extended attributes, cross-checked with the BuildKit goldens named in the tests.
 */
class FileActionApplierCopyMetadataTest extends CopyFixture {

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

  /** differential copy/chmod-created-parents, chmod-octal-dir, chmod-symbolic-created-parents. */
  @Test
  void octalChmodAlsoGivesTheDirectoriesTheCopyCreatesItsMode() throws IOException {
    file(ctx, "f.txt", "f\n", 0644);
    file(ctx, "tree/sub/s.txt", "s\n", 0644);
    dir(root, "existing");
    PosixAttrs.chmod(root.resolve("existing"), 0711);

    apply(copy(List.of("/f.txt"), "/q1/q2/f", "7", "8", "0751"));
    apply(copy(List.of("/tree"), "/made/", null, null, "0700"));
    apply(copy(List.of("/f.txt"), "/existing/f", null, null, "0600"));
    apply(copy(List.of("/f.txt"), "/sym1/sym2/f", null, null, "a+x"));

    assertEntry(stat(root, "q1"), 0751, 7, 8);
    assertEntry(stat(root, "q1/q2"), 0751, 7, 8);
    assertEntry(stat(root, "q1/q2/f"), 0751, 7, 8);
    assertEntry(stat(root, "made"), 0700, 0, 0);
    assertEntry(stat(root, "made/sub"), 0700, 0, 0);
    assertEntry(stat(root, "existing"), 0711, 0, 0);
    assertEntry(stat(root, "existing/f"), 0600, 0, 0);
    assertEntry(stat(root, "sym1"), 0755, 0, 0);
    assertEntry(stat(root, "sym1/sym2"), 0755, 0, 0);
    assertEntry(stat(root, "sym1/sym2/f"), 0755, 0, 0);
  }

  @Test
  void symbolicChmodIsRelativeToEachEntry() throws IOException {
    file(ctx, "d/exec", "x", 0700);
    file(ctx, "d/plain", "p", 0640);
    apply(copy(List.of("/d"), "/out/", null, null, "go+rX,u-w"));
    assertThat(stat(root, "out/exec").permissions()).isEqualTo(0555);
    assertThat(stat(root, "out/plain").permissions()).isEqualTo(0444);
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
}
