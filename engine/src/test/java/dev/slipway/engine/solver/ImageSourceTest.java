package dev.slipway.engine.solver;

import static dev.slipway.api.control.v1.VertexState.VERTEX_STATE_CACHED;
import static dev.slipway.api.control.v1.VertexState.VERTEX_STATE_DONE;
import static dev.slipway.api.control.v1.VertexState.VERTEX_STATE_ERROR;
import static dev.slipway.api.control.v1.VertexState.VERTEX_STATE_STARTED;
import static dev.slipway.engine.solver.SolverRig.PLATFORM;
import static dev.slipway.engine.solver.SolverRig.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.graph.CacheKey;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.VertexInfo;
import dev.slipway.engine.image.ImageArchiveImporter;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.image.ImportRequest;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.SnapshotView;
import dev.slipway.testing.Busybox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FROM: base images unpacked into snapshots, once per layer chain, outside the cache index. */
class ImageSourceTest {

  private static final SourceOp.Image BUSYBOX =
      new SourceOp.Image(
          "busybox",
          "docker.io/library/busybox:latest",
          PLATFORM,
          VertexInfo.named("FROM busybox"));

  @TempDir Path state;
  SolverRig rig;

  @BeforeEach
  void rig() throws Exception {
    rig = new SolverRig(state);
    ImageStore images = ImageStore.open(state.resolve("images"), rig.content);
    new ImageArchiveImporter(images)
        .importFrom(Busybox.ARCHIVE, ImportRequest.any().withName(BUSYBOX.resolvedName()));
    rig.baseImages =
        (name, platform, pull, registries) -> {
          if (!name.equals(BUSYBOX.resolvedName())) {
            throw BuildFailedException.of(
                ErrorKind.ERROR_KIND_REGISTRY, name + ": not found in the test's image store");
          }
          return images.image(name, platform);
        };
  }

  @AfterEach
  void close() throws Exception {
    rig.close();
  }

  @Test
  void anImageIsUnpackedOnceIntoASnapshotNamedByItsLayerChain() throws Exception {
    ExecOp step = run(BUSYBOX, "step");
    SolverRig.Build first = rig.build();
    Map<CacheKey, SolvedVertex> solved = first.solve(rig.solver(2), step);
    SolverRig.Build second = rig.build();
    Map<CacheKey, SolvedVertex> again = second.solve(rig.solver(2), run(BUSYBOX, "other"));

    SolvedVertex image = solved.get(BUSYBOX.cacheKey());
    assertThat(image.snapshotKey()).isEqualTo("layer-" + Busybox.DIFF_ID.replace("sha256:", ""));
    assertThat(image.image().descriptor().digest()).isEqualTo(Digest.parse(Busybox.MANIFEST));
    assertThat(image.runtimeKey()).startsWith("image:" + Busybox.MANIFEST);
    try (SnapshotView view = rig.snapshots.view(image.snapshotKey())) {
      assertThat(Files.exists(view.rootfs().resolve("bin/busybox"))).isTrue();
    }
    assertThat(first.states(BUSYBOX)).containsExactly(VERTEX_STATE_STARTED, VERTEX_STATE_DONE);
    assertThat(second.states(BUSYBOX))
        .as("already unpacked")
        .containsExactly(VERTEX_STATE_STARTED, VERTEX_STATE_CACHED);
    assertThat(again.get(BUSYBOX.cacheKey()).snapshotKey()).isEqualTo(image.snapshotKey());
    assertThat(rig.cache.list())
        .as("only the RUN steps: images are found by their chain, not by records")
        .hasSize(2);
  }

  @Test
  void anImageThatCannotBeResolvedFailsItsVertex() throws Exception {
    SourceOp.Image missing =
        new SourceOp.Image(
            "nope", "docker.io/library/nope:latest", PLATFORM, VertexInfo.named("FROM nope"));
    SolverRig.Build build = rig.build();

    assertThatThrownBy(() -> build.solve(rig.solver(2), run(missing, "never")))
        .isInstanceOfSatisfying(
            BuildFailedException.class,
            e -> {
              assertThat(e.error().getKind()).isEqualTo(ErrorKind.ERROR_KIND_REGISTRY);
              assertThat(e.error().getVertexId()).isEqualTo(missing.cacheKey().toString());
            });
    assertThat(build.states(missing)).containsExactly(VERTEX_STATE_STARTED, VERTEX_STATE_ERROR);
    assertThat(rig.runs.count("never")).isZero();
  }
}
