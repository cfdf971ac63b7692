package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.fileop.ArchiveLimits;
import dev.slipway.engine.fileop.DeferredLinks;
import dev.slipway.engine.fileop.FileActionApplier;
import dev.slipway.engine.fileop.FileOpException;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.ActiveSnapshot;
import dev.slipway.engine.snapshot.SnapshotView;
import dev.slipway.engine.snapshot.Snapshotter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * COPY, ADD, WORKDIR and heredoc files: applies the file actions to a writable snapshot of the
 * base, reading copy sources from read-only views of their results, and commits.
 */
final class FileOpRunner implements OpRunner<FileOp> {
  private final Snapshotter snapshots;
  private final FileActionApplier applier;
  private final Path tmp;

  FileOpRunner(Snapshotter snapshots, Path tmp, ArchiveLimits archives) {
    this.snapshots = snapshots;
    this.tmp = tmp;
    this.applier = new FileActionApplier(archives);
  }

  @Override
  public SolvedVertex execute(FileOp v, List<SolvedVertex> inputs, String key, SolveJob job)
      throws BuildFailedException, IOException {
    Map<Vertex, SolvedVertex> byVertex = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      byVertex.put(v.inputs().get(i), inputs.get(i));
    }
    List<AutoCloseable> views = new ArrayList<>();
    Map<Vertex, Path> roots = new HashMap<>();
    ActiveSnapshot active =
        snapshots.prepare("file-" + UUID.randomUUID(), inputs.get(0).snapshotKey());
    boolean committed = false;
    DeferredLinks links = new DeferredLinks(active.rootfs());
    try {
      applier.apply(
          v,
          active.rootfs(),
          source -> roots.computeIfAbsent(source, s -> openRoot(byVertex.get(s), views, links)),
          links);
      // The sources' views stay open until the links into the unmounted layer are made.
      snapshots.commit(active, OpRunner.snapshotKey(key), links::linkInto);
      committed = true;
      return new SolvedVertex(key, OpRunner.snapshotKey(key), null, false);
    } catch (FileOpException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_STEP_FAILED, e.getMessage());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      for (AutoCloseable view : views.reversed()) {
        try {
          view.close();
        } catch (Exception ignored) {
          // releasing the others matters more than reporting this one
        }
      }
      if (!committed) {
        active.close();
      }
    }
  }

  /**
   * A read-only root for a copy source; an empty directory for the empty filesystem. A source that
   * is one layer on disk is offered to {@code links}.
   */
  private Path openRoot(SolvedVertex source, List<AutoCloseable> views, DeferredLinks links) {
    try {
      if (source.snapshotKey() == null) {
        Path empty = Files.createTempDirectory(Files.createDirectories(tmp), "scratch-");
        views.add(() -> Files.deleteIfExists(empty));
        return empty;
      }
      SnapshotView view = snapshots.view(source.snapshotKey());
      views.add(view);
      view.layer().ifPresent(layer -> links.source(view.rootfs(), layer));
      return view.rootfs();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
