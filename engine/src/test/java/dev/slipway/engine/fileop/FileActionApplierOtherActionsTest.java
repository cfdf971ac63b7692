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
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.VertexInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ADD extraction, WORKDIR (mkdir), heredoc files (mkfile), rm and symlink actions. */
class FileActionApplierOtherActionsTest {

  @TempDir Path ctx;
  @TempDir Path root;

  private final FileActionApplier applier = new FileActionApplier();

  private void apply(FileAction a) {
    applier.apply(a, root, v -> ctx);
  }

  private static FileAction.Copy add(String source, String dest, String user, String group) {
    return with(
        copy(List.of(source), dest, user, group, null), true, List.of(), false, true, false);
  }

  /** Writes a tar with a dir, a file (setuid, owned 1000:1000), a symlink and a hard link. */
  private Path archive(String name, String compression) throws IOException {
    Path p = ctx.resolve(name);
    try (OutputStream raw = Files.newOutputStream(p);
        OutputStream c =
            switch (compression) {
              case "gzip" -> new GzipCompressorOutputStream(raw);
              case "bzip2" -> new BZip2CompressorOutputStream(raw);
              case "xz" -> new XZCompressorOutputStream(raw);
              case "zstd" -> new ZstdCompressorOutputStream(raw);
              default -> raw;
            };
        TarArchiveOutputStream tar = new TarArchiveOutputStream(c)) {
      TarArchiveEntry d = new TarArchiveEntry("pkg/");
      d.setMode(0750);
      d.setModTime(FileTime.fromMillis(1_200_000_000_000L));
      tar.putArchiveEntry(d);
      tar.closeArchiveEntry();
      byte[] data = "tool\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry f = new TarArchiveEntry("pkg/bin/tool");
      f.setMode(04755);
      f.setIds(1000, 1000);
      f.setSize(data.length);
      f.setModTime(FileTime.fromMillis(1_000_000_000_000L));
      tar.putArchiveEntry(f);
      tar.write(data);
      tar.closeArchiveEntry();
      TarArchiveEntry l = new TarArchiveEntry("pkg/link", TarArchiveEntry.LF_SYMLINK);
      l.setLinkName("bin/tool");
      tar.putArchiveEntry(l);
      tar.closeArchiveEntry();
      TarArchiveEntry h = new TarArchiveEntry("pkg/hard", TarArchiveEntry.LF_LINK);
      h.setLinkName("pkg/bin/tool");
      // Like tar(1), the link entry carries the inode's metadata, which extraction applies again.
      h.setMode(04755);
      h.setIds(1000, 1000);
      h.setModTime(FileTime.fromMillis(1_000_000_000_000L));
      tar.putArchiveEntry(h);
      tar.closeArchiveEntry();
    }
    return p;
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "gzip", "bzip2", "xz", "zstd"})
  void addExtractsTarArchivesOfEveryCompressionKeepingTheirMetadata(String compression)
      throws IOException {
    // The name does not say "tar": detection is by content.
    archive("bundle.data", compression);
    apply(add("/bundle.data", "/opt/", null, null));

    assertThat(read(root, "opt/pkg/bin/tool")).isEqualTo("tool\n");
    PosixAttrs tool = stat(root, "opt/pkg/bin/tool");
    assertThat(tool.permissions()).isEqualTo(04755);
    assertThat(tool.uid()).isEqualTo(1000);
    assertThat(tool.mtime().toMillis()).isEqualTo(1_000_000_000_000L);
    assertThat(stat(root, "opt/pkg").permissions()).isEqualTo(0750);
    assertThat(stat(root, "opt/pkg").mtime().toMillis()).isEqualTo(1_200_000_000_000L);
    assertThat(Files.readSymbolicLink(root.resolve("opt/pkg/link"))).hasToString("bin/tool");
    assertThat(stat(root, "opt/pkg/hard").ino()).isEqualTo(tool.ino());
    assertThat(exists(root, "opt/bundle.data")).isFalse();
  }

  @Test
  void addWithChownOverridesArchiveOwners() throws IOException {
    archive("a.tar.gz", "gzip");
    apply(add("/a.tar.gz", "/x", "7", "8"));
    assertThat(stat(root, "x/pkg/bin/tool").uid()).isEqualTo(7);
    assertThat(stat(root, "x/pkg/bin/tool").gid()).isEqualTo(8);
    assertThat(stat(root, "x").uid()).isEqualTo(7);
  }

  @Test
  void addOfANonArchiveCopiesTheFileEvenWithATarName() throws IOException {
    file(ctx, "fake.tar.gz", "just text, not gzip\n");
    apply(add("/fake.tar.gz", "/dl/", null, null));
    assertThat(read(root, "dl/fake.tar.gz")).isEqualTo("just text, not gzip\n");
  }

  @Test
  void copyNeverExtracts() throws IOException {
    archive("a.tar", "none");
    apply(copy(List.of("/a.tar"), "/dl/"));
    assertThat(stat(root, "dl/a.tar").isRegular()).isTrue();
  }

  @Test
  void archiveEntriesCannotEscapeTheExtractionDirectory(@TempDir Path outside) throws IOException {
    Path p = ctx.resolve("evil.tar");
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(p))) {
      TarArchiveEntry l = new TarArchiveEntry("out", TarArchiveEntry.LF_SYMLINK);
      l.setLinkName(outside.toString());
      tar.putArchiveEntry(l);
      tar.closeArchiveEntry();
      for (String name : List.of("out/pwned", "../../../../../../../../tmp/dotdot-pwned")) {
        TarArchiveEntry f = new TarArchiveEntry(name);
        f.setSize(1);
        tar.putArchiveEntry(f);
        tar.write('x');
        tar.closeArchiveEntry();
      }
    }
    apply(add("/evil.tar", "/x/", null, null));

    try (var s = Files.list(outside)) {
      assertThat(s.toList()).isEmpty();
    }
    assertThat(Files.exists(Path.of("/tmp/dotdot-pwned"))).isFalse();
    assertThat(read(root, "x/tmp/dotdot-pwned")).isEqualTo("x");
    assertThat(read(root, "x" + outside + "/pwned")).isEqualTo("x");
  }

  /** golden workdir-relative / fs-empty-layers: WORKDIR creates missing dirs 0755. */
  @Test
  void mkdirWithParentsCreatesMissingDirectoriesOwnedAsGiven() throws IOException {
    FsFixture.userDatabase(root);
    apply(new FileAction.Mkdir("/a/b/c", 0755, null, null, true));
    apply(new FileAction.Mkdir("/srv/web", 0755, "daemon", null, true));
    apply(new FileAction.Mkdir("/a/b/c", 0700, null, null, true));

    assertThat(stat(root, "a/b").permissions()).isEqualTo(0755);
    assertThat(stat(root, "a/b/c").permissions()).as("existing dirs are untouched").isEqualTo(0755);
    assertThat(stat(root, "srv").uid()).isEqualTo(1);
    assertThat(stat(root, "srv/web").gid()).isEqualTo(1);
  }

  @Test
  void mkdirWithoutParentsNeedsTheParent() {
    assertThatThrownBy(() -> apply(new FileAction.Mkdir("/no/such", 0755, null, null, false)))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("/no/such");
  }

  @Test
  void mkdirOverAFileFails() throws IOException {
    file(root, "etc/thing", "x");
    assertThatThrownBy(() -> apply(new FileAction.Mkdir("/etc/thing/sub", 0755, null, null, true)))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("/etc/thing");
  }

  @Test
  void mkdirFollowsLinksInsideTheRootOnly(@TempDir Path outside) throws IOException {
    link(root, "work", outside.toString());
    apply(new FileAction.Mkdir("/work/app", 0755, null, null, true));
    try (var s = Files.list(outside)) {
      assertThat(s.toList()).isEmpty();
    }
    assertThat(Files.isDirectory(root.resolve(outside.toString().substring(1) + "/app"))).isTrue();
  }

  /** golden heredoc-copy: inline files are 0644 root:root unless --chmod. */
  @Test
  void mkfileWritesDataWithModeAndOwner() throws IOException {
    FsFixture.userDatabase(root);
    dir(root, "etc");
    apply(new FileAction.Mkfile("/etc/expanded.conf", 0644, "greeting=hello\n", null, null));
    apply(new FileAction.Mkfile("/etc/hello", 0755, "#!/bin/sh\n", "nobody", null));
    assertThat(read(root, "etc/expanded.conf")).isEqualTo("greeting=hello\n");
    assertThat(stat(root, "etc/expanded.conf").permissions()).isEqualTo(0644);
    assertThat(stat(root, "etc/hello").permissions()).isEqualTo(0755);
    assertThat(stat(root, "etc/hello").uid()).isEqualTo(65534);
  }

  @Test
  void heredocCopyFromAScratchFileOp(@TempDir Path heredocRoot) throws IOException {
    FileOp heredoc =
        new FileOp(
            new SourceOp.Scratch(VertexInfo.named("scratch")),
            List.of(new FileAction.Mkfile("/EOF1", 0644, "first\n", null, null)),
            VertexInfo.named("heredoc"));
    applier.apply(heredoc, heredocRoot, v -> null);
    FileAction.Copy c =
        new FileAction.Copy(
            heredoc,
            List.of("/EOF1"),
            "/multi/",
            null,
            null,
            "755",
            true,
            true,
            true,
            false,
            false,
            List.of(),
            false,
            false,
            false);
    Function<dev.slipway.engine.graph.Vertex, Path> roots = v -> v == heredoc ? heredocRoot : null;
    applier.apply(c, root, roots);
    assertThat(read(root, "multi/EOF1")).isEqualTo("first\n");
    assertThat(stat(root, "multi/EOF1").permissions()).isEqualTo(0755);
    assertThat(stat(root, "multi").permissions()).isEqualTo(0755);
  }

  @Test
  void rmRemovesTreesAndLinksButNotTheirTargets() throws IOException {
    file(root, "keep/target", "t");
    link(root, "a/link", "/keep");
    file(root, "a/sub/f", "f");
    file(root, "logs/1.log", "1");
    file(root, "logs/2.log", "2");
    file(root, "logs/keep.txt", "k");

    apply(new FileAction.Rm("/a", false, false));
    apply(new FileAction.Rm("/logs/*.log", false, true));
    apply(new FileAction.Rm("/missing", true, false));

    assertThat(exists(root, "a")).isFalse();
    assertThat(read(root, "keep/target")).isEqualTo("t");
    assertThat(exists(root, "logs/1.log")).isFalse();
    assertThat(exists(root, "logs/keep.txt")).isTrue();
    assertThatThrownBy(() -> apply(new FileAction.Rm("/missing", false, false)))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("/missing");
  }

  @Test
  void symlinkCreatesTheLinkAsWritten() throws IOException {
    dir(root, "usr/bin");
    apply(new FileAction.Symlink("/usr/bin/busybox", "/usr/bin/sh"));
    assertThat(Files.readSymbolicLink(root.resolve("usr/bin/sh"))).hasToString("/usr/bin/busybox");
    assertThatThrownBy(() -> apply(new FileAction.Symlink("x", "/usr/bin/sh")))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("already exists");
  }
}
