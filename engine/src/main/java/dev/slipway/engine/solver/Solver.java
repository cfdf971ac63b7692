package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.cache.CacheIndex;
import dev.slipway.engine.cache.CacheManifest;
import dev.slipway.engine.cache.CacheRecord;
import dev.slipway.engine.cache.ImportedCache;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.graph.CacheKey;
import dev.slipway.engine.graph.Graph;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.Snapshotter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Executes build graphs. Each vertex starts as soon as its inputs are done, at most {@code
 * parallelism} at a time across all builds of this engine; a vertex whose runtime key is in the
 * cache is not run, unless the build ignores the cache for it; two builds that need the same result
 * at the same time share one execution. A failed vertex cancels the rest of its build.
 */
public final class Solver implements AutoCloseable {
  private final OpRunners runners;
  private final CacheIndex cache;
  private final Snapshotter snapshots;
  private final ContentStore content;
  private final Semaphore slots;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, CompletableFuture<SolvedVertex>> inFlight = new ConcurrentHashMap<>();

  public Solver(
      OpRunners runners,
      CacheIndex cache,
      Snapshotter snapshots,
      ContentStore content,
      int parallelism) {
    this.runners = runners;
    this.cache = cache;
    this.snapshots = snapshots;
    this.content = content;
    this.slots = new Semaphore(parallelism, true);
  }

  /** Solves every vertex reachable from {@code root}; returns each vertex's result. */
  public Map<CacheKey, SolvedVertex> solve(Vertex root, SolveJob job, boolean ignoreCache)
      throws BuildFailedException {
    Map<CacheKey, CompletableFuture<SolvedVertex>> futures = new HashMap<>();
    for (Vertex v : Graph.topologicalOrder(root)) {
      List<CompletableFuture<SolvedVertex>> inputs =
          v.inputs().stream().map(i -> futures.get(i.cacheKey())).toList();
      CompletableFuture<SolvedVertex> f =
          CompletableFuture.allOf(inputs.toArray(CompletableFuture[]::new))
              .thenApplyAsync(
                  done -> {
                    try {
                      return solveVertex(
                          v,
                          inputs.stream().map(CompletableFuture::join).toList(),
                          job,
                          ignoreCache || v.info().ignoreCache());
                    } catch (BuildFailedException | IOException e) {
                      throw new CompletionException(e);
                    }
                  },
                  threads);
      f.exceptionally(
          e -> {
            job.cancellation().cancel("another step failed");
            return null;
          });
      futures.put(v.cacheKey(), f);
    }
    try {
      futures.get(root.cacheKey()).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      job.cancellation().cancel("interrupted");
      throw BuildFailedException.cancelled("interrupted");
    } catch (ExecutionException e) {
      throw firstFailure(futures, e.getCause());
    }
    Map<CacheKey, SolvedVertex> results = new HashMap<>();
    futures.forEach((k, f) -> results.put(k, f.join()));
    return results;
  }

  /**
   * The failure to report: the first step's own error rather than the cancellations it caused in
   * other steps.
   */
  private static BuildFailedException firstFailure(
      Map<CacheKey, CompletableFuture<SolvedVertex>> futures, Throwable rootCause) {
    List<BuildFailedException> failures = new ArrayList<>();
    for (CompletableFuture<SolvedVertex> f : futures.values()) {
      if (f.isCompletedExceptionally()) {
        try {
          f.join();
        } catch (CompletionException e) {
          if (unwrap(e) instanceof BuildFailedException b) {
            failures.add(b);
          }
        } catch (java.util.concurrent.CancellationException ignored) {
          // not a cause
        }
      }
    }
    return failures.stream()
        .filter(b -> b.error().getKind() != ErrorKind.ERROR_KIND_CANCELLED)
        .findFirst()
        .or(() -> failures.stream().findFirst())
        .orElseGet(() -> internal(unwrap(rootCause)));
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static BuildFailedException internal(Throwable t) {
    if (t instanceof BuildFailedException b) {
      return b;
    }
    return new BuildFailedException(
        BuildError.newBuilder()
            .setKind(ErrorKind.ERROR_KIND_INTERNAL)
            .setMessage(t.getClass().getSimpleName() + ": " + t.getMessage())
            .build(),
        t);
  }

  private SolvedVertex solveVertex(
      Vertex v, List<SolvedVertex> inputs, SolveJob job, boolean ignoreCache)
      throws BuildFailedException, IOException {
    job.cancellation().throwIfCancelled();
    OpRunner<Vertex> runner = runners.forVertex(v);
    boolean shown = !v.name().isEmpty();
    Instant started = Instant.now();
    if (shown && runner.startsWhileKeying()) {
      job.progress().vertex(v, VertexState.VERTEX_STATE_STARTED, started, null);
    }
    try {
      String key = runtimeKey(runner, v, inputs, job, ignoreCache);
      job.lease().hold(key);
      job.lease().hold(OpRunner.snapshotKey(key));
      if (runner.indexed() && !ignoreCache) {
        SolvedVertex hit = lookup(key);
        String origin = "";
        if (hit == null) {
          Restored restored = restore(v, inputs, key, job);
          if (restored != null) {
            hit = restored.vertex();
            origin = restored.origin();
          }
        }
        if (hit != null) {
          if (shown && !origin.isEmpty()) {
            // the step's log says where it came from, so it is shown as a step that started
            if (!runner.startsWhileKeying()) {
              job.progress().vertex(v, VertexState.VERTEX_STATE_STARTED, started, null);
            }
            job.progress().log(v, false, (origin + "\n").getBytes(StandardCharsets.UTF_8));
          }
          if (shown) {
            job.progress()
                .vertex(
                    v,
                    runner.startsWhileKeying()
                        ? VertexState.VERTEX_STATE_DONE
                        : VertexState.VERTEX_STATE_CACHED,
                    started,
                    null);
          }
          return hit;
        }
      }
      if (shown && !runner.startsWhileKeying()) {
        job.progress().vertex(v, VertexState.VERTEX_STATE_STARTED, started, null);
      }
      // recorded before the shared run ends: a build that looks the key up a moment after the
      // run finishes finds it in the cache rather than running it again
      SolvedVertex result =
          shared(
              key,
              () -> {
                SolvedVertex made = executeInSlot(runner, v, inputs, key, job);
                if (runner.indexed()) {
                  record(key, made, v.name());
                }
                return made;
              });
      job.lease().hold(result.snapshotKey());
      if (shown) {
        job.progress()
            .vertex(
                v,
                result.fromCache()
                    ? VertexState.VERTEX_STATE_CACHED
                    : VertexState.VERTEX_STATE_DONE,
                started,
                null);
      }
      return result;
    } catch (BuildFailedException e) {
      if (shown) {
        boolean cancelled = e.error().getKind() == ErrorKind.ERROR_KIND_CANCELLED;
        job.progress()
            .vertex(
                v,
                cancelled ? VertexState.VERTEX_STATE_CANCELLED : VertexState.VERTEX_STATE_ERROR,
                started,
                e.getMessage());
      }
      throw withVertex(e, v);
    } catch (IOException | RuntimeException e) {
      if (shown) {
        job.progress().vertex(v, VertexState.VERTEX_STATE_ERROR, started, e.getMessage());
      }
      throw withVertex(internal(e), v);
    }
  }

  private static String runtimeKey(
      OpRunner<Vertex> runner,
      Vertex v,
      List<SolvedVertex> inputs,
      SolveJob job,
      boolean ignoreCache)
      throws BuildFailedException, IOException {
    String key = runner.runtimeKey(v, inputs, job);
    // A source's key covers the content it brings in, so its cached result is what fetching it
    // again would give; a step runs again. The cached result's snapshot stays (later steps may
    // build on it), so the new one needs a key of its own, and what is built on it runs again too.
    if (ignoreCache && runner.indexed() && !(v instanceof SourceOp)) {
      return OpRunner.combine(v.cacheKey(), key, "ignore-cache " + UUID.randomUUID());
    }
    return key;
  }

  private static BuildFailedException withVertex(BuildFailedException e, Vertex v) {
    String id = v.cacheKey().toString();
    // Runners may name their vertex already; the Dockerfile location is only known here.
    boolean otherVertex = !e.error().getVertexId().isEmpty() && !e.error().getVertexId().equals(id);
    if (otherVertex || (e.error().hasLocation() && !e.error().getVertexId().isEmpty())) {
      return e;
    }
    BuildError.Builder error = e.error().toBuilder().setVertexId(id);
    if (!error.hasLocation()) {
      v.location().ifPresent(l -> error.setLocation(ProgressEmitter.location(l)));
    }
    return new BuildFailedException(error.build(), e.getCause() != null ? e.getCause() : e);
  }

  private SolvedVertex lookup(String key) throws IOException {
    var record = cache.get(key);
    if (record.isEmpty()) {
      return null;
    }
    String snapshotKey = record.get().snapshotKey();
    if (snapshotKey != null && snapshots.get(snapshotKey).isEmpty()) {
      cache.remove(key); // its snapshot was collected: the record is stale
      return null;
    }
    cache.put(record.get().used(Instant.now()));
    return new SolvedVertex(key, snapshotKey, null, true);
  }

  /** A step restored from an imported layer, and where the layer came from ("" to say nothing). */
  private record Restored(SolvedVertex vertex, String origin) {}

  /**
   * A local miss that an imported cache (--cache-from, a peer) has: the step's filesystem is its
   * parent's snapshot plus the imported layer, so the layer is fetched and applied instead of
   * running the step. The record keeps the layer so that exporting reuses the very same blob.
   */
  private Restored restore(Vertex v, List<SolvedVertex> inputs, String key, SolveJob job)
      throws BuildFailedException, IOException {
    Optional<SolvedVertex> parent = ResultLayers.layerParent(v, inputs);
    if (parent.isEmpty()) {
      return null;
    }
    Optional<ImportedCache.Hit> hit = job.importedCache().layer(key);
    if (hit.isEmpty()) {
      return null;
    }
    CacheManifest.Entry e = hit.get().entry();
    String snapshotKey = OpRunner.snapshotKey(key);
    shared(
        key,
        () -> {
          if (snapshots.get(snapshotKey).isEmpty()) {
            try (InputStream tar = LayerCompression.decompress(content.open(e.layer().digest()))) {
              snapshots.applyLayer(snapshotKey, parent.get().snapshotKey(), tar);
            }
          }
          return new SolvedVertex(key, snapshotKey, null, true);
        });
    Instant now = Instant.now();
    cache.put(
        new CacheRecord(
            key,
            snapshotKey,
            v.name(),
            now,
            now,
            1,
            e.layer().digest().toString(),
            e.layer().mediaType(),
            e.layer().size(),
            e.diffId()));
    return new Restored(new SolvedVertex(key, snapshotKey, null, true), hit.get().origin());
  }

  private void record(String key, SolvedVertex result, String description) throws IOException {
    Instant now = Instant.now();
    var existing = cache.get(key);
    if (existing.isPresent()) {
      cache.put(existing.get().used(now));
    } else {
      cache.put(
          new CacheRecord(
              key, result.snapshotKey(), description, now, now, 1, null, null, null, null));
    }
  }

  private interface Execution {
    SolvedVertex run() throws BuildFailedException, IOException;
  }

  /** Runs {@code execution} once for all builds that need {@code key} at the same time. */
  private SolvedVertex shared(String key, Execution execution)
      throws BuildFailedException, IOException {
    CompletableFuture<SolvedVertex> mine = new CompletableFuture<>();
    CompletableFuture<SolvedVertex> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        Throwable cause = unwrap(e);
        if (cause instanceof BuildFailedException b) {
          throw b;
        }
        throw internal(cause);
      }
    }
    try {
      SolvedVertex result = execution.run();
      mine.complete(result);
      return result;
    } catch (BuildFailedException | IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  private SolvedVertex executeInSlot(
      OpRunner<Vertex> runner, Vertex v, List<SolvedVertex> inputs, String key, SolveJob job)
      throws BuildFailedException, IOException {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BuildFailedException.cancelled("interrupted");
    }
    try {
      job.cancellation().throwIfCancelled();
      String snapshotKey = OpRunner.snapshotKey(key);
      if (runner.indexed() && snapshots.get(snapshotKey).isPresent()) {
        // Committed by an earlier run that died before it wrote the cache record.
        return new SolvedVertex(key, snapshotKey, null, true);
      }
      return runner.execute(v, inputs, key, job);
    } finally {
      slots.release();
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
