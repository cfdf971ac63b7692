package dev.slipway.engine;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.DiskUsageResponse;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.NetworkMode;
import dev.slipway.api.control.v1.PruneRequest;
import dev.slipway.api.control.v1.PruneResponse;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.cache.CacheIndex;
import dev.slipway.engine.cache.CacheInventory;
import dev.slipway.engine.cache.CacheLeases;
import dev.slipway.engine.cache.CachePruner;
import dev.slipway.engine.cache.CacheUsage;
import dev.slipway.engine.cache.PrunePolicy;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.exec.OciRuntime;
import dev.slipway.engine.exec.ProcessExecutor;
import dev.slipway.engine.export.BuildExporter;
import dev.slipway.engine.frontend.dockerfile.BuildDefinition;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.session.BuildSession;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.engine.snapshot.Snapshotters;
import dev.slipway.engine.solver.BaseImages;
import dev.slipway.engine.solver.ProgressEmitter;
import dev.slipway.engine.solver.ResultLayers;
import dev.slipway.engine.solver.SolveJob;
import dev.slipway.engine.solver.SolvedVertex;
import dev.slipway.engine.solver.Solver;
import dev.slipway.engine.solver.SolverSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One build engine over one state directory: what a builder pod runs and what {@code slipway build
 * --local} embeds. A build goes Dockerfile → graph (frontend) → results (solver) → outputs
 * (exporters); every stage reports progress as {@link SolveEvent}s.
 */
public final class Engine implements AutoCloseable {
  private final Path stateDir;
  private final ContentStore content;
  private final ImageStore images;
  private final Snapshotter snapshots;
  private final CacheIndex cache;
  private final Solver solver;
  private final BaseImages baseImages;
  private final BuildExporter exporter;
  private final DockerfileLoader dockerfiles = new DockerfileLoader();
  private final CacheLeases leases = new CacheLeases();
  private final CacheInventory inventory;

  private Engine(EngineConfig config) throws IOException {
    this.stateDir = config.stateDir();
    Files.createDirectories(stateDir);
    this.snapshots = Snapshotters.open(stateDir.resolve("snapshots"), config.snapshotter());
    this.content = ContentStore.open(stateDir.resolve("content"));
    this.images = ImageStore.open(stateDir.resolve("images"), content);
    this.cache = CacheIndex.open(stateDir.resolve("cache"));
    this.baseImages =
        new dev.slipway.engine.registry.RegistryBaseImages(
            images, new dev.slipway.engine.registry.RegistryClient(host -> false));
    Path tmp = stateDir.resolve("tmp");
    dev.slipway.engine.snapshot.SafeDelete.tree(tmp);
    Files.createDirectories(tmp);
    ProcessExecutor executor = executor(config);
    this.solver =
        SolverSetup.solver(
            config.parallelism(), snapshots, cache, content, baseImages, executor, stateDir, tmp);
    this.inventory =
        new CacheInventory(
            cache,
            snapshots,
            content,
            images,
            stateDir.resolve("contexts"),
            stateDir.resolve("cache-mounts"),
            tmp,
            leases);
    this.exporter =
        new BuildExporter(
            content, images, snapshots, new ResultLayers(snapshots, cache, content), tmp);
  }

  /** Opens the engine, recovering whatever a killed engine left in the state directory. */
  public static Engine open(EngineConfig config) throws IOException {
    return new Engine(config);
  }

  /** The runtime, or null when none is installed: builds without RUN steps still work. */
  private ProcessExecutor executor(EngineConfig config) {
    OciRuntime runtime;
    try {
      runtime = config.runtime().map(OciRuntime::at).orElseGet(OciRuntime::detect);
    } catch (dev.slipway.engine.exec.OciRuntimeNotFoundException e) {
      return null;
    }
    ProcessExecutor executor =
        new ProcessExecutor(runtime, ProcessExecutor.defaultWorkDir(stateDir));
    executor.recover();
    return executor;
  }

  /**
   * Runs a build to the end. Progress goes to {@code listener} as it happens; the returned result
   * says what was produced.
   */
  public BuildResult solve(
      SolveRequest request,
      BuildSession session,
      Consumer<SolveEvent> listener,
      BuildCancellation cancellation)
      throws BuildFailedException {
    ProgressEmitter progress = new ProgressEmitter(request.getBuildId(), listener);
    BuildDefinition definition = dockerfiles.convert(request, session, baseImages, progress);
    if (request.getCheckOnly()) {
      return BuildResult.newBuilder().setStepsTotal(definition.totalSteps()).build();
    }
    progress.emit(
        SolveEvent.newBuilder()
            .setAccepted(
                dev.slipway.api.control.v1.BuildAccepted.newBuilder()
                    .setStepsTotal(definition.totalSteps())));
    try (CacheLeases.BuildLease lease = leases.open()) {
      return solve(request, session, progress, cancellation, definition, lease);
    }
  }

  private BuildResult solve(
      SolveRequest request,
      BuildSession session,
      ProgressEmitter progress,
      BuildCancellation cancellation,
      BuildDefinition definition,
      CacheLeases.BuildLease lease)
      throws BuildFailedException {
    SolveJob job =
        new SolveJob(
            request.getBuildId(),
            session,
            progress,
            cancellation,
            request.getNetwork() == NetworkMode.NETWORK_MODE_NONE
                ? dev.slipway.engine.exec.NetworkMode.NONE
                : dev.slipway.engine.exec.NetworkMode.HOST,
            new HashSet<>(request.getSecretIdsList()),
            new HashSet<>(request.getSshIdsList()),
            request.getPull(),
            lease);
    Map<dev.slipway.engine.graph.CacheKey, SolvedVertex> solved =
        solver.solve(definition.root(), job, request.getNoCache());
    try {
      return exporter.export(request, definition, solved, session, progress);
    } catch (IOException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_INTERNAL, "exporting the result failed: " + e.getMessage());
    }
  }

  /** Every cache item with its size on disk and whether a running build uses it. */
  public DiskUsageResponse diskUsage() throws IOException {
    return new CacheUsage(inventory).report();
  }

  /**
   * Removes cache items as {@code request} asks, least recently used first, never one a running
   * build uses; reports what went and the space freed.
   *
   * @throws IllegalArgumentException when a filter is not understood
   */
  public PruneResponse prune(PruneRequest request) throws IOException {
    return new CachePruner(inventory).prune(PrunePolicy.of(request));
  }

  public Path stateDir() {
    return stateDir;
  }

  @Override
  public void close() throws IOException {
    solver.close();
    try {
      snapshots.close();
    } catch (Exception e) {
      throw new IOException("closing the snapshotter failed: " + e.getMessage(), e);
    }
  }
}
