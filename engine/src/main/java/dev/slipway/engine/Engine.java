package dev.slipway.engine;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.DiskUsageResponse;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.FrontendCall;
import dev.slipway.api.control.v1.NetworkMode;
import dev.slipway.api.control.v1.PruneRequest;
import dev.slipway.api.control.v1.PruneResponse;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.attest.SupplyChainAttestations;
import dev.slipway.engine.cache.CacheIndex;
import dev.slipway.engine.cache.CacheInventory;
import dev.slipway.engine.cache.CacheLeases;
import dev.slipway.engine.cache.CachePruner;
import dev.slipway.engine.cache.CacheUsage;
import dev.slipway.engine.cache.CachedLayers;
import dev.slipway.engine.cache.ImportedCache;
import dev.slipway.engine.cache.PeerCacheSource;
import dev.slipway.engine.cache.PrunePolicy;
import dev.slipway.engine.cache.remote.RemoteCache;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.exec.OciRuntime;
import dev.slipway.engine.exec.ProcessExecutor;
import dev.slipway.engine.export.BuildExporter;
import dev.slipway.engine.export.ImageAttestations;
import dev.slipway.engine.export.IndexAssembler;
import dev.slipway.engine.export.PlatformBuild;
import dev.slipway.engine.export.PushByDigest;
import dev.slipway.engine.fileop.ArchiveLimits;
import dev.slipway.engine.frontend.dockerfile.conversion.BuildDefinition;
import dev.slipway.engine.history.HistoryLimits;
import dev.slipway.engine.history.HistoryStore;
import dev.slipway.engine.image.BaseImagePins;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.registry.RegistryClient;
import dev.slipway.engine.sign.CosignSigner;
import dev.slipway.engine.sign.ImageSignatures;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.engine.snapshot.Snapshotters;
import dev.slipway.engine.solver.BaseImages;
import dev.slipway.engine.solver.ProgressEmitter;
import dev.slipway.engine.solver.RegistryBaseImages;
import dev.slipway.engine.solver.ResultLayers;
import dev.slipway.engine.solver.SolveJob;
import dev.slipway.engine.solver.Solver;
import dev.slipway.engine.solver.SolverSetup;
import dev.slipway.engine.source.ContextSources;
import dev.slipway.engine.source.HttpSourceFetcher;
import dev.slipway.engine.source.SourceFetchException;
import dev.slipway.session.BuildSession;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
  private final IndexAssembler assembler;
  private final CosignSigner signer;
  private final ResultLayers layers;
  private final RemoteCache remoteCache;
  private final PeerCacheSource peerCache;
  private final CachedLayers cachedLayers;
  private final RegistryClient registry;
  private final HttpSourceFetcher downloads;
  private final ArchiveLimits archives;
  private final DockerfileLoader dockerfiles;
  private OciRuntime runtime;
  private final CacheLeases leases = new CacheLeases();
  private final CacheInventory inventory;
  private final HistoryStore history;

  private Engine(
      EngineConfig config,
      java.util.function.Function<ContentStore, ImageAttestations> attestations)
      throws IOException {
    this.stateDir = config.stateDir();
    this.dockerfiles = new DockerfileLoader(config.allowInsecureEntitlement());
    Files.createDirectories(stateDir);
    // first: it sets up its HTTP client in the background while the rest opens
    this.registry = new RegistryClient();
    this.snapshots = Snapshotters.open(stateDir.resolve("snapshots"), config.snapshotter());
    this.content = ContentStore.open(stateDir.resolve("content"));
    this.images = ImageStore.open(stateDir.resolve("images"), content);
    this.cache = CacheIndex.open(stateDir.resolve("cache"));
    this.history =
        HistoryStore.open(stateDir.resolve(HistoryStore.DIRECTORY), HistoryLimits.defaults());
    this.baseImages = new RegistryBaseImages(images, registry);
    Path tmp = stateDir.resolve("tmp");
    dev.slipway.engine.snapshot.SafeDelete.tree(tmp);
    Files.createDirectories(tmp);
    ProcessExecutor executor = executor(config);
    this.downloads = new HttpSourceFetcher(config.limits().maxDownloadBytes());
    this.archives = ArchiveLimits.ofBytes(config.limits().maxArchiveExpandBytes());
    this.solver =
        SolverSetup.solver(
            config.parallelism(),
            snapshots,
            cache,
            content,
            baseImages,
            executor,
            stateDir,
            tmp,
            downloads,
            config.limits().maxLogBytesPerStep(),
            archives);
    this.layers = new ResultLayers(snapshots, cache, content);
    this.remoteCache = new RemoteCache(content, registry);
    this.peerCache = config.peerCache();
    this.cachedLayers = new CachedLayers(cache, content);
    this.exporter =
        new BuildExporter(
            content, images, snapshots, layers, registry, tmp, attestations.apply(content));
    this.assembler = new IndexAssembler(registry, content);
    this.signer = new CosignSigner(registry, content);
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
  }

  /** Opens the engine, recovering whatever a killed engine left in the state directory. */
  public static Engine open(EngineConfig config) throws IOException {
    // Writes nothing unless a request asks for an SBOM or provenance. The builder id stays empty,
    // as BuildKit's when its caller names none.
    return new Engine(config, content -> new SupplyChainAttestations(content, ""));
  }

  /** As {@link #open(EngineConfig)}, with the attestations a test makes of each platform image. */
  static Engine open(
      EngineConfig config,
      java.util.function.Function<ContentStore, ImageAttestations> attestations)
      throws IOException {
    return new Engine(config, attestations);
  }

  /**
   * The finished builds kept in this state directory: whoever runs a build here records it (see
   * {@link HistoryStore#recorder}), with the owner only it knows.
   */
  public HistoryStore history() {
    return history;
  }

  /** The runtime, or null when none is installed: builds without RUN steps still work. */
  private ProcessExecutor executor(EngineConfig config) {
    OciRuntime runtime;
    try {
      runtime = config.runtime().map(OciRuntime::at).orElseGet(OciRuntime::detect);
    } catch (dev.slipway.engine.exec.OciRuntimeNotFoundException e) {
      return null;
    }
    this.runtime = runtime;
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
      BuildSession client,
      Consumer<SolveEvent> listener,
      BuildCancellation cancellation)
      throws BuildFailedException {
    ProgressEmitter progress = new ProgressEmitter(request.getBuildId(), listener);
    if (request.hasAssembleIndex()) {
      return assemble(request, client, progress); // no Dockerfile, no context
    }
    try (ContextSources.ContextSession session =
        ContextSources.open(
            request.getContext(), client, stateDir.resolve("tmp"), downloads, archives)) {
      return solve(request, session, progress, cancellation);
    } catch (SessionException | SourceFetchException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_SESSION, "failed to fetch the build context: " + e.getMessage());
    } catch (IOException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_INTERNAL, "failed to fetch the build context: " + e.getMessage());
    }
  }

  /** One index of already pushed parts, pushed (and signed) like a built image. */
  private BuildResult assemble(SolveRequest request, BuildSession session, ProgressEmitter progress)
      throws BuildFailedException {
    RegistryAccess registries = RegistryAccess.of(session, request.getInsecureRegistriesList());
    PushByDigest.check(request);
    ImageSignatures signatures = ImageSignatures.open(request, session, signer);
    try (CacheLeases.BuildLease lease = leases.open()) {
      BuildResult assembled = assembler.assemble(request, registries, progress);
      return signatures.sign(assembled, request, registries, progress);
    }
  }

  private BuildResult solve(
      SolveRequest request,
      BuildSession session,
      ProgressEmitter progress,
      BuildCancellation cancellation)
      throws BuildFailedException {
    // One per build: what it obtains with its credentials serves no other build.
    RegistryAccess registries = RegistryAccess.of(session, request.getInsecureRegistriesList());
    if (request.getCall() != FrontendCall.FRONTEND_CALL_BUILD) {
      return BuildResult.newBuilder()
          .setCall(dockerfiles.call(request, session, baseImages, registries))
          .build();
    }
    BuildExporter.annotations(request); // refuses a bad --annotation before anything runs
    PushByDigest.check(request);
    ImageSignatures signatures = ImageSignatures.open(request, session, signer);
    java.time.Instant started = java.time.Instant.now();
    // Each platform is converted with its own TARGETPLATFORM; its base images resolve to that
    // platform's image of a multi-platform index.
    List<Platform> platforms = DockerfileLoader.platforms(request);
    List<PlatformBuild> unsolved = new ArrayList<>();
    String dockerfileDigest = null;
    for (Platform platform :
        platforms.isEmpty() ? java.util.Collections.<Platform>singletonList(null) : platforms) {
      BaseImagePins pins = new BaseImagePins();
      DockerfileLoader.Converted converted =
          dockerfiles.convert(request, session, baseImages, registries, pins, progress, platform);
      BuildDefinition definition = converted.definition();
      dockerfileDigest = converted.dockerfileDigest();
      unsolved.add(
          new PlatformBuild(
              platform != null ? platform : definition.image().platform(),
              definition,
              Map.of(),
              pins));
    }
    progress.emit(
        SolveEvent.newBuilder()
            .setAccepted(
                dev.slipway.api.control.v1.BuildAccepted.newBuilder()
                    .setStepsTotal(PlatformBuild.stepsTotal(unsolved))));
    try (CacheLeases.BuildLease lease = leases.open()) {
      BuildResult built =
          solve(request, session, registries, progress, cancellation, unsolved, lease, started)
              .toBuilder()
              // what this build put in the cache, for placement of the next ones
              .setDockerfileDigest(dockerfileDigest)
              .addAllBaseImages(
                  unsolved.stream()
                      .flatMap(b -> b.pins().all().stream())
                      .map(BaseImagePins.Pin::name)
                      .distinct()
                      .toList())
              .build();
      return signatures.sign(built, request, registries, progress);
    }
  }

  private BuildResult solve(
      SolveRequest request,
      BuildSession session,
      RegistryAccess access,
      ProgressEmitter progress,
      BuildCancellation cancellation,
      List<PlatformBuild> unsolved,
      CacheLeases.BuildLease lease,
      java.time.Instant started)
      throws BuildFailedException {
    // --cache-from first (what the user named), then the builder's peers
    ImportedCache imported =
        request.getNoCache()
            ? ImportedCache.NONE
            : remoteCache
                .importFrom(
                    request.getCacheFromList(),
                    access,
                    message -> progress.warning("CacheImport", message, null, null))
                .orElse(
                    peerCache.open(
                        request,
                        content,
                        message -> progress.warning("PeerCache", message, null, null)));
    SolveJob job =
        new SolveJob(
            request.getBuildId(),
            session,
            progress,
            // The solver cancels the job's steps when one fails; the caller's token says only
            // whether the caller cancelled.
            cancellation.child(),
            request.getNetwork() == NetworkMode.NETWORK_MODE_NONE
                ? dev.slipway.engine.exec.NetworkMode.NONE
                : dev.slipway.engine.exec.NetworkMode.HOST,
            new HashSet<>(request.getSecretIdsList()),
            new HashSet<>(request.getSshIdsList()),
            request.getPull(),
            access,
            imported,
            lease);
    List<PlatformBuild> builds = solveAll(unsolved, job, request.getNoCache());
    try {
      BuildResult result =
          exporter.export(
              request,
              builds,
              session,
              access,
              progress,
              session instanceof ContextSources.ContextSession fetched ? fetched.facts() : Map.of(),
              started);
      exportCache(request, builds, access, progress);
      return result;
    } catch (IOException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_INTERNAL, "exporting the result failed: " + e.getMessage());
    }
  }

  /**
   * Solves every platform's graph at the same time, as BuildKit does. A stage all platforms share
   * (FROM --platform=$BUILDPLATFORM) has the same cache keys in each graph, so the solver runs it
   * once for all of them (or the later ones find it CACHED). One failing platform cancels the job,
   * and so the others; its own error is the one reported.
   */
  private List<PlatformBuild> solveAll(List<PlatformBuild> unsolved, SolveJob job, boolean noCache)
      throws BuildFailedException {
    if (unsolved.size() == 1) {
      PlatformBuild only = unsolved.getFirst();
      return List.of(only.solvedAs(solver.solve(only.definition().root(), job, noCache)));
    }
    List<java.util.concurrent.Future<PlatformBuild>> running = new ArrayList<>();
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (PlatformBuild build : unsolved) {
        running.add(
            threads.submit(
                () -> build.solvedAs(solver.solve(build.definition().root(), job, noCache))));
      }
    }
    List<PlatformBuild> builds = new ArrayList<>();
    List<BuildFailedException> failures = new ArrayList<>();
    for (var future : running) {
      try {
        builds.add(future.get());
      } catch (java.util.concurrent.ExecutionException e) {
        failures.add(
            e.getCause() instanceof BuildFailedException b
                ? b
                : BuildFailedException.of(
                    ErrorKind.ERROR_KIND_INTERNAL, "solving failed: " + e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        job.cancellation().cancel("interrupted");
        throw BuildFailedException.cancelled("interrupted");
      }
    }
    if (!failures.isEmpty()) {
      throw failures.stream()
          .filter(f -> f.error().getKind() != ErrorKind.ERROR_KIND_CANCELLED)
          .findFirst()
          .orElse(failures.getFirst());
    }
    return builds;
  }

  /** --cache-to: the steps of this build as a cache manifest, per target and mode. */
  private void exportCache(
      SolveRequest request,
      List<PlatformBuild> builds,
      RegistryAccess access,
      ProgressEmitter progress)
      throws BuildFailedException, IOException {
    for (var target : request.getCacheToList()) {
      if (target.getType().equals("inline")) {
        continue; // the image exporter wrote it into the image config
      }
      String mode = target.getAttrsOrDefault("mode", "min");
      if (!mode.equals("min") && !mode.equals("max")) {
        throw BuildFailedException.of(
            ErrorKind.ERROR_KIND_INVALID_INPUT,
            "--cache-to mode=" + mode + " is not valid: use mode=min or mode=max");
      }
      java.time.Instant started = java.time.Instant.now();
      String id = "cache-export:" + request.getBuildId() + ":" + target.hashCode();
      String title = "exporting cache (" + target.getType() + ", mode=" + mode + ")";
      progress.step(
          id, title, dev.slipway.api.control.v1.VertexState.VERTEX_STATE_STARTED, started, null);
      List<dev.slipway.engine.cache.CacheManifest.Entry> entries = new ArrayList<>();
      for (PlatformBuild build : builds) {
        for (var entry :
            layers.cacheEntries(
                build.definition().root(),
                build.solved(),
                dev.slipway.engine.content.LayerCompression.parallelGzip(6),
                mode.equals("max"))) {
          if (!entries.contains(entry)) { // a stage the platforms share, once
            entries.add(entry);
          }
        }
      }
      remoteCache.exportTo(java.util.List.of(target), entries, access);
      progress.step(
          id, title, dev.slipway.api.control.v1.VertexState.VERTEX_STATE_DONE, started, null);
    }
  }

  /**
   * The cached layer of a step, by its runtime key, for another builder (a peer); empty when this
   * engine has no layer blob for it.
   *
   * @throws IllegalArgumentException when {@code runtimeKey} is not a runtime key
   */
  public java.util.Optional<CachedLayers.CachedLayer> cachedLayer(String runtimeKey)
      throws IOException {
    return cachedLayers.find(runtimeKey);
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

  /** The OCI runtime that runs RUN steps ("crun 1.8.1"), or empty when none is installed. */
  public java.util.Optional<String> runtimeDescription() {
    return java.util.Optional.ofNullable(runtime).map(r -> r.name() + " " + r.version());
  }

  /** The snapshotter in use: overlay or copy. */
  public String snapshotterName() {
    return snapshots.mode().name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public void close() throws IOException {
    solver.close();
    registry.close();
    downloads.close();
    try {
      snapshots.close();
    } catch (Exception e) {
      throw new IOException("closing the snapshotter failed: " + e.getMessage(), e);
    }
  }
}
