package dev.slipway.engine.fileop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Writes tars with any names, types and link targets, as a hostile build or builder would. */
public final class TestTar {
  private record Entry(TarArchiveEntry header, byte[] data) {}

  private final List<Entry> entries = new ArrayList<>();

  /** A regular file; a name a tar can only hold as a directory ("", "a/") becomes one. */
  public TestTar file(String name, byte[] data) {
    if (name.isEmpty() || name.endsWith("/")) {
      return dir(name, 0755);
    }
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(data.length);
    e.setMode(0100644);
    entries.add(new Entry(e, data));
    return this;
  }

  public TestTar dir(String name, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
    e.setMode(040000 | mode);
    entries.add(new Entry(e, new byte[0]));
    return this;
  }

  public TestTar symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
    e.setLinkName(target);
    entries.add(new Entry(e, new byte[0]));
    return this;
  }

  public TestTar hardLink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
    e.setLinkName(target);
    entries.add(new Entry(e, new byte[0]));
    return this;
  }

  public byte[] bytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out);
    return out.toByteArray();
  }

  public byte[] gzipped() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
      write(gz);
    }
    return out.toByteArray();
  }

  private void write(OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    for (Entry e : entries) {
      tar.putArchiveEntry(e.header());
      tar.write(e.data());
      tar.closeArchiveEntry();
    }
    tar.finish();
  }
}
