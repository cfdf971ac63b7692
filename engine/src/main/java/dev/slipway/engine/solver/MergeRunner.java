package dev.slipway.engine.solver;

import dev.slipway.engine.graph.MergeOp;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.CommittedSnapshot;
import dev.slipway.engine.snapshot.LayerTarWriter;
import dev.slipway.engine.snapshot.Snapshotter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code COPY --link}: stacks the layers of each later input, unchanged, on the first input. The
 * stacked layers are replayed from their own diffs, so each keeps its content whatever lies below
 * it — which is what lets a linked layer be reused after a base image changes.
 */
final class MergeRunner implements OpRunner<MergeOp> {
  private final Snapshotter snapshots;
  private final Path tmp;

  MergeRunner(Snapshotter snapshots, Path tmp) {
    this.snapshots = snapshots;
    this.tmp = tmp;
  }

  @Override
  public SolvedVertex execute(MergeOp v, List<SolvedVertex> inputs, String key, SolveJob job)
      throws BuildFailedException, IOException {
    String top = inputs.get(0).snapshotKey();
    List<String> upper = new ArrayList<>();
    for (SolvedVertex in : inputs.subList(1, inputs.size())) {
      upper.addAll(chain(in.snapshotKey()));
    }
    for (int i = 0; i < upper.size(); i++) {
      job.cancellation().throwIfCancelled();
      String target =
          i == upper.size() - 1 ? OpRunner.snapshotKey(key) : "merge-" + UUID.randomUUID();
      top = replay(upper.get(i), top, target);
    }
    return new SolvedVertex(key, top, null, false);
  }

  /** The snapshots from the bottom of {@code key}'s chain up to {@code key}. */
  private List<String> chain(String key) {
    List<String> chain = new ArrayList<>();
    for (Optional<String> k = Optional.ofNullable(key); k.isPresent(); ) {
      chain.addFirst(k.get());
      k = snapshots.get(k.get()).flatMap(CommittedSnapshot::parent);
    }
    return chain;
  }

  private String replay(String layer, String onto, String as) throws IOException {
    Files.createDirectories(tmp);
    Path tar = Files.createTempFile(tmp, "merge-", ".tar");
    try {
      try (OutputStream out = Files.newOutputStream(tar)) {
        new LayerTarWriter(Optional.empty()).write(snapshots.diff(layer), out);
      }
      try (InputStream in = Files.newInputStream(tar)) {
        snapshots.applyLayer(as, onto, in);
      }
      return as;
    } finally {
      Files.deleteIfExists(tar);
    }
  }
}
