package dev.slipway.engine.snapshot;

import dev.slipway.engine.fs.HostCommands;
import dev.slipway.engine.fs.XattrTool;
import dev.slipway.engine.fs.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test helpers: run shell commands, and describe a tree so two trees can be compared. */
final class Trees {

  private Trees() {}

  static void sh(Path dir, String script) throws IOException {
    HostCommands.run(dir, List.of("/bin/sh", "-ec", script), null);
  }

  /**
   * path → everything a layer preserves about the entry (kind, mode, owner, mtime, content hash,
   * link target, device, kept xattrs, and which earlier path it is a hardlink of).
   */
  static Map<String, String> describe(Path root) throws IOException {
    Map<Path, Xattrs> xattrs = XattrTool.readTree(root);
    Map<String, String> listing = new TreeMap<>();
    Map<String, String> firstPathOfInode = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.sorted().toList()) {
        if (file.equals(root)) {
          continue;
        }
        String path = root.relativize(file).toString();
        FileMeta meta = FileMeta.read(file);
        String hardlinkOf = "";
        if (meta.kind() != FileKind.DIRECTORY && meta.linkCount() > 1) {
          String previous = firstPathOfInode.putIfAbsent(meta.device() + ":" + meta.inode(), path);
          hardlinkOf = previous == null ? "" : " link-of=" + previous;
        }
        StringBuilder xattrText = new StringBuilder();
        xattrs
            .getOrDefault(file, Xattrs.NONE)
            .keptInLayersOnly()
            .asMap()
            .forEach(
                (k, v) ->
                    xattrText
                        .append(' ')
                        .append(k)
                        .append('=')
                        .append(HexFormat.of().formatHex(v)));
        listing.put(
            path,
            meta.kind()
                + " "
                + Integer.toOctalString(meta.permissions())
                + " "
                + meta.uid()
                + ":"
                + meta.gid()
                + " mtime="
                + meta.mtime()
                + (meta.kind() == FileKind.REGULAR ? " sha256=" + sha256(file) : "")
                + (meta.kind() == FileKind.SYMLINK ? " -> " + meta.linkTarget() : "")
                + (meta.kind() == FileKind.CHAR_DEVICE || meta.kind() == FileKind.BLOCK_DEVICE
                    ? " dev=" + meta.deviceMajor() + "," + meta.deviceMinor()
                    : "")
                + xattrText
                + hardlinkOf);
      }
    }
    return listing;
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
