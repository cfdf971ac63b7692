package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.CacheRecord;
import dev.slipway.api.control.v1.DiskUsageResponse;
import dev.slipway.api.control.v1.PruneRequest;
import dev.slipway.api.control.v1.PruneResponse;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.session.LocalSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** du and prune on an engine with real builds, one of them running while the cache is pruned. */
class EngineGarbageCollectionTest {
  private static final String DOCKERFILE =
      """
      FROM 127.0.0.1:5000/busybox:latest
      COPY a.txt /a.txt
      ARG NAP
      RUN sleep $NAP && cat /a.txt > /copy
      """;

  @TempDir Path state;
  @TempDir Path context;
  @TempDir Path out;

  @Test
  void pruneWhileABuildRunsKeepsWhatItUsesAndFreesTheRest() throws Exception {
    Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
    Files.writeString(context.resolve("a.txt"), "kept\n");
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      TestBuild.run(engine, context, TestBuild.request().putBuildArgs("NAP", "0").build());
      DiskUsageResponse idle = engine.diskUsage();
      assertThat(idle.getRecordsList())
          .extracting(CacheRecord::getType)
          .contains("regular", "source.image", "source.local");
      assertThat(idle.getRecordsList()).noneMatch(CacheRecord::getInUse);
      assertThat(idle.getTotalBytes())
          .isEqualTo(idle.getReclaimableBytes())
          .isGreaterThan(1_000_000);

      CountDownLatch running = new CountDownLatch(1);
      CompletableFuture<Void> second =
          CompletableFuture.runAsync(
              () -> {
                try (LocalSession session =
                    LocalSession.builder().context("context", context).build()) {
                  engine.solve(
                      TestBuild.request()
                          .putBuildArgs("NAP", "8")
                          .addOutputs(TestBuild.local(out.resolve("rootfs")))
                          .build(),
                      session,
                      (SolveEvent e) -> {
                        if (e.hasVertex()
                            && e.getVertex().getName().contains("RUN sleep")
                            && e.getVertex().getState() == VertexState.VERTEX_STATE_STARTED) {
                          running.countDown();
                        }
                      },
                      new BuildCancellation());
                } catch (BuildFailedException e) {
                  throw new AssertionError(e.getMessage(), e);
                }
              });
      assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();

      DiskUsageResponse busy = engine.diskUsage();
      List<String> inUse =
          busy.getRecordsList().stream()
              .filter(CacheRecord::getInUse)
              .map(CacheRecord::getId)
              .toList();
      assertThat(inUse)
          .as("the base layer and the COPY result under the running RUN")
          .hasSizeGreaterThanOrEqualTo(2);
      PruneResponse pruned = engine.prune(PruneRequest.newBuilder().setAll(true).build());
      assertThat(pruned.getRemovedList())
          .extracting(CacheRecord::getId)
          .doesNotContainAnyElementsOf(inUse);
      assertThat(pruned.getReclaimedBytes())
          .isEqualTo(pruned.getRemovedList().stream().mapToLong(CacheRecord::getSizeBytes).sum())
          .isPositive();

      second.get(120, TimeUnit.SECONDS);
      assertThat(out.resolve("rootfs/copy")).hasContent("kept");

      DiskUsageResponse after = engine.diskUsage();
      PruneResponse rest = engine.prune(PruneRequest.newBuilder().setAll(true).build());
      assertThat(rest.getReclaimedBytes()).isEqualTo(after.getReclaimableBytes());
      assertThat(engine.diskUsage().getRecordsList()).isEmpty();

      TestBuild.Recorded rebuilt =
          TestBuild.run(engine, context, TestBuild.request().putBuildArgs("NAP", "0").build());
      assertThat(rebuilt.events().step("RUN sleep").getState())
          .as("nothing stale survives a prune: the step runs again")
          .isEqualTo(VertexState.VERTEX_STATE_DONE);
    }
  }
}
