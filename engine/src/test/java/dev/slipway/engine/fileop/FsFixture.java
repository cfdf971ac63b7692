package dev.slipway.engine.fileop;

import dev.slipway.engine.graph.FileAction;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.graph.VertexInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

/** Builds small real trees and Dockerfile-like copy actions for the file-op tests. */
final class FsFixture {

  static final Vertex CONTEXT =
      new SourceOp.Context("context", List.of(), List.of(), List.of(), VertexInfo.named("context"));

  private FsFixture() {}

  static Path file(Path root, String rel, String content) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  static Path file(Path root, String rel, String content, int mode) throws IOException {
    Path p = file(root, rel, content);
    PosixAttrs.chmod(p, mode);
    return p;
  }

  static Path dir(Path root, String rel) throws IOException {
    return Files.createDirectories(root.resolve(rel));
  }

  static Path link(Path root, String rel, String target) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    return Files.createSymbolicLink(p, Path.of(target));
  }

  static PosixAttrs stat(Path root, String rel) throws IOException {
    return PosixAttrs.lstat(root.resolve(rel.startsWith("/") ? rel.substring(1) : rel));
  }

  static String read(Path root, String rel) throws IOException {
    return Files.readString(root.resolve(rel.startsWith("/") ? rel.substring(1) : rel));
  }

  static boolean exists(Path root, String rel) {
    return Files.exists(
        root.resolve(rel.startsWith("/") ? rel.substring(1) : rel), LinkOption.NOFOLLOW_LINKS);
  }

  static void mtime(Path p, long epochSeconds) throws IOException {
    FileTime t = FileTime.fromMillis(epochSeconds * 1000);
    PosixAttrs.lutimes(p, t, t);
  }

  /** A busybox-like /etc/passwd and /etc/group in {@code root}. */
  static void userDatabase(Path root) throws IOException {
    file(
        root,
        "etc/passwd",
        "root:x:0:0:root:/root:/bin/sh\n"
            + "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
            + "nobody:x:65534:65534:nobody:/home:/bin/false\n");
    file(root, "etc/group", "root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n");
  }

  /** COPY as the Dockerfile frontend emits it (BuildKit's flags), with optional chown/chmod. */
  static FileAction.Copy copy(List<String> sources, String dest) {
    return copy(sources, dest, null, null, null);
  }

  static FileAction.Copy copy(
      List<String> sources, String dest, String user, String group, String chmod) {
    return new FileAction.Copy(
        CONTEXT, sources, dest, user, group, chmod, true, true, true, true, true, List.of(), false,
        false, false);
  }

  static FileAction.Copy with(
      FileAction.Copy c,
      boolean allowEmptyWildcard,
      List<String> excludes,
      boolean parents,
      boolean unpack,
      boolean replace) {
    return new FileAction.Copy(
        c.source(),
        c.sourcePaths(),
        c.dest(),
        c.chownUser(),
        c.chownGroup(),
        c.chmod(),
        c.followSymlinks(),
        c.copyDirContents(),
        c.createDestPath(),
        c.allowWildcard(),
        allowEmptyWildcard,
        excludes,
        parents,
        unpack,
        replace);
  }
}
