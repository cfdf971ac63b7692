package dev.slipway.engine.solver;

import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.MergeOp;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.job.BuildFailedException;
import java.io.IOException;
import java.util.List;

/** The runner for each kind of vertex. */
public final class OpRunners {
  private final OpRunner<SourceOp.Image> images;
  private final OpRunner<SourceOp.Context> contexts;
  private final OpRunner<SourceOp.Http> downloads;
  private final OpRunner<SourceOp.Git> repositories;
  private final OpRunner<ExecOp> execs;
  private final OpRunner<FileOp> files;
  private final OpRunner<MergeOp> merges;

  OpRunners(
      OpRunner<SourceOp.Image> images,
      OpRunner<SourceOp.Context> contexts,
      OpRunner<SourceOp.Http> downloads,
      OpRunner<SourceOp.Git> repositories,
      OpRunner<ExecOp> execs,
      OpRunner<FileOp> files,
      OpRunner<MergeOp> merges) {
    this.images = images;
    this.contexts = contexts;
    this.downloads = downloads;
    this.repositories = repositories;
    this.execs = execs;
    this.files = files;
    this.merges = merges;
  }

  @SuppressWarnings("unchecked")
  OpRunner<Vertex> forVertex(Vertex v) {
    OpRunner<? extends Vertex> runner =
        switch (v) {
          case SourceOp.Scratch s -> SCRATCH;
          case SourceOp.Image i -> images;
          case SourceOp.Context c -> contexts;
          case SourceOp.Http h -> downloads;
          case SourceOp.Git g -> repositories;
          case ExecOp e -> execs;
          case FileOp f -> files;
          case MergeOp m -> merges;
        };
    return (OpRunner<Vertex>) runner;
  }

  /** The empty filesystem: nothing to run, nothing to store. */
  private static final OpRunner<SourceOp.Scratch> SCRATCH =
      new OpRunner<>() {
        @Override
        public boolean indexed() {
          return false;
        }

        @Override
        public SolvedVertex execute(
            SourceOp.Scratch v, List<SolvedVertex> inputs, String key, SolveJob job)
            throws BuildFailedException, IOException {
          return new SolvedVertex(key, null, null, true);
        }
      };
}
