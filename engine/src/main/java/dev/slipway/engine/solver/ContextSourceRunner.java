package dev.slipway.engine.solver;

import dev.slipway.engine.cache.CacheLeases;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.session.ContextMirror;
import dev.slipway.engine.snapshot.ActiveSnapshot;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Files from a client's context: syncs the files a step selects into the engine's incremental copy
 * of that context (transferring only what changed), keys the result by their content, and on a
 * cache miss copies the selection into a snapshot of its own.
 */
final class ContextSourceRunner implements OpRunner<SourceOp.Context> {
  private static final String TRANSFER = "transferring ";
  private final Path mirrors;
  private final Snapshotter snapshots;

  ContextSourceRunner(Path mirrors, Snapshotter snapshots) {
    this.mirrors = mirrors;
    this.snapshots = snapshots;
  }

  @Override
  public boolean startsWhileKeying() {
    return true;
  }

  @Override
  public String runtimeKey(SourceOp.Context v, List<SolvedVertex> inputs, SolveJob job)
      throws BuildFailedException, IOException {
    return OpRunner.combine(v.cacheKey(), sync(v, job, true).checksum());
  }

  @Override
  public SolvedVertex execute(
      SourceOp.Context v, List<SolvedVertex> inputs, String key, SolveJob job)
      throws BuildFailedException, IOException {
    ContextFiles client = client(v, job);
    Path dir = mirrorDir(client);
    synchronized (ContextMirror.lockFor(dir)) {
      // Synced again under the lock (normally transferring nothing) so that no other build can
      // change the copy between the sync and the snapshot.
      ContextMirror.Sync sync = sync(v, job, false);
      ActiveSnapshot active = snapshots.prepare("ctx-" + UUID.randomUUID(), null);
      try {
        ContextMirror mirror = ContextMirror.open(dir);
        for (ContextFile f : sync.entries()) {
          copyEntry(mirror.root(), active.rootfs(), f);
        }
        // Copying children touched their directories: restore the directories' times last.
        for (ContextFile f : sync.entries().reversed()) {
          if (f.isDirectory()) {
            Files.setLastModifiedTime(
                active.rootfs().resolve(f.path()),
                FileTime.from(f.mtimeNanos(), TimeUnit.NANOSECONDS));
          }
        }
        snapshots.commit(active, OpRunner.snapshotKey(key));
      } catch (IOException | RuntimeException e) {
        active.close();
        throw e;
      }
    }
    return new SolvedVertex(key, OpRunner.snapshotKey(key), null, false);
  }

  private ContextMirror.Sync sync(SourceOp.Context v, SolveJob job, boolean report)
      throws BuildFailedException, IOException {
    ContextFiles client = client(v, job);
    Path dir = mirrorDir(client);
    job.lease().hold(CacheLeases.CONTEXT_PREFIX + dir.getFileName());
    synchronized (ContextMirror.lockFor(dir)) {
      ContextMirror mirror = ContextMirror.open(dir);
      // The directory's time is the mirror's last use, by which the garbage collector ages it.
      Files.setLastModifiedTime(dir, FileTime.from(java.time.Instant.now()));
      try {
        ContextMirror.Sync sync =
            mirror.sync(
                client,
                v.includePatterns(),
                v.excludePatterns(),
                v.followPaths(),
                (current, total) -> {
                  if (report) {
                    job.progress()
                        .bytes(v, "context", TRANSFER + v.contextName(), current, total, false);
                  }
                });
        if (report) {
          long sent = sync.bytesTransferred();
          job.progress().bytes(v, "context", TRANSFER + v.contextName() + ":", sent, sent, true);
        }
        return sync;
      } catch (SessionException e) {
        throw BuildFailedException.of(
            dev.slipway.api.control.v1.ErrorKind.ERROR_KIND_SESSION, e.getMessage());
      }
    }
  }

  private static ContextFiles client(SourceOp.Context v, SolveJob job) throws BuildFailedException {
    try {
      return job.session().context(v.contextName());
    } catch (SessionException e) {
      throw BuildFailedException.of(
          dev.slipway.api.control.v1.ErrorKind.ERROR_KIND_SESSION, e.getMessage());
    }
  }

  private Path mirrorDir(ContextFiles client) {
    return mirrors.resolve(Digest.of(client.identity().getBytes(StandardCharsets.UTF_8)).hex());
  }

  private static void copyEntry(Path from, Path to, ContextFile f) throws IOException {
    Path src = from.resolve(f.path());
    Path dst = to.resolve(f.path());
    Files.createDirectories(dst.getParent());
    if (f.isDirectory()) {
      Files.createDirectories(dst);
    } else if (f.isSymlink()) {
      Files.createSymbolicLink(dst, Path.of(f.linkTarget()));
    } else if (f.isHardLink()) {
      Files.createLink(dst, to.resolve(f.linkTarget()));
      return; // shares the metadata of the name it links to
    } else {
      Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.setAttribute(dst, "unix:uid", f.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(dst, "unix:gid", f.gid(), LinkOption.NOFOLLOW_LINKS);
    if (!f.isSymlink()) {
      Files.setAttribute(dst, "unix:mode", f.mode() & 07777, LinkOption.NOFOLLOW_LINKS);
      Files.setLastModifiedTime(dst, FileTime.from(f.mtimeNanos(), TimeUnit.NANOSECONDS));
    }
  }
}
