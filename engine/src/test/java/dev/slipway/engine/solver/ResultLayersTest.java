package dev.slipway.engine.solver;

import static dev.slipway.engine.solver.SolverRig.SCRATCH;
import static dev.slipway.engine.solver.SolverRig.copyFrom;
import static dev.slipway.engine.solver.SolverRig.run;
import static dev.slipway.engine.solver.SolverRig.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.cache.CacheManifest;
import dev.slipway.engine.cache.CacheRecord;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.graph.CacheKey;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.FileOp;
import dev.slipway.engine.graph.MergeOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.graph.VertexInfo;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which layers a result has, and that each step's layer is made once. */
class ResultLayersTest {

  private static final LayerCompression GZIP = LayerCompression.gzip(1);

  @TempDir Path state;
  SolverRig rig;
  ResultLayers layers;

  @BeforeEach
  void rig() throws Exception {
    rig = new SolverRig(state);
    layers = new ResultLayers(rig.snapshots, rig.cache, rig.content);
  }

  @AfterEach
  void close() throws Exception {
    rig.close();
  }

  @Test
  void eachStepOnTheWayUpIsOneLayerBottomFirst() throws Exception {
    FileOp one = write(SCRATCH, "/one", "1");
    ExecOp two = run(one, "two");
    FileOp three = write(two, "/three", "3");
    Map<CacheKey, SolvedVertex> solved = rig.build().solve(rig.solver(2), three);

    List<ResultLayers.Layer> result = layers.layers(three, solved, GZIP, Optional.empty());

    assertThat(result).hasSize(3);
    assertThat(result)
        .allSatisfy(l -> assertThat(l.blob().mediaType()).isEqualTo(MediaTypes.OCI_LAYER_GZIP));
    assertThat(result.stream().map(l -> l.diffId()).distinct()).hasSize(3);
    for (Vertex step : List.of(one, two, three)) {
      String key = solved.get(step.cacheKey()).runtimeKey();
      assertThat(result.get(List.of(one, two, three).indexOf(step)).blob().digest().toString())
          .as("the layer is remembered in the step's record")
          .isEqualTo(rig.cache.get(key).orElseThrow().layerDigest());
    }
  }

  @Test
  void aLayerIsMadeOnceAndReusedUntilTheCompressionChanges() throws Exception {
    FileOp one = write(SCRATCH, "/one", "1");
    Map<CacheKey, SolvedVertex> solved = rig.build().solve(rig.solver(2), one);
    ResultLayers.Layer first = layers.layers(one, solved, GZIP, Optional.empty()).getFirst();
    int blobs = rig.content.list().size();

    ResultLayers.Layer again = layers.layers(one, solved, GZIP, Optional.empty()).getFirst();
    ResultLayers.Layer zstd =
        layers.layers(one, solved, LayerCompression.zstd(3), Optional.empty()).getFirst();

    assertThat(again).isEqualTo(first);
    assertThat(rig.content.list()).hasSize(blobs + 1);
    assertThat(zstd.blob().mediaType()).isEqualTo(MediaTypes.OCI_LAYER_ZSTD);
    assertThat(zstd.diffId()).as("the same tar, compressed otherwise").isEqualTo(first.diffId());
  }

  @Test
  void aLayerWithClampedTimesIsNotRememberedAsTheStepsLayer() throws Exception {
    FileOp one = write(SCRATCH, "/one", "1");
    Map<CacheKey, SolvedVertex> solved = rig.build().solve(rig.solver(2), one);
    String key = solved.get(one.cacheKey()).runtimeKey();

    ResultLayers.Layer epoch =
        layers.layers(one, solved, GZIP, Optional.of(Instant.EPOCH)).getFirst();
    CacheRecord record = rig.cache.get(key).orElseThrow();
    ResultLayers.Layer plain = layers.layers(one, solved, GZIP, Optional.empty()).getFirst();

    assertThat(record.layerDigest()).isNull();
    assertThat(plain.diffId()).isNotEqualTo(epoch.diffId());
  }

  @Test
  void cacheEntriesCoverTheResultsStepsOrEveryStage() throws Exception {
    FileOp builder = write(SCRATCH, "/out", "built");
    FileOp unusedStage = write(SCRATCH, "/unused", "x");
    FileOp base = write(SCRATCH, "/base", "b");
    FileOp result = copyFrom(base, builder, "/out");
    MergeOp both =
        new MergeOp(List.of(result, unusedStage), VertexInfo.named("the graph of both stages"));
    Map<CacheKey, SolvedVertex> solved = rig.build().solve(rig.solver(2), both);

    List<CacheManifest.Entry> min = layers.cacheEntries(result, solved, GZIP, false);
    List<CacheManifest.Entry> max = layers.cacheEntries(both, solved, GZIP, true);

    assertThat(min)
        .extracting(CacheManifest.Entry::key)
        .containsExactly(runtimeKey(solved, base), runtimeKey(solved, result));
    assertThat(min.get(1).parent()).isEqualTo(runtimeKey(solved, base));
    assertThat(max)
        .extracting(CacheManifest.Entry::key)
        .containsExactlyInAnyOrder(
            runtimeKey(solved, builder),
            runtimeKey(solved, unusedStage),
            runtimeKey(solved, base),
            runtimeKey(solved, result));
  }

  @Test
  void onlyAStepsFirstInputIsTheParentOfItsLayer() {
    SolvedVertex rootfs = new SolvedVertex("sha256:a", "a", null, false);
    SolvedVertex other = new SolvedVertex("sha256:b", "b", null, false);
    ExecOp step = run(SCRATCH, "x");
    MergeOp merge = new MergeOp(List.of(step, SCRATCH), VertexInfo.named("merge"));

    assertThat(ResultLayers.layerParent(step, List.of(rootfs, other))).contains(rootfs);
    assertThat(ResultLayers.layerParent(merge, List.of(rootfs, other))).isEmpty();
    assertThat(ResultLayers.layerParent(SCRATCH, List.of())).isEmpty();
  }

  private static String runtimeKey(Map<CacheKey, SolvedVertex> solved, Vertex v) {
    return solved.get(v.cacheKey()).runtimeKey();
  }
}
