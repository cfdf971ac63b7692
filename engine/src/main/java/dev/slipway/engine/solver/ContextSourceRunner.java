package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.TransferKind;
import dev.slipway.confined.ConfinedRoot;
import dev.slipway.engine.cache.CacheLeases;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.job.TransferMeter;
import dev.slipway.engine.job.TransferScope;
import dev.slipway.engine.session.ContextMirror;
import dev.slipway.engine.snapshot.ActiveSnapshot;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.session.ContextFile;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Files from a client's context: syncs the files a step selects into the engine's incremental copy
 * of that context (transferring only what changed), keys the result by their content, and on a
 * cache miss copies the selection into a snapshot of its own.
 */
final class ContextSourceRunner implements OpRunner<SourceOp.Context> {
  private static final String TRANSFER = "transferring ";

  /** Keyed syncs kept for execute; a sync whose execute never comes (a cache hit) ages out. */
  private static final int MAX_REMEMBERED = 64;

  private final Path mirrors;
  private final Snapshotter snapshots;

  /** The sync that made a runtime key, by mirror and key, with the mirror's generation then. */
  private final Map<String, Remembered> keyed = new ConcurrentHashMap<>();

  private record Remembered(long generation, ContextMirror.Sync sync) {}

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
    Path dir = mirrorDir(client(v, job), job);
    synchronized (ContextMirror.lockFor(dir)) {
      ContextMirror.Sync sync = sync(v, job, true);
      String key = OpRunner.combine(v.cacheKey(), sync.checksum());
      if (keyed.size() >= MAX_REMEMBERED) {
        keyed.clear();
      }
      keyed.put(dir + "\0" + key, new Remembered(ContextMirror.generation(dir), sync));
      return key;
    }
  }

  @Override
  public SolvedVertex execute(
      SourceOp.Context v, List<SolvedVertex> inputs, String key, SolveJob job)
      throws BuildFailedException, IOException {
    ContextFiles client = client(v, job);
    Path dir = mirrorDir(client, job);
    synchronized (ContextMirror.lockFor(dir)) {
      // The copy still holds what the key was made from unless another sync changed it since;
      // then it is synced again (under the lock, so nothing changes it before the snapshot), and
      // must still give the key: a snapshot never goes into the cache under another's key.
      Remembered remembered = keyed.remove(dir + "\0" + key);
      ContextMirror.Sync sync;
      if (remembered != null && remembered.generation() == ContextMirror.generation(dir)) {
        sync = remembered.sync();
      } else {
        sync = sync(v, job, false);
        if (!OpRunner.combine(v.cacheKey(), sync.checksum()).equals(key)) {
          throw BuildFailedException.of(
              dev.slipway.api.control.v1.ErrorKind.ERROR_KIND_SESSION,
              "the context \""
                  + v.contextName()
                  + "\" changed while the build was running; run the build again");
        }
      }
      ActiveSnapshot active = snapshots.prepare("ctx-" + UUID.randomUUID(), null);
      try {
        ConfinedRoot from =
            ConfinedRoot.refusingLinks(ContextMirror.filesOf(dir), "the context mirror");
        ConfinedRoot to = ConfinedRoot.refusingLinks(active.rootfs(), "the context snapshot");
        boolean[] linking = {true};
        for (ContextFile f : sync.entries()) {
          copyEntry(from, to, f, linking);
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
        // as BuildKit: the bytes received so far, with no total (the files are listed as they come)
        TransferMeter meter =
            (report ? job.progress().transfers(v) : TransferScope.NONE)
                .start(
                    TransferKind.TRANSFER_KIND_CONTEXT,
                    "context",
                    TRANSFER + v.contextName() + ":",
                    0);
        ContextMirror.Sync sync =
            mirror.sync(
                client,
                v.includePatterns(),
                v.excludePatterns(),
                v.followPaths(),
                (current, total) -> meter.set(current));
        meter.set(sync.bytesTransferred());
        meter.complete();
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

  /**
   * Gives the snapshot the mirror's file as a second name, so an unchanged file costs no copy. This
   * is safe because the mirror never changes a file's inode once written: new contents (and a new
   * mode or owner) go to a new file renamed over the old one, which stays the snapshot's. Where the
   * two are on different file systems (an overlay rootfs), the contents are copied, and {@code
   * linking[0]} turns false so that the next files do not try again.
   */
  private static Path linkOrCopy(ConfinedRoot from, ConfinedRoot to, String path, boolean[] linking)
      throws IOException {
    Path existing = from.resolve(path);
    if (!Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("the context mirror lost the regular file \"" + path + "\"");
    }
    if (linking[0]) {
      try {
        return Files.createLink(to.newEntry(path), existing);
      } catch (IOException | UnsupportedOperationException e) {
        linking[0] = false;
      }
    }
    return to.writeFile(
        path,
        out -> {
          try (InputStream in = from.openFile(path)) {
            in.transferTo(out);
          }
        });
  }

  /** Copies one synced entry from the mirror into the snapshot, neither side through a link. */
  private static void copyEntry(
      ConfinedRoot from, ConfinedRoot to, ContextFile f, boolean[] linking) throws IOException {
    Path dst;
    if (f.isDirectory()) {
      dst = to.createDirectory(f.path());
    } else if (f.isSymlink()) {
      dst = to.createSymlink(f.path(), f.linkTarget());
    } else if (f.isHardLink()) {
      to.createHardLink(f.path(), f.linkTarget());
      return; // shares the metadata of the name it links to
    } else {
      dst = linkOrCopy(from, to, f.path(), linking);
    }
    // Only what differs is set: a linked file already carries the metadata an earlier snapshot
    // gave it (the mirror keeps a file only while its listed metadata stays the same), and a
    // chown would clear its setuid bit under a snapshot that may be read right now.
    Map<String, Object> has =
        Files.readAttributes(dst, "unix:uid,gid,mode,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    boolean chowned = (Integer) has.get("uid") != f.uid() || (Integer) has.get("gid") != f.gid();
    if (chowned) {
      to.setOwner(dst, f.uid(), f.gid());
    }
    if (!f.isSymlink()) {
      FileTime mtime = FileTime.from(f.mtimeNanos(), TimeUnit.NANOSECONDS);
      // a chown clears setuid/setgid, so the mode follows it
      if (chowned || ((Integer) has.get("mode") & 07777) != (f.mode() & 07777)) {
        to.setMode(dst, f.mode() & 07777);
      }
      if (!mtime.equals(has.get("lastModifiedTime"))) {
        to.setTimes(dst, mtime, null);
      }
    }
  }
}
