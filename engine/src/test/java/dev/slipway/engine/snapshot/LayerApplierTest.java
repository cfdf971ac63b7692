package dev.slipway.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.fs.Xattrs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Layers that try to write outside the snapshot's root. */
class LayerApplierTest {

  @TempDir Path temp;

  private static TarHeader file(String name) {
    return new TarHeader(
        name, TarHeader.REGULAR, 0644, 0, 0, 4, Instant.EPOCH, "", 0, 0, Xattrs.NONE);
  }

  private static TarHeader symlink(String name, String target) {
    return new TarHeader(
        name, TarHeader.SYMLINK, 0777, 0, 0, 0, Instant.EPOCH, target, 0, 0, Xattrs.NONE);
  }

  private static TarHeader hardlink(String name, String target) {
    return new TarHeader(
        name, TarHeader.HARDLINK, 0644, 0, 0, 0, Instant.EPOCH, target, 0, 0, Xattrs.NONE);
  }

  private static ByteArrayInputStream tar(TarHeader... headers) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarOutput tar = new TarOutput(out);
    for (TarHeader h : headers) {
      tar.write(h, new ByteArrayInputStream("evil".getBytes(StandardCharsets.US_ASCII)));
    }
    tar.finish();
    return new ByteArrayInputStream(out.toByteArray());
  }

  @ParameterizedTest
  @EnumSource(SnapshotterMode.class)
  void dotDotNamesAreRefusedAndNothingIsCommitted(SnapshotterMode mode) throws IOException {
    try (Snapshotter s = Snapshotters.open(temp.resolve("state"), Optional.of(mode))) {
      assertThatThrownBy(() -> s.applyLayer("bad", null, tar(file("a/../../escaped"))))
          .isInstanceOf(LayerPathEscapeException.class)
          .hasMessageContaining("a/../../escaped");
      assertThatThrownBy(
              () -> s.applyLayer("bad", null, tar(file("ok"), hardlink("h", "../../etc/passwd"))))
          .isInstanceOf(LayerPathEscapeException.class);
      assertThat(s.get("bad")).isEmpty();
      assertThat(temp.resolve("escaped")).doesNotExist();
      assertThat(temp.resolve("state/a")).isEmptyDirectory();
    }
  }

  @ParameterizedTest
  @EnumSource(SnapshotterMode.class)
  void symlinksInParentsResolveInsideTheRoot(SnapshotterMode mode) throws IOException {
    Path outside = Files.createDirectories(temp.resolve("outside"));
    try (Snapshotter s = Snapshotters.open(temp.resolve("state"), Optional.of(mode))) {
      s.applyLayer(
          "layer",
          null,
          tar(
              symlink("abs", outside.toString()),
              file("abs/pwned"),
              symlink("up", "../../../../../.."),
              file("up/pwned-too"),
              file("real"),
              hardlink("abs-link", "/real")));
      assertThat(outside.resolve("pwned")).doesNotExist();
      assertThat(temp.resolve("pwned-too")).doesNotExist();
      try (SnapshotView view = s.view("layer")) {
        Path root = view.rootfs();
        assertThat(root.resolve(outside.toString().substring(1)).resolve("pwned"))
            .hasContent("evil");
        assertThat(root.resolve("pwned-too")).hasContent("evil");
        assertThat(Files.isSameFile(root.resolve("abs-link"), root.resolve("real"))).isTrue();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(SnapshotterMode.class)
  void whiteoutsRemoveOnlyWhatLowerLayersHad(SnapshotterMode mode) throws IOException {
    try (Snapshotter s = Snapshotters.open(temp.resolve("state"), Optional.of(mode))) {
      s.applyLayer("base", null, tar(file("dir/lower"), file("dir/also-lower"), file("gone")));
      s.applyLayer(
          "top",
          "base",
          tar(file("dir/mine"), file("dir/.wh..wh..opq"), file(".wh.gone"), file("dir/.wh.mine")));
      try (SnapshotView view = s.view("top")) {
        try (var listing = Files.list(view.rootfs().resolve("dir"))) {
          assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("mine");
        }
        assertThat(view.rootfs().resolve("gone")).doesNotExist();
      }
    }
  }
}
