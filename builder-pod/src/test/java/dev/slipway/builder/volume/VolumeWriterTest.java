package dev.slipway.builder.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.builder.volume.VolumeWriter.Kind;
import dev.slipway.session.serving.OutputFrames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeWriterTest {

  @TempDir Path dir;

  @Test
  void anArchiveLandsAtItsPathInsideTheVolumeWithItsParents() throws Exception {
    Path volume = Files.createDirectory(dir.resolve("volume"));
    byte[] archive = new byte[9 << 20]; // more than one frame
    Arrays.fill(archive, (byte) 7);

    VolumeWriter.write(Kind.FILE, volume, "team/app/image.tar", framed(archive, true));

    assertThat(Files.readAllBytes(volume.resolve("team/app/image.tar"))).isEqualTo(archive);
    assertThat(volume.resolve("team/app")).isDirectory();
  }

  @Test
  void aCutOffStreamLeavesNoArchiveBehind() throws Exception {
    Path volume = Files.createDirectory(dir.resolve("volume"));

    assertThatThrownBy(
            () -> VolumeWriter.write(Kind.FILE, volume, "image.tar", framed(new byte[100], false)))
        .hasMessageContaining("cut off");

    try (var left = Files.list(volume)) {
      assertThat(left).as("neither the archive nor its temp file").isEmpty();
    }
  }

  @Test
  void aDirectoryOutputIsUnpackedBeneathItsPath() throws Exception {
    Path volume = Files.createDirectory(dir.resolve("volume"));

    VolumeWriter.write(Kind.DIRECTORY, volume, "rootfs", framed(tar("etc/hello", "hi\n"), true));

    assertThat(volume.resolve("rootfs/etc/hello")).hasContent("hi");
  }

  @Test
  void pathsOutOfTheVolumeAreRefusedAndNothingIsWrittenOutside() throws Exception {
    Path volume = Files.createDirectory(dir.resolve("volume"));
    Path outside = Files.createDirectory(dir.resolve("outside"));
    // Someone with the claim left a link to outside it; a later build must not follow it.
    Files.createSymbolicLink(volume.resolve("out"), outside);

    for (String hostile :
        new String[] {"../outside/x.tar", "/etc/x.tar", "out/x.tar", "a/../../x"}) {
      assertThatThrownBy(
              () -> VolumeWriter.write(Kind.FILE, volume, hostile, framed(new byte[1], true)),
              hostile)
          .isInstanceOf(IOException.class);
      assertThatThrownBy(
              () ->
                  VolumeWriter.write(Kind.DIRECTORY, volume, hostile, framed(tar("f", "x"), true)),
              hostile)
          .isInstanceOf(IOException.class);
    }
    try (var left = Files.list(outside)) {
      assertThat(left).isEmpty();
    }
    assertThat(Files.isSymbolicLink(volume.resolve("out"))).isTrue();

    VolumeWriter.write(Kind.FILE, volume, "out", framed(new byte[] {1}, true));
    assertThat(Files.isRegularFile(volume.resolve("out"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
        .as("the link itself is replaced, never written through")
        .isTrue();
    try (var left = Files.list(outside)) {
      assertThat(left).isEmpty();
    }
    assertThat(dir.resolve("x.tar")).doesNotExist();
  }

  @Test
  void aTarEntryThroughALinkItShippedIsRefused() throws Exception {
    Path volume = Files.createDirectory(dir.resolve("volume"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry link = new TarArchiveEntry("escape", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName(dir.toString());
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
      byte[] data = "x".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry file = new TarArchiveEntry("escape/owned");
      file.setSize(data.length);
      tar.putArchiveEntry(file);
      tar.write(data);
      tar.closeArchiveEntry();
    }

    assertThatThrownBy(
            () ->
                VolumeWriter.write(
                    Kind.DIRECTORY, volume, "root", framed(bytes.toByteArray(), true)))
        .isInstanceOf(IOException.class);
    assertThat(dir.resolve("owned")).doesNotExist();
  }

  private static byte[] tar(String name, String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(data.length);
      tar.putArchiveEntry(e);
      tar.write(data);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  /** {@code data} as the operator sends it, with or without the end frame. */
  private static InputStream framed(byte[] data, boolean complete) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    OutputStream out = OutputFrames.writer(bytes);
    out.write(data);
    if (complete) {
      out.close();
    } else {
      out.flush();
    }
    return new ByteArrayInputStream(bytes.toByteArray());
  }
}
