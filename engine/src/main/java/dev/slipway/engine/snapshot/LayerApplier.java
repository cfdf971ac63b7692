package dev.slipway.engine.snapshot;

import dev.slipway.engine.fs.HostCommands;
import dev.slipway.engine.fs.XattrTool;
import dev.slipway.engine.fs.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Extracts a layer tar onto a root filesystem, as containerd's applier does.
 *
 * <p>Whiteouts ({@code .wh.name}) and opaque markers ({@code .wh..wh..opq}) delete what the layers
 * below had, never what this layer itself wrote. Entry names containing {@code ..} are refused.
 * Symlinks met while walking to an entry's parent are resolved inside the root, as if chrooted (an
 * absolute target restarts at the root, {@code ..} stops at it), so no entry can be written outside
 * the root. Ownership is set before the mode (chown clears setuid/setgid), extended attributes
 * after both (chown clears {@code security.capability}), and directory mtimes last, deepest first,
 * because creating children changes them.
 */
final class LayerApplier {

  private static final int MAX_SYMLINKS = 40;
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  private final Path root;

  /** Paths written by this layer: whiteouts of the same layer must not delete them. */
  private final Set<Path> written = new HashSet<>();

  private final Map<Path, Xattrs> xattrs = new LinkedHashMap<>();
  private final List<Map.Entry<Path, Instant>> directoryTimes = new ArrayList<>();

  /** Symlinks, devices and fifos by mtime: Java would open them to set times, so touch does. */
  private final Map<Instant, List<Path>> specialFileTimes = new TreeMap<>();

  LayerApplier(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  void apply(InputStream uncompressedTar) throws IOException {
    TarInput tar = new TarInput(uncompressedTar);
    for (TarHeader header = tar.next(); header != null; header = tar.next()) {
      applyEntry(header, tar);
    }
    XattrTool.writeAll(xattrs);
    touchSpecialFiles();
    for (int i = directoryTimes.size() - 1; i >= 0; i--) {
      setMtime(directoryTimes.get(i).getKey(), directoryTimes.get(i).getValue());
    }
  }

  private void applyEntry(TarHeader header, TarInput tar) throws IOException {
    List<String> parts = components(header.name(), header.name());
    if (parts.isEmpty()) {
      return; // the root itself: its metadata belongs to the base image, not to a layer
    }
    String base = parts.get(parts.size() - 1);
    Path parent = resolveDirectory(parts.subList(0, parts.size() - 1), header.name(), true);
    if (base.equals(OPAQUE)) {
      try (Stream<Path> children = Files.list(parent)) {
        for (Path child : (Iterable<Path>) children::iterator) {
          if (!written.contains(child)) {
            removeTree(child);
          }
        }
      }
      return;
    }
    if (base.startsWith(WHITEOUT)) {
      Path victim = parent.resolve(base.substring(WHITEOUT.length()));
      if (!written.contains(victim)) {
        removeTree(victim);
      }
      return;
    }
    Path target = parent.resolve(base);
    boolean keepDirectory =
        header.type() == TarHeader.DIRECTORY
            && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
    if (!keepDirectory) {
      removeTree(target);
    }
    switch (header.type()) {
      case TarHeader.DIRECTORY -> {
        if (!keepDirectory) {
          Files.createDirectory(target);
        }
      }
      case TarHeader.REGULAR, '7' -> Files.copy(tar.content(), target);
      case TarHeader.SYMLINK -> Files.createSymbolicLink(target, Path.of(header.linkName()));
      case TarHeader.HARDLINK -> {
        Files.createLink(target, resolveLinkTarget(header));
        written.add(target);
        return; // a hardlink shares the inode, and with it the metadata, of its target
      }
      case TarHeader.CHAR_DEVICE, TarHeader.BLOCK_DEVICE ->
          mknod(
              target,
              header.type() == TarHeader.CHAR_DEVICE ? "c" : "b",
              header.deviceMajor(),
              header.deviceMinor());
      case TarHeader.FIFO -> mknod(target, "p", -1, -1);
      default ->
          throw new SnapshotException(
              "layer entry \""
                  + header.name()
                  + "\" has unsupported tar type '"
                  + header.type()
                  + "'");
    }
    written.add(target);
    applyMetadata(target, header);
  }

  private void applyMetadata(Path target, TarHeader header) throws IOException {
    Files.setAttribute(target, "unix:uid", (int) header.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(target, "unix:gid", (int) header.gid(), LinkOption.NOFOLLOW_LINKS);
    if (header.type() != TarHeader.SYMLINK) {
      Files.setAttribute(target, "unix:mode", header.mode() & 07777);
    }
    Xattrs kept = header.xattrs().keptInLayersOnly();
    if (!kept.isEmpty()) {
      xattrs.put(target, kept);
    }
    switch (header.type()) {
      case TarHeader.DIRECTORY -> directoryTimes.add(Map.entry(target, header.mtime()));
      case TarHeader.REGULAR, '7' -> setMtime(target, header.mtime());
      default ->
          specialFileTimes.computeIfAbsent(header.mtime(), t -> new ArrayList<>()).add(target);
    }
  }

  private Path resolveLinkTarget(TarHeader header) throws IOException {
    List<String> parts = components(header.linkName(), header.name());
    if (parts.isEmpty()) {
      throw new LayerPathEscapeException(header.name(), "its hardlink target is the root");
    }
    Path dir = resolveDirectory(parts.subList(0, parts.size() - 1), header.name(), false);
    Path source = dir.resolve(parts.get(parts.size() - 1));
    if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)
        || Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new SnapshotException(
          "layer entry \""
              + header.name()
              + "\" is a hardlink to \""
              + header.linkName()
              + "\", which does not exist in the layer or below it (or is a directory)");
    }
    return source;
  }

  /** The components of an entry name; refuses {@code ..} since it can only mean to escape. */
  private static List<String> components(String name, String entryName)
      throws LayerPathEscapeException {
    List<String> parts = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.equals("..")) {
        throw new LayerPathEscapeException(entryName, "its path \"" + name + "\" contains \"..\"");
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return parts;
  }

  /**
   * Walks to a directory below the root, resolving symlinks inside the root (chroot semantics) and,
   * when {@code create}, creating missing directories like containerd does (mode 0755).
   */
  private Path resolveDirectory(List<String> parts, String entryName, boolean create)
      throws IOException {
    Deque<String> pending = new ArrayDeque<>(parts);
    Path current = root;
    int symlinks = 0;
    while (!pending.isEmpty()) {
      String part = pending.removeFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        current = current.equals(root) ? root : current.getParent();
        continue;
      }
      Path next = current.resolve(part);
      if (Files.isSymbolicLink(next)) {
        if (++symlinks > MAX_SYMLINKS) {
          throw new LayerPathEscapeException(entryName, "too many levels of symbolic links");
        }
        String target = Files.readSymbolicLink(next).toString();
        if (target.startsWith("/")) {
          current = root;
        }
        String[] targetParts = target.split("/");
        for (int i = targetParts.length - 1; i >= 0; i--) {
          pending.addFirst(targetParts[i]);
        }
        continue;
      }
      if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
        if (!create) {
          throw new SnapshotException(
              "layer entry \""
                  + entryName
                  + "\" refers to a missing directory "
                  + root.relativize(next));
        }
        Files.createDirectory(next);
        Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rwxr-xr-x"));
      } else if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
        throw new SnapshotException(
            "layer entry \""
                + entryName
                + "\" needs "
                + root.relativize(next)
                + " to be a directory, but a lower layer has a file there");
      }
      current = next;
    }
    return current;
  }

  private static void removeTree(Path path) throws IOException {
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      StateDirectory.deleteTree(path);
    } else {
      Files.deleteIfExists(path);
    }
  }

  private static void mknod(Path target, String kind, int major, int minor) throws IOException {
    Path mknod = HostCommands.require("mknod", "coreutils");
    List<String> argv = new ArrayList<>(List.of(mknod.toString(), target.toString(), kind));
    if (major >= 0) {
      argv.add(Integer.toString(major));
      argv.add(Integer.toString(minor));
    }
    HostCommands.run(null, argv, null);
  }

  /**
   * Sets the mtimes of symlinks, devices and fifos with {@code touch -h}, one run per distinct time
   * and batch: setting times from Java opens the file, which blocks on a fifo and would open a
   * device.
   */
  private void touchSpecialFiles() throws IOException {
    if (specialFileTimes.isEmpty()) {
      return;
    }
    Path touch = HostCommands.require("touch", "coreutils");
    for (Map.Entry<Instant, List<Path>> group : specialFileTimes.entrySet()) {
      List<Path> files = group.getValue();
      for (int from = 0; from < files.size(); from += 500) {
        List<String> argv =
            new ArrayList<>(
                List.of(
                    touch.toString(),
                    "-h",
                    "-c",
                    "-d",
                    "@" + TarOutput.formatTime(group.getKey()),
                    "--"));
        files
            .subList(from, Math.min(files.size(), from + 500))
            .forEach(f -> argv.add(f.toString()));
        HostCommands.run(null, argv, null);
      }
    }
  }

  /** For regular files and directories only: Java opens the file to set its times. */
  static void setMtime(Path path, Instant mtime) throws IOException {
    FileTime time = FileTime.from(mtime);
    Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(time, time, null);
  }
}
