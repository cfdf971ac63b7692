package dev.slipway.engine.solver;

import dev.slipway.confined.ConfinedRoot;
import dev.slipway.engine.cache.CacheLeases;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.session.ContextMirror;
import dev.slipway.engine.snapshot.ActiveSnapshot;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Path dir = mirrorDir(client, job);
    synchronized (ContextMirror.lockFor(dir)) {
      // Synced again under the lock (normally transferring nothing) so that no other build can
      // change the copy between the sync and the snapshot.
      ContextMirror.Sync sync = sync(v, job, false);
      ActiveSnapshot active = snapshots.prepare("ctx-" + UUID.randomUUID(), null);
      try {
        ConfinedRoot from =
            ConfinedRoot.refusingLinks(ContextMirror.open(dir).root(), "the context mirror");
        ConfinedRoot to = ConfinedRoot.refusingLinks(active.rootfs(), "the context snapshot");
        for (ContextFile f : sync.entries()) {
          copyEntry(from, to, f);
        }
        // Copying children touched their directories: restore the directories' times last.
        for (ContextFile f : sync.entries().reversed()) {
          if (f.isDirectory()) {
            to.setTimes(
                to.entry(f.path()), FileTime.from(f.mtimeNanos(), TimeUnit.NANOSECONDS), null);
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
    Path dir = mirrorDir(client, job);
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

  private Path mirrorDir(ContextFiles client, SolveJob job) {
    return ContextMirror.dirFor(mirrors, job.session().ownerKey(), client.identity());
  }

  /** Copies one synced entry from the mirror into the snapshot, neither side through a link. */
  private static void copyEntry(ConfinedRoot from, ConfinedRoot to, ContextFile f)
      throws IOException {
    Path dst;
    if (f.isDirectory()) {
      dst = to.createDirectory(f.path());
    } else if (f.isSymlink()) {
      dst = to.createSymlink(f.path(), f.linkTarget());
    } else if (f.isHardLink()) {
      to.createHardLink(f.path(), f.linkTarget());
      return; // shares the metadata of the name it links to
    } else {
      dst =
          to.writeFile(
              f.path(),
              out -> {
                try (InputStream in = from.openFile(f.path())) {
                  in.transferTo(out);
                }
              });
    }
    to.setOwner(dst, f.uid(), f.gid());
    if (!f.isSymlink()) {
      to.setMode(dst, f.mode() & 07777);
      to.setTimes(dst, FileTime.from(f.mtimeNanos(), TimeUnit.NANOSECONDS), null);
    }
  }
}
