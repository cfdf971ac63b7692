package dev.slipway.engine.fileop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.snapshot.ActiveSnapshot;
import dev.slipway.engine.snapshot.LayerDiff;
import dev.slipway.engine.snapshot.LayerEntry;
import dev.slipway.engine.snapshot.LayerTarWriter;
import dev.slipway.engine.snapshot.SnapshotView;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.engine.snapshot.SnapshotterMode;
import dev.slipway.engine.snapshot.Snapshotters;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * COPY from a one-layer snapshot (a context) on overlayfs: files whose copy would equal their
 * source become hard links into the new layer, made after the rootfs is unmounted, and the layer is
 * the the same, entry by entry, as the layer of a real copy. Runs as root, like the snapshotter
 * tests.
 */
class DeferredLinksTest {

  private static final Vertex SOURCE = new SourceOp.Scratch(VertexInfo.named("context"));
  private static final FileTime MTIME = FileTime.fromMillis(1_700_000_000_123L);

  @TempDir Path state;
  Snapshotter snapshots;
  int step;

  @BeforeEach
  void snapshots() throws IOException {
    snapshots = Snapshotters.open(state, Optional.of(SnapshotterMode.OVERLAY));
    try (ActiveSnapshot src = snapshots.prepare("context", null)) {
      Path r = src.rootfs();
      Files.createDirectories(r.resolve("ctx/dir"));
      file(r.resolve("ctx/dir/a.txt"), "alpha", 0640);
      file(r.resolve("ctx/b.sh"), "#!/bin/sh\n", 04755);
      file(r.resolve("ctx/dir/h1"), "linked", 0644);
      Files.createLink(r.resolve("ctx/dir/h2"), r.resolve("ctx/dir/h1"));
      Files.createSymbolicLink(r.resolve("ctx/link"), Path.of("dir/a.txt"));
      Files.setLastModifiedTime(r.resolve("ctx/dir"), MTIME);
      Files.setLastModifiedTime(r.resolve("ctx"), MTIME);
      snapshots.commit(src);
    }
    try (ActiveSnapshot base = snapshots.prepare("base", null)) {
      Files.createDirectories(base.rootfs().resolve("app/dir"));
      file(base.rootfs().resolve("app/dir/a.txt"), "old", 0600);
      snapshots.commit(base);
    }
  }

  @AfterEach
  void close() throws IOException {
    snapshots.close();
  }

  @Test
  void unchangedFilesBecomeLinksToTheSourceInodeNotNewFiles() throws IOException {
    String out = copy(copyAction("/ctx", "/new", null), true);

    Path source = snapshots.get("context").orElseThrow().directory();
    Path layer = snapshots.get(out).orElseThrow().directory();
    assertThat(inode(layer.resolve("new/dir/a.txt")))
        .as("the copy is the source's inode: no file was created, no byte read")
        .isEqualTo(inode(source.resolve("ctx/dir/a.txt")));
    assertThat(inode(layer.resolve("new/b.sh"))).isEqualTo(inode(source.resolve("ctx/b.sh")));
    assertThat(inode(layer.resolve("new/dir/h2")))
        .as("names of one inode stay one inode, as cp -a keeps hard links")
        .isEqualTo(inode(layer.resolve("new/dir/h1")));
    assertThat(Files.isSymbolicLink(layer.resolve("new/link"))).isTrue();
  }

  @Test
  void theLinkedLayerHasTheEntriesOfACopiedOne() throws IOException {
    String linked = copy(copyAction("/ctx", "/new", null), true);
    String copied = copy(copyAction("/ctx", "/new", null), false);

    assertThat(inode(snapshots.get(copied).orElseThrow().directory().resolve("new/dir/a.txt")))
        .isNotEqualTo(
            inode(snapshots.get(linked).orElseThrow().directory().resolve("new/dir/a.txt")));
    assertThat(entries(linked)).isEqualTo(entries(copied)).hasSize(7);
  }

  @Test
  void aFileReplacingALowerOneTakesTheWhiteoutsPlace() throws IOException {
    String out = copy(copyAction("/ctx/", "/app/", null), true);

    LayerDiff diff = snapshots.diff(out);
    assertThat(diff.entries()).noneMatch(e -> e instanceof LayerEntry.Whiteout);
    try (SnapshotView view = snapshots.view(out)) {
      assertThat(Files.readString(view.rootfs().resolve("app/dir/a.txt"))).isEqualTo("alpha");
    }
  }

  @Test
  void aCopyWithAnotherOwnerGetsFilesOfItsOwn() throws IOException {
    String out = copy(copyAction("/ctx", "/new", "1234"), true);

    Path layer = snapshots.get(out).orElseThrow().directory();
    Path source = snapshots.get("context").orElseThrow().directory();
    assertThat(inode(layer.resolve("new/dir/a.txt")))
        .isNotEqualTo(inode(source.resolve("ctx/dir/a.txt")));
    assertThat(Files.getAttribute(layer.resolve("new/dir/a.txt"), "unix:uid")).isEqualTo(1234);
    assertThat(Files.getAttribute(source.resolve("ctx/dir/a.txt"), "unix:uid")).isEqualTo(0);
  }

  /** Runs {@code action} on a snapshot of "base" as FileOpRunner does; returns the new key. */
  private String copy(FileAction.Copy action, boolean link) throws IOException {
    String key = "out-" + step++;
    ActiveSnapshot active = snapshots.prepare(key, "base");
    DeferredLinks links = new DeferredLinks(active.rootfs());
    try (SnapshotView view = snapshots.view("context")) {
      assertThat(view.layer()).as("a snapshot without parent is one layer on disk").isPresent();
      if (link) {
        links.source(view.rootfs(), view.layer().orElseThrow());
      }
      FileOp op = new FileOp(SOURCE, List.of(action), VertexInfo.named("COPY"));
      new FileActionApplier().apply(op, active.rootfs(), v -> view.rootfs(), links);
      snapshots.commit(active, key, links::linkInto);
    }
    return key;
  }

  private static FileAction.Copy copyAction(String from, String to, String chown) {
    return new FileAction.Copy(
        SOURCE,
        List.of(from),
        to,
        chown,
        chown,
        null,
        true,
        true,
        true,
        true,
        false,
        List.of(),
        false,
        false,
        false);
  }

  /**
   * The layer tar's entries with every header field and content. The top directory is made by the
   * copy (mkdir -p) at the time of the build, so its time is left out; every other byte counts.
   */
  private List<String> entries(String key) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LayerTarWriter(Optional.empty()).write(snapshots.diff(key), out);
    List<String> entries = new ArrayList<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        boolean top = e.getName().equals("new/");
        entries.add(
            String.join(
                " ",
                e.getName(),
                Integer.toOctalString(e.getMode()),
                e.getLongUserId() + ":" + e.getLongGroupId(),
                Long.toString(e.getSize()),
                top ? "-" : e.getLastModifiedTime().toInstant().toString(),
                Byte.toString(e.getLinkFlag()),
                e.getLinkName(),
                new String(tar.readAllBytes(), StandardCharsets.UTF_8)));
      }
    }
    return entries;
  }

  private static void file(Path p, String content, int mode) throws IOException {
    Files.writeString(p, content);
    Files.setAttribute(p, "unix:mode", mode);
    Files.setLastModifiedTime(p, MTIME);
  }

  private static Object inode(Path p) throws IOException {
    return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
  }
}
