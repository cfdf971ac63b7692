package dev.slipway.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both snapshotters on real directories and real overlay mounts (the tests run as root). */
class SnapshotterTest {

  private static final String LONG_NAME = "n".repeat(120);

  /** A base layer exercising everything a layer must preserve. */
  static final String BASE_SCRIPT =
      """
      mkdir -p etc usr/bin tmp/sticky data/dir data/gone data/replaced deep
      echo hello > etc/conf; echo old > etc/old
      printf 'binary' > usr/bin/tool
      chown 1000:2000 etc/conf
      chown 3000000:3000001 data/dir
      chmod 4755 usr/bin/tool
      chmod 1777 tmp/sticky
      chmod 2750 data/dir
      setcap cap_net_raw+ep usr/bin/tool
      setfattr -n user.note -v 0x00ff01 etc/conf
      ln usr/bin/tool usr/bin/tool-link
      ln -s ../../etc/conf usr/bin/conf-link
      mkfifo data/fifo
      mknod data/null c 1 3
      echo long > deep/%s
      echo umlaut > 'data/grüße.txt'
      echo a > data/gone/a; echo b > data/gone/b
      echo lower > data/replaced/lower
      find . -exec touch -h -d '2020-01-02 03:04:05.123456789' {} +
      """
          .formatted(LONG_NAME);

  /** Changes of a second layer: deletions, a replaced directory, content and mode changes. */
  static final String CHILD_SCRIPT =
      """
      rm etc/old
      echo changed > etc/conf
      chmod 600 etc/conf
      rm -r data/gone
      rm -r data/replaced; mkdir data/replaced; echo upper > data/replaced/upper
      echo new > data/new; ln data/new data/new-link
      touch -h -d '2021-05-06 07:08:09.5' etc etc/conf data data/replaced data/replaced/upper data/new
      """;

  @TempDir Path temp;

  private Snapshotter open(String name, SnapshotterMode mode) throws IOException {
    return Snapshotters.open(temp.resolve(name), Optional.of(mode));
  }

  private static CommittedSnapshot build(Snapshotter s, String key, String parent, String script)
      throws IOException {
    try (ActiveSnapshot active = s.prepare(key, parent)) {
      Trees.sh(active.rootfs(), script);
      return s.commit(active);
    }
  }

  private static byte[] tar(Snapshotter s, String key, Optional<Instant> epoch) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LayerTarWriter(epoch).write(s.diff(key), out);
    return out.toByteArray();
  }

  private static Map<String, String> describeView(Snapshotter s, String key) throws IOException {
    try (SnapshotView view = s.view(key)) {
      return Trees.describe(view.rootfs());
    }
  }

  @ParameterizedTest
  @EnumSource(SnapshotterMode.class)
  void childSeesParentAndCommitKeepsOnlyItsChanges(SnapshotterMode mode) throws IOException {
    try (Snapshotter s = open("state", mode)) {
      build(s, "base", null, "echo one > one; echo two > two; mkdir dir");
      try (ActiveSnapshot child = s.prepare("child", "base")) {
        assertThat(child.rootfs().resolve("one")).hasContent("one");
        Files.writeString(child.rootfs().resolve("dir/three"), "three\n");
        Files.delete(child.rootfs().resolve("two"));
        s.commit(child);
      }
      assertThat(s.get("child")).hasValueSatisfying(c -> assertThat(c.parent()).contains("base"));
      try (SnapshotView view = s.view("child")) {
        assertThat(view.rootfs().resolve("one")).hasContent("one");
        assertThat(view.rootfs().resolve("dir/three")).hasContent("three");
        assertThat(view.rootfs().resolve("two")).doesNotExist();
      }
      assertThat(s.diff("child").entries())
          .extracting(e -> e.getClass().getSimpleName() + ":" + e.path())
          .containsExactly("Put:dir", "Put:dir/three", "Whiteout:two");
      if (mode == SnapshotterMode.OVERLAY) {
        assertThat(s.get("child").orElseThrow().directory().resolve("one")).doesNotExist();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(SnapshotterMode.class)
  void layersRoundTripThroughTarsOntoEitherSnapshotter(SnapshotterMode sourceMode)
      throws IOException {
    try (Snapshotter source = open("source", sourceMode);
        Snapshotter overlay = open("overlay", SnapshotterMode.OVERLAY);
        Snapshotter copy = open("copy", SnapshotterMode.COPY)) {
      build(source, "base", null, BASE_SCRIPT);
      build(source, "child", "base", CHILD_SCRIPT);
      Map<String, String> expected = describeView(source, "child");
      assertThat(expected)
          .containsKey("deep/" + LONG_NAME)
          .containsKey("data/grüße.txt")
          .doesNotContainKeys("etc/old", "data/gone", "data/replaced/lower");
      assertThat(expected.get("usr/bin/tool"))
          .contains("REGULAR 4755")
          .contains("security.capability=");
      assertThat(expected.get("usr/bin/tool-link")).contains("link-of=usr/bin/tool");
      assertThat(expected.get("data/dir")).contains("2750 3000000:3000001");
      assertThat(expected.get("etc/conf")).contains("user.note=00ff01").contains("600 1000:2000");

      for (Snapshotter target : List.of(overlay, copy)) {
        target.applyLayer(
            "base", null, new ByteArrayInputStream(tar(source, "base", Optional.empty())));
        target.applyLayer(
            "child", "base", new ByteArrayInputStream(tar(source, "child", Optional.empty())));
        assertThat(describeView(target, "child")).as(target.mode().toString()).isEqualTo(expected);
        assertThat(describeView(target, "base")).isEqualTo(describeView(source, "base"));
      }
    }
  }

  @Test
  void overlayRecordsDeletedAndReplacedDirectoriesAsWhiteoutsAndOpaqueMarkers() throws IOException {
    try (Snapshotter s = open("state", SnapshotterMode.OVERLAY)) {
      build(s, "base", null, BASE_SCRIPT);
      build(s, "child", "base", CHILD_SCRIPT);
      assertThat(s.diff("child").entries())
          .extracting(e -> e.getClass().getSimpleName() + ":" + e.path())
          .contains(
              "Whiteout:data/gone",
              "Put:data/replaced",
              "Opaque:data/replaced",
              "Put:data/replaced/upper",
              "Whiteout:etc/old")
          .containsSubsequence(
              "Put:data/replaced", "Opaque:data/replaced", "Put:data/replaced/upper");
      byte[] tar = tar(s, "child", Optional.empty());
      List<String> names = TarOutputTest.names(tar);
      assertThat(names).contains("data/.wh.gone", "data/replaced/.wh..wh..opq", "etc/.wh.old");
      assertThat(names).containsSubsequence("data/", "data/new", "data/new-link", "data/replaced/");
    }
  }

  @Test
  void copyAndOverlayWriteIdenticalTarsForTheSameChanges() throws IOException {
    String changes =
        """
        rm etc/old
        echo changed > etc/conf
        chmod 600 'data/grüße.txt'
        rm -r data/gone
        echo new > data/new; ln data/new data/new-link; ln -s new data/new-symlink
        mkdir -p added/sub; echo deep > added/sub/file
        touch -h -d '2022-01-01 00:00:00.25' etc etc/conf 'data/grüße.txt' data data/new data/new-symlink added added/sub added/sub/file
        """;
    try (Snapshotter overlay = open("overlay", SnapshotterMode.OVERLAY);
        Snapshotter copy = open("copy", SnapshotterMode.COPY)) {
      build(overlay, "base", null, BASE_SCRIPT);
      byte[] baseTar = tar(overlay, "base", Optional.empty());
      copy.applyLayer("base", null, new ByteArrayInputStream(baseTar));
      assertThat(tar(copy, "base", Optional.empty())).isEqualTo(baseTar);
      build(overlay, "child", "base", changes);
      build(copy, "child", "base", changes);
      byte[] fromOverlay = tar(overlay, "child", Optional.empty());
      assertThat(TarOutputTest.names(fromOverlay))
          .containsExactly(
              "added/",
              "added/sub/",
              "added/sub/file",
              "data/",
              "data/.wh.gone",
              "data/grüße.txt",
              "data/new",
              "data/new-link",
              "data/new-symlink",
              "etc/",
              "etc/conf",
              "etc/.wh.old");
      assertThat(tar(copy, "child", Optional.empty())).isEqualTo(fromOverlay);
    }
  }

  @Test
  void tarsAreByteIdenticalAndClampedToSourceDateEpoch() throws IOException {
    try (Snapshotter s = open("state", SnapshotterMode.OVERLAY)) {
      build(s, "base", null, BASE_SCRIPT);
      assertThat(tar(s, "base", Optional.empty())).isEqualTo(tar(s, "base", Optional.empty()));
      Instant epoch = Instant.parse("2019-06-01T00:00:00Z");
      byte[] clamped = tar(s, "base", Optional.of(epoch));
      TarInput input = new TarInput(new ByteArrayInputStream(clamped));
      int entries = 0;
      for (TarHeader h = input.next(); h != null; h = input.next()) {
        entries++;
        assertThat(h.mtime()).isBeforeOrEqualTo(epoch);
      }
      assertThat(entries).isGreaterThan(15);
    }
  }

  @Test
  void overlayStacksMoreThanAHundredLayers() throws IOException {
    try (Snapshotter s =
        open(
            "state-with-a-rather-long-directory-name-" + "x".repeat(60), SnapshotterMode.OVERLAY)) {
      String parent = null;
      for (int i = 0; i < 130; i++) {
        String key = "sha256:" + "%064d".formatted(i);
        try (ActiveSnapshot active = s.prepare(key, parent)) {
          Files.writeString(active.rootfs().resolve("file-" + i), Integer.toString(i));
          s.commit(active);
        }
        parent = key;
      }
      try (SnapshotView view = s.view(parent)) {
        assertThat(view.rootfs().resolve("file-0")).hasContent("0");
        assertThat(view.rootfs().resolve("file-129")).hasContent("129");
        try (var files = Files.list(view.rootfs())) {
          assertThat(files.count()).isEqualTo(130);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(SnapshotterMode.class)
  void removeIsRefusedWhileSomethingBuildsOnTheSnapshot(SnapshotterMode mode) throws IOException {
    try (Snapshotter s = open("state", mode)) {
      CommittedSnapshot base = build(s, "base", null, "echo x > x");
      build(s, "child", "base", "echo y > y");
      assertThatThrownBy(() -> s.remove("base"))
          .isInstanceOf(SnapshotException.class)
          .hasMessageContaining("snapshot \"child\"");
      assertThatThrownBy(() -> s.prepare("child", "base")).hasMessageContaining("already in use");
      s.remove("child");
      SnapshotView view = s.view("base");
      assertThatThrownBy(() -> s.remove("base")).hasMessageContaining("open view");
      view.close();
      s.remove("base");
      assertThat(s.list()).isEmpty();
      assertThat(base.directory()).doesNotExist();
    }
  }

  @ParameterizedTest
  @EnumSource(SnapshotterMode.class)
  void closingAnActiveSnapshotDiscardsItAndCommittedOnesSurviveReopening(SnapshotterMode mode)
      throws IOException {
    Path state = temp.resolve("state");
    try (Snapshotter s = Snapshotters.open(state, Optional.of(mode))) {
      build(s, "base", null, "echo kept > kept");
      ActiveSnapshot discarded = s.prepare("discarded", "base");
      Files.writeString(discarded.rootfs().resolve("lost"), "lost");
      discarded.close();
      assertThat(discarded.rootfs()).doesNotExist();
      assertThatThrownBy(() -> s.commit(discarded))
          .hasMessageContaining("already committed or discarded");
    }
    try (Snapshotter s = Snapshotters.open(state, Optional.empty())) {
      assertThat(s.mode()).isEqualTo(mode);
      assertThat(s.list()).extracting(CommittedSnapshot::key).containsExactly("base");
      try (SnapshotView view = s.view("base")) {
        assertThat(view.rootfs().resolve("kept")).hasContent("kept");
      }
    }
  }

  @Test
  void automaticModeChoosesOverlayWhereItCanMount() throws IOException {
    try (Snapshotter s = Snapshotters.open(temp.resolve("auto"), Optional.empty())) {
      assertThat(s.mode()).isEqualTo(SnapshotterMode.OVERLAY);
    }
    assertThatThrownBy(
            () -> Snapshotters.open(temp.resolve("auto"), Optional.of(SnapshotterMode.COPY)))
        .hasMessageContaining("made by the OVERLAY snapshotter");
  }

  @Test
  void aStateDirectoryServesOneSnapshotterAtATime() throws IOException {
    try (Snapshotter first = open("state", SnapshotterMode.COPY)) {
      assertThatThrownBy(() -> open("state", SnapshotterMode.COPY)).hasMessageContaining("in use");
    }
  }
}
