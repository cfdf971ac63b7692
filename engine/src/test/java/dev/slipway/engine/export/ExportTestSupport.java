package dev.slipway.engine.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reading archives back and finding external tools, for the exporter tests. */
final class ExportTestSupport {
  private ExportTestSupport() {}

  /** Entry name → content (directories map to null), in archive order. */
  static Map<String, byte[]> entries(byte[] archive) throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        assertThat(e.getModTime().getTime()).as("mtime of %s", e.getName()).isZero();
        assertThat(e.getLongUserId()).isZero();
        entries.put(e.getName(), e.isDirectory() ? null : tar.readAllBytes());
      }
    }
    return entries;
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
