package dev.slipway.engine.solver;

import dev.slipway.engine.cache.CacheIndex;
import dev.slipway.engine.cache.CacheManifest;
import dev.slipway.engine.cache.CacheRecord;
import dev.slipway.engine.content.CompressedLayer;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.graph.CacheKey;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.Graph;
import dev.slipway.engine.graph.MergeOp;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.snapshot.LayerTarWriter;
import dev.slipway.engine.snapshot.Snapshotter;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The layers of a solved result, bottom first: a base image's blobs exactly as pulled (or one layer
 * of the files a named context gives a stage), then one layer per RUN/COPY/ADD/WORKDIR step on the
 * way up. A step's layer is made once — the diff of its snapshot, written as a tar and compressed —
 * and remembered in its cache record, so a cached rebuild exports without recompressing anything.
 */
public final class ResultLayers {

  /**
   * One layer of an image: its blob, the digest of its uncompressed tar, and the name of the step
   * that made it (null for a base image's layer).
   */
  public record Layer(Descriptor blob, String diffId, String description) {
    Layer named(String name) {
      return new Layer(blob, diffId, name);
    }
  }

  private final Snapshotter snapshots;
  private final CacheIndex cache;
  private final ContentStore content;

  public ResultLayers(Snapshotter snapshots, CacheIndex cache, ContentStore content) {
    this.snapshots = snapshots;
    this.cache = cache;
    this.content = content;
  }

  public List<Layer> layers(
      Vertex root,
      Map<CacheKey, SolvedVertex> solved,
      LayerCompression compression,
      Optional<Instant> sourceDateEpoch)
      throws IOException {
    List<Layer> layers = new ArrayList<>();
    collect(root, solved, compression, sourceDateEpoch, layers);
    return layers;
  }

  private void collect(
      Vertex v,
      Map<CacheKey, SolvedVertex> solved,
      LayerCompression compression,
      Optional<Instant> epoch,
      List<Layer> out)
      throws IOException {
    switch (v) {
      case SourceOp.Scratch s -> {}
      case SourceOp.Image i -> {
        var image = solved.get(i.cacheKey()).image();
        List<String> diffIds = image.config().rootfs().diffIds();
        for (int n = 0; n < image.layers().size(); n++) {
          out.add(new Layer(image.layers().get(n), diffIds.get(n), null));
        }
      }
      case MergeOp m -> {
        for (Vertex input : m.inputs()) {
          collect(input, solved, compression, epoch, out);
        }
      }
      case ExecOp e -> {
        collect(e.rootfs(), solved, compression, epoch, out);
        out.add(layerOf(solved.get(v.cacheKey()), compression, epoch).named(v.name()));
      }
      case FileOp f -> {
        collect(f.base(), solved, compression, epoch, out);
        out.add(layerOf(solved.get(v.cacheKey()), compression, epoch).named(v.name()));
      }
      case SourceOp files ->
          // the files of a context, git checkout or download a stage starts from (a named
          // context in FROM): one layer of the whole tree, as BuildKit exports such a base
          out.add(layerOf(solved.get(files.cacheKey()), compression, epoch).named(files.name()));
    }
  }

  /**
   * The cache entries to export for a build: the steps of the result's own layers ({@code all}
   * false: mode=min), or every step that made a layer, in any stage (mode=max). Makes the layers
   * that are not made yet.
   */
  public List<CacheManifest.Entry> cacheEntries(
      Vertex root, Map<CacheKey, SolvedVertex> solved, LayerCompression compression, boolean all)
      throws IOException {
    Set<Vertex> steps = new LinkedHashSet<>();
    if (all) {
      Graph.topologicalOrder(root).stream()
          .filter(v -> v instanceof ExecOp || v instanceof FileOp)
          .forEach(steps::add);
    } else {
      resultSteps(root, steps);
    }
    List<CacheManifest.Entry> entries = new ArrayList<>();
    for (Vertex v : steps) {
      SolvedVertex step = solved.get(v.cacheKey());
      SolvedVertex parent = solved.get(v.inputs().getFirst().cacheKey());
      if (step == null || parent == null || step.snapshotKey() == null) {
        continue;
      }
      Layer layer = layerOf(step, compression, Optional.empty());
      entries.add(
          new CacheManifest.Entry(
              step.runtimeKey(), parent.runtimeKey(), layer.blob(), layer.diffId()));
    }
    return entries;
  }

  private static void resultSteps(Vertex v, Set<Vertex> out) {
    switch (v) {
      case ExecOp e -> {
        resultSteps(e.rootfs(), out);
        out.add(e);
      }
      case FileOp f -> {
        resultSteps(f.base(), out);
        out.add(f);
      }
      case MergeOp m -> m.inputs().forEach(i -> resultSteps(i, out));
      default -> {}
    }
  }

  /**
   * The solved input a step's layer applies on (the rootfs of a RUN, the base of a file operation),
   * or empty for vertices whose result is not "parent plus one layer".
   */
  static Optional<SolvedVertex> layerParent(Vertex v, List<SolvedVertex> inputs) {
    boolean layered = v instanceof ExecOp || v instanceof FileOp;
    return layered && !inputs.isEmpty() ? Optional.of(inputs.getFirst()) : Optional.empty();
  }

  private Layer layerOf(SolvedVertex v, LayerCompression compression, Optional<Instant> epoch)
      throws IOException {
    Optional<CacheRecord> record = cache.get(v.runtimeKey());
    if (epoch.isEmpty() && record.isPresent()) {
      CacheRecord r = record.get();
      if (r.layerDigest() != null
          && compression.mediaType().equals(r.layerMediaType())
          && content.exists(Digest.parse(r.layerDigest()))) {
        return new Layer(
            Descriptor.of(r.layerMediaType(), Digest.parse(r.layerDigest()), r.layerSize()),
            r.diffId(),
            null);
      }
    }
    CompressedLayer layer = compress(v.snapshotKey(), compression, epoch);
    if (epoch.isEmpty() && record.isPresent()) {
      cache.put(
          record
              .get()
              .withLayer(
                  layer.digest().toString(),
                  layer.mediaType(),
                  layer.size(),
                  layer.diffId().toString()));
    }
    return new Layer(layer.descriptor(), layer.diffId().toString(), null);
  }

  private CompressedLayer compress(
      String snapshotKey, LayerCompression compression, Optional<Instant> epoch)
      throws IOException {
    var diff = snapshots.diff(snapshotKey);
    try {
      return compression.compressInto(out -> new LayerTarWriter(epoch).write(diff, out), content);
    } catch (IOException e) {
      throw new IOException("cannot write the layer of " + snapshotKey + ": " + e.getMessage(), e);
    }
  }
}
