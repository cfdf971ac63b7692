package dev.slipway.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.fs.Xattrs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/** The hand-written tar format, checked against our reader and an independent one. */
class TarOutputTest {

  private static final byte[] CAPABILITY = {1, 0, 0, 2, (byte) 0x80, (byte) 0xff, 0, 0};

  /** Entry names as commons-compress reads them (PAX paths applied). */
  static List<String> names(byte[] tar) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        names.add(e.getName());
      }
    }
    return names;
  }

  private static byte[] write(TarHeader... headers) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TarOutput tar = new TarOutput(out);
    for (TarHeader h : headers) {
      tar.write(h, new ByteArrayInputStream(new byte[(int) h.size()]));
    }
    tar.finish();
    return out.toByteArray();
  }

  @Test
  void paxCarriesWhatUstarCannotAndBinaryXattrsSurviveExactly() throws IOException {
    String longName = "dir/" + "x".repeat(150) + "/ünïcode";
    Instant mtime = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);
    byte[] tar =
        write(
            new TarHeader(
                longName,
                TarHeader.REGULAR,
                04755,
                3_000_000L,
                4_000_000_000L,
                5,
                mtime,
                "",
                0,
                0,
                Xattrs.of(Map.of("security.capability", CAPABILITY))),
            new TarHeader(
                "link",
                TarHeader.SYMLINK,
                0777,
                0,
                0,
                0,
                Instant.EPOCH,
                "t".repeat(200),
                0,
                0,
                Xattrs.NONE));

    assertThat(tar.length % 512).isZero();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry file = in.getNextEntry();
      assertThat(file.getName()).isEqualTo(longName);
      assertThat(file.getLongUserId()).isEqualTo(3_000_000L);
      assertThat(file.getLongGroupId()).isEqualTo(4_000_000_000L);
      assertThat(file.getMode() & 07777).isEqualTo(04755);
      assertThat(file.getLastModifiedTime().toInstant()).isEqualTo(mtime);
      assertThat(file.getUserName()).isEmpty();
      assertThat(in.getNextEntry().getLinkName()).isEqualTo("t".repeat(200));
    }

    TarInput ours = new TarInput(new ByteArrayInputStream(tar));
    TarHeader file = ours.next();
    assertThat(file.name()).isEqualTo(longName);
    assertThat(file.uid()).isEqualTo(3_000_000L);
    assertThat(file.gid()).isEqualTo(4_000_000_000L);
    assertThat(file.mtime()).isEqualTo(mtime);
    assertThat(file.xattrs().get("security.capability")).isEqualTo(CAPABILITY);
    assertThat(ours.content().readAllBytes()).hasSize(5);
    assertThat(ours.next().linkName()).isEqualTo("t".repeat(200));
    assertThat(ours.next()).isNull();
  }

  @Test
  void shortAsciiEntriesNeedNoPaxHeader() throws IOException {
    byte[] tar =
        write(
            new TarHeader(
                "etc/",
                TarHeader.DIRECTORY,
                0755,
                0,
                0,
                0,
                Instant.ofEpochSecond(1),
                "",
                0,
                0,
                Xattrs.NONE));
    assertThat(tar).hasSize(512 * 3);
    assertThat(new String(tar, 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");
  }

  @Test
  void readsGnuLongNamesFromOtherWriters() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var gnu = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out)) {
      gnu.setLongFileMode(
          org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_GNU);
      TarArchiveEntry entry = new TarArchiveEntry("g".repeat(300));
      entry.setSize(3);
      gnu.putArchiveEntry(entry);
      gnu.write("abc".getBytes(StandardCharsets.US_ASCII));
      gnu.closeArchiveEntry();
    }
    TarInput in = new TarInput(new ByteArrayInputStream(out.toByteArray()));
    TarHeader header = in.next();
    assertThat(header.name()).isEqualTo("g".repeat(300));
    assertThat(in.content().readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("abc");
    assertThat(in.next()).isNull();
  }

  @Test
  void compressedInputIsReportedAsSuch() {
    byte[] gzipMagic = new byte[512];
    gzipMagic[0] = 0x1f;
    gzipMagic[1] = (byte) 0x8b;
    assertThatThrownBy(() -> new TarInput(new ByteArrayInputStream(gzipMagic)).next())
        .hasMessageContaining("still compressed");
  }
}
