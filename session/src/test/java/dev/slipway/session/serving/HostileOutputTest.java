package dev.slipway.session.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.confined.PathEscapeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile builder's directory output, unpacked by the client: each tar tries to write or link
 * outside the output directory. Each is refused with an error that names the entry, and the
 * sentinel directory beside the output is byte for byte as before.
 */
class HostileOutputTest {
  @TempDir Path dir;
  Path out;
  Path sentinel;
  List<String> sentinelBefore;

  @BeforeEach
  void setUp() throws IOException {
    out = dir.resolve("out");
    sentinel = Files.createDirectory(dir.resolve("sentinel"));
    Files.writeString(sentinel.resolve("secret"), "s3cret");
    Files.setAttribute(sentinel.resolve("secret"), "unix:mode", 0600);
    sentinelBefore = listing(dir);
  }

  @Test
  void aSymlinkThenAFileBelowItIsRefused() throws Exception {
    Path tar = tar(symlink("a", sentinel.toString()), file("a/planted", "x"), file("ok", "fine"));

    assertThatThrownBy(() -> TarUnpacker.unpack(tar, out))
        .isInstanceOf(PathEscapeException.class)
        .hasMessageContaining("\"a/planted\"")
        .hasMessageContaining("symlink /a");
    assertUntouched();
  }

  @Test
  void aSymlinkThenADirectoryBelowItIsRefused() throws Exception {
    Path tar = tar(symlink("a", dir.toString()), directory("a/sentinel/sub"));

    assertThatThrownBy(() -> TarUnpacker.unpack(tar, out))
        .isInstanceOf(PathEscapeException.class)
        .hasMessageContaining("symlink /a");
    assertUntouched();
  }

  @Test
  void aDotDotEntryIsRefused() throws Exception {
    Path tar = tar(file("../sentinel/secret", "overwritten"));

    assertThatThrownBy(() -> TarUnpacker.unpack(tar, out))
        .isInstanceOf(PathEscapeException.class)
        .hasMessageContaining("leaves the output directory");
    assertUntouched();
  }

  @Test
  void aHardLinkToAFileOutsideIsRefused() throws Exception {
    Path tar = tar(hardLink("stolen", "../sentinel/secret"));

    assertThatThrownBy(() -> TarUnpacker.unpack(tar, out))
        .isInstanceOf(PathEscapeException.class)
        .hasMessageContaining("\"stolen\"");
    assertUntouched();
    assertThat(out.resolve("stolen")).doesNotExist();
  }

  @Test
  void aHardLinkThroughASymlinkIsRefused() throws Exception {
    Path tar = tar(symlink("s", sentinel.toString()), hardLink("stolen", "s/secret"));

    assertThatThrownBy(() -> TarUnpacker.unpack(tar, out))
        .isInstanceOf(PathEscapeException.class)
        .hasMessageContaining("symlink /s");
    assertUntouched();
    assertThat(out.resolve("stolen")).doesNotExist();
  }

  @Test
  void aHardLinkToASymlinkIsRefused() throws Exception {
    Path tar = tar(symlink("s", sentinel.resolve("secret").toString()), hardLink("h", "s"));

    assertThatThrownBy(() -> TarUnpacker.unpack(tar, out))
        .isInstanceOf(PathEscapeException.class)
        .hasMessageContaining("not a regular file");
    assertUntouched();
  }

  @Test
  void aSymlinkEntryNamedLikeAFileIsReplacedNotWrittenThrough() throws Exception {
    // a symlink first, then a regular file of the same name: the file replaces the link
    Path tar = tar(symlink("f", sentinel.resolve("secret").toString()), file("f", "mine"));

    TarUnpacker.unpack(tar, out);

    assertThat(Files.isSymbolicLink(out.resolve("f"))).isFalse();
    assertThat(out.resolve("f")).hasContent("mine");
    assertUntouched();
  }

  @Test
  void aModeIsNeverSetThroughALink() throws Exception {
    // a directory entry whose name is an existing link: the link is replaced, its target kept
    Path tar = tar(symlink("d", sentinel.toString()), directory("d", 0777));

    TarUnpacker.unpack(tar, out);

    assertThat(Files.isDirectory(out.resolve("d"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertUntouched();
  }

  private void assertUntouched() throws IOException {
    assertThat(sentinel.resolve("secret")).hasContent("s3cret");
    assertThat(Files.getAttribute(sentinel.resolve("secret"), "unix:mode")).isEqualTo(0100600);
    List<String> now = listing(dir);
    now.removeIf(p -> p.startsWith("out ") || p.startsWith("out/"));
    List<String> before = sentinelBefore;
    assertThat(now).isEqualTo(before);
  }

  /** Every path below {@code root} with its type, mode and size, except the output directory. */
  static List<String> listing(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return new java.util.ArrayList<>(
          s.filter(p -> !p.equals(root))
              .map(
                  p -> {
                    try {
                      return root.relativize(p)
                          + " "
                          + Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)
                          + " "
                          + Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)
                          + " "
                          + Files.readAttributes(
                                  p,
                                  java.nio.file.attribute.BasicFileAttributes.class,
                                  LinkOption.NOFOLLOW_LINKS)
                              .size();
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .sorted()
              .toList());
    }
  }

  private record Entry(TarArchiveEntry header, byte[] data) {}

  private static Entry file(String name, String content) {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(data.length);
    e.setMode(0100644);
    return new Entry(e, data);
  }

  private static Entry directory(String name) {
    return directory(name, 0755);
  }

  private static Entry directory(String name, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name + "/", true);
    e.setMode(040000 | mode);
    return new Entry(e, new byte[0]);
  }

  private static Entry symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    e.setLinkName(target);
    return new Entry(e, new byte[0]);
  }

  private static Entry hardLink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
    e.setLinkName(target);
    return new Entry(e, new byte[0]);
  }

  private Path tar(Entry... entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        tar.putArchiveEntry(e.header());
        tar.write(e.data());
        tar.closeArchiveEntry();
      }
    }
    Path file = dir.resolve("output.tar");
    Files.write(file, bytes.toByteArray());
    sentinelBefore = listing(dir);
    return file;
  }
}
