package dev.slipway.engine.fileop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Hostile archives that a Dockerfile ADDs: each tries to write or link outside the extraction
 * directory or to fill the disk. Links resolve inside the directory (as BuildKit does), hard links
 * to anything but an extracted file are refused, and expansion beyond the limits is refused with an
 * error naming the limit; the sentinel beside the directory stays as it was.
 */
class HostileArchiveTest {
  @TempDir Path dir;
  Path into;
  Path sentinel;
  List<String> before;

  @BeforeEach
  void setUp() throws IOException {
    into = Files.createDirectory(dir.resolve("rootfs"));
    sentinel = Files.createDirectory(dir.resolve("sentinel"));
    Files.writeString(sentinel.resolve("secret"), "another build's data");
    Files.setAttribute(sentinel.resolve("secret"), "unix:mode", 0600);
  }

  @Test
  void aSymlinkToRootThenAFileBelowItStaysInside() throws Exception {
    Path tar =
        archive(new TestTar().symlink("a", "/").file("a" + sentinel + "/secret", bytes("x")));

    ArchiveUnpacker.unpack(tar, into, null);

    assertThat(into.resolve(sentinel.toString().substring(1) + "/secret")).hasContent("x");
    assertUntouched();
  }

  @Test
  void aSymlinkOutThenAFileBelowItStaysInside() throws Exception {
    Path tar = archive(new TestTar().symlink("a", "../sentinel").file("a/secret", bytes("x")));

    ArchiveUnpacker.unpack(tar, into, null);

    assertThat(into.resolve("sentinel/secret")).hasContent("x");
    assertUntouched();
  }

  @Test
  void aHardLinkToAFileOutsideIsRefused() throws Exception {
    Path tar = archive(new TestTar().hardLink("stolen", "../sentinel/secret"));

    assertThatThrownBy(() -> ArchiveUnpacker.unpack(tar, into, null))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("stolen")
        .hasMessageContaining("not a regular file the archive extracted");
    assertUntouched();
  }

  @Test
  void aHardLinkThroughASymlinkOutIsRefused() throws Exception {
    Path tar =
        archive(new TestTar().symlink("s", sentinel.toString()).hardLink("stolen", "s/secret"));

    assertThatThrownBy(() -> ArchiveUnpacker.unpack(tar, into, null))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("stolen");
    assertUntouched();
    assertThat(into.resolve("stolen")).doesNotExist();
  }

  @Test
  void aModeIsNotSetThroughALink() throws Exception {
    // a directory entry named like an earlier link to the sentinel: the link resolves inside
    Path tar = archive(new TestTar().symlink("d", sentinel.toString()).dir("d", 0777));

    ArchiveUnpacker.unpack(tar, into, null);

    assertUntouched();
  }

  @Test
  void aDirectoryLaterReplacedByALinkOutDoesNotTakeItsTimesThrough() throws Exception {
    // found by ConfinedFuzzTest: directory times set at the end went through the later link
    Path tar =
        archive(
            new TestTar().dir("a", 0755).dir("a/secret", 0755).symlink("a", sentinel.toString()));
    Object mtime = Files.getLastModifiedTime(sentinel.resolve("secret"));

    ArchiveUnpacker.unpack(tar, into, null);

    assertThat(Files.getLastModifiedTime(sentinel.resolve("secret"))).isEqualTo(mtime);
    assertUntouched();
  }

  @Test
  void aGzipBombIsRefusedAtTheExpansionLimit() throws Exception {
    Path tar = dir.resolve("bomb.tar.gz");
    try (OutputStream raw = Files.newOutputStream(tar);
        GzipCompressorOutputStream gz = new GzipCompressorOutputStream(raw);
        TarArchiveOutputStream out = new TarArchiveOutputStream(gz)) {
      TarArchiveEntry e = new TarArchiveEntry("zeros", true);
      long size = 64L << 20;
      e.setSize(size);
      e.setMode(0100644);
      out.putArchiveEntry(e);
      byte[] block = new byte[1 << 20];
      for (long written = 0; written < size; written += block.length) {
        out.write(block);
      }
      out.closeArchiveEntry();
    }
    assertThat(Files.size(tar)).isLessThan(1 << 20);
    before = outside();

    assertThatThrownBy(
            () -> ArchiveUnpacker.unpack(tar, into, null, new ArchiveLimits(8 << 20, 1000)))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("bomb.tar.gz expands beyond 8388608 bytes")
        .hasMessageContaining("raise the builder's archive expansion limit");
    try (Stream<Path> left = Files.list(into)) {
      assertThat(left).isEmpty(); // the partial file is gone, not left filling the disk
    }
    assertUntouched();
  }

  @Test
  void tooManyEntriesAreRefused() throws Exception {
    TestTar many = new TestTar();
    for (int i = 0; i < 50; i++) {
      many.file("f" + i, bytes(""));
    }
    Path tar = archive(many);

    assertThatThrownBy(
            () -> ArchiveUnpacker.unpack(tar, into, null, new ArchiveLimits(1 << 20, 20)))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("more than 20 entries");
    assertUntouched();
  }

  @Test
  void anXzDeclaringAHugeDictionaryIsRefusedBeforeItAllocates() throws Exception {
    // dictionary size code 37: 3 << 29 bytes = 1.5 GiB, which the decoder would allocate at once
    Path tar = Files.write(dir.resolve("huge-dict.tar.xz"), xzDeclaringDictionary(37));
    before = outside();

    assertThat(ArchiveUnpacker.isArchive(tar)).as("refused by unpack, not copied as is").isTrue();
    assertThatThrownBy(() -> ArchiveUnpacker.unpack(tar, into, null))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("huge-dict.tar.xz")
        .hasMessageContaining("more than the " + ArchiveUnpacker.XZ_MEMORY_LIMIT_KIB + " KiB")
        .hasMessageContaining("recompress it");
    try (Stream<Path> left = Files.list(into)) {
      assertThat(left).isEmpty();
    }
    assertUntouched();
  }

  @Test
  void anXzWithTheDictionaryOfXz9StillUnpacks() throws Exception {
    // dictionary size code 28: 2 << 25 bytes = 64 MiB, as xz -9 writes
    Path tar = Files.write(dir.resolve("nine.tar.xz"), xzDeclaringDictionary(28));

    ArchiveUnpacker.unpack(tar, into, null);

    assertThat(into.resolve("f")).hasContent("x");
  }

  /**
   * A real xz of a one-file tar (made with a small dictionary, so the test allocates little) whose
   * block header is patched to declare the LZMA2 dictionary {@code sizeCode}; its CRC is redone.
   */
  private static byte[] xzDeclaringDictionary(int sizeCode) throws IOException {
    ByteArrayOutputStream xz = new ByteArrayOutputStream();
    try (XZOutputStream out = new XZOutputStream(xz, new LZMA2Options(0))) {
      out.write(new TestTar().file("f", bytes("x")).bytes());
    }
    byte[] b = xz.toByteArray();
    int header = 12; // the block header follows the 12-byte stream header
    int headerSize = ((b[header] & 0xff) + 1) * 4;
    assertThat(b[header + 2]).as("LZMA2 filter id").isEqualTo((byte) 0x21);
    b[header + 4] = (byte) sizeCode;
    CRC32 crc = new CRC32();
    crc.update(b, header, headerSize - 4);
    for (int i = 0; i < 4; i++) {
      b[header + headerSize - 4 + i] = (byte) (crc.getValue() >>> (8 * i));
    }
    return b;
  }

  @Test
  void aGnuLongNameBombIsRefusedBeforeItIsHeldInMemory() throws Exception {
    // A ././@LongLink entry announcing a 64 MiB name of zeros: under 1 MiB gzip'ed.
    Path tar = dir.resolve("longname.tar.gz");
    try (OutputStream raw = Files.newOutputStream(tar);
        GzipCompressorOutputStream gz = new GzipCompressorOutputStream(raw);
        TarArchiveOutputStream out = new TarArchiveOutputStream(gz)) {
      TarArchiveEntry longName =
          new TarArchiveEntry(TarConstants.GNU_LONGLINK, TarConstants.LF_GNUTYPE_LONGNAME);
      long size = 64L << 20;
      longName.setSize(size);
      out.putArchiveEntry(longName);
      byte[] block = new byte[1 << 20];
      for (long written = 0; written < size; written += block.length) {
        out.write(block);
      }
      out.closeArchiveEntry();
      TarArchiveEntry file = new TarArchiveEntry("f");
      file.setSize(1);
      out.putArchiveEntry(file);
      out.write('x');
      out.closeArchiveEntry();
    }
    assertThat(Files.size(tar)).isLessThan(1 << 20);
    before = outside();

    assertThatThrownBy(() -> ArchiveUnpacker.unpack(tar, into, null))
        .isInstanceOf(FileOpException.class)
        .hasMessageContaining("longname.tar.gz")
        .hasMessageContaining("exceed " + ArchiveUnpacker.MAX_HEADER_BYTES + " bytes");
    try (Stream<Path> left = Files.list(into)) {
      assertThat(left).isEmpty();
    }
    assertUntouched();
  }

  @Test
  void anEntryNameNearTheFilesystemLimitStillUnpacks() throws Exception {
    String name = "d/" + "n".repeat(250);
    Path tar = archive(new TestTar().file(name, bytes("x")));

    ArchiveUnpacker.unpack(tar, into, null);

    assertThat(into.resolve(name)).hasContent("x");
    assertUntouched();
  }

  private Path archive(TestTar tar) throws IOException {
    Path p = dir.resolve("archive.tar.gz");
    Files.write(p, tar.gzipped());
    before = outside();
    return p;
  }

  private void assertUntouched() throws IOException {
    assertThat(sentinel.resolve("secret")).hasContent("another build's data");
    if (before != null) {
      assertThat(outside()).isEqualTo(before);
    }
  }

  private List<String> outside() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      List<String> out = new ArrayList<>();
      for (Path p : s.filter(p -> !p.startsWith(into)).sorted().toList()) {
        out.add(
            dir.relativize(p)
                + " "
                + Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)
                + " "
                + Files.readAttributes(
                        p,
                        java.nio.file.attribute.BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS)
                    .size());
      }
      return out;
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
