package dev.slipway.engine.export;

import dev.slipway.engine.content.NonClosingOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes an archive whose bytes depend only on its contents: entries sorted by name, parent
 * directories added, owner root (0:0, no names), modes 0644/0755, mtime 0, PAX for long names and
 * sizes. The same image therefore always exports to the same archive.
 */
final class DeterministicTar {
  /** Opens an entry's content; called once, while the archive is written. */
  @FunctionalInterface
  interface ContentSource {
    InputStream open() throws IOException;
  }

  private record FileEntry(long size, ContentSource source) {}

  private final TreeMap<String, FileEntry> files = new TreeMap<>();

  void add(String name, byte[] bytes) {
    files.put(name, new FileEntry(bytes.length, () -> new ByteArrayInputStream(bytes)));
  }

  /** Adds a file of a known size; writing fails if the source yields a different size. */
  void add(String name, long size, ContentSource source) {
    files.put(name, new FileEntry(size, source));
  }

  void add(String name, String text) {
    add(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes the archive to {@code out} (not closed). */
  void writeTo(OutputStream out) throws IOException {
    TreeSet<String> dirs = new TreeSet<>();
    for (String name : files.keySet()) {
      for (int i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
        dirs.add(name.substring(0, i + 1));
      }
    }
    List<String> names = new ArrayList<>(dirs);
    names.addAll(files.keySet());
    names.sort(null);
    TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new NonClosingOutputStream(out), StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    try (tar) {
      for (String name : names) {
        FileEntry file = files.get(name);
        TarArchiveEntry e =
            new TarArchiveEntry(
                name, file == null ? TarConstants.LF_DIR : TarConstants.LF_NORMAL, false);
        e.setModTime(0);
        e.setIds(0, 0);
        e.setUserName("");
        e.setGroupName("");
        e.setMode(file == null ? 040755 : 0100644);
        if (file != null) {
          e.setSize(file.size());
        }
        tar.putArchiveEntry(e);
        if (file != null) {
          long copied;
          try (InputStream in = file.source().open()) {
            copied = in.transferTo(tar);
          }
          if (copied != file.size()) {
            throw new IOException(
                "archive entry "
                    + name
                    + " changed size while exporting: expected "
                    + file.size()
                    + " bytes, got "
                    + copied);
          }
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    }
  }
}
