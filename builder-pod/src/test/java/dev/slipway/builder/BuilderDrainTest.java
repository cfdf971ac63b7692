package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import io.grpc.Status;
import io.grpc.StatusException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BuilderDrainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final PrintStream log = new PrintStream(out, true, StandardCharsets.UTF_8);
  private final CountDownLatch stopped = new CountDownLatch(1);

  @Test
  void refusesNewBuildsAsDrainingAndStopsOnceTheRunningOnesEnd() throws Exception {
    BuildSlots slots = new BuildSlots(4);
    RunningBuild running = slots.start(request("running"), "alice");
    BuilderDrain drain = drain(slots, Duration.ofMinutes(5));

    drain.signal("SIGTERM");
    awaitLog("draining: 1 builds running, taking no new build (grace 5m)");

    assertThatThrownBy(() -> slots.start(request("new"), "alice"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE))
        .hasMessageContaining("draining");
    assertThat(slots.draining()).isTrue();
    assertThat(stopped.await(300, TimeUnit.MILLISECONDS))
        .as("no stop while a build runs")
        .isFalse();

    end(slots, running);

    assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(text()).contains("slipway-builder: drained");
  }

  @Test
  void stopsWhenTheGracePassesWithBuildsStillRunning() throws Exception {
    BuildSlots slots = new BuildSlots(4);
    slots.start(request("slow"), "alice");
    BuilderDrain drain = drain(slots, Duration.ofMillis(300));

    long start = System.nanoTime();
    drain.signal("SIGTERM");

    assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(250));
    assertThat(text())
        .contains("drain grace 300ms passed: cancelling the 1 builds still running")
        .doesNotContain("drained");
  }

  @Test
  void aSecondSignalEndsTheDrainAtOnceAndAThirdChangesNothing() throws Exception {
    BuildSlots slots = new BuildSlots(4);
    slots.start(request("slow"), "alice");
    BuilderDrain drain = drain(slots, Duration.ofHours(1));

    drain.signal("SIGTERM");
    awaitLog("draining: 1 builds running");
    drain.signal("SIGINT");
    drain.signal("SIGINT");

    assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
    drain.thread().join(10_000);
    assertThat(text())
        .contains("SIGINT again: ending the drain now")
        .contains("drain ended by a second signal: cancelling the 1 builds still running");
    assertThat(text().split("again", -1)).as("one notice for the extra signals").hasSize(2);
  }

  @Test
  void withoutBuildsItDrainsAtOnce() throws Exception {
    BuilderDrain drain = drain(new BuildSlots(4), Duration.ZERO);

    drain.signal("SIGTERM");

    assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(text()).contains("draining: 0 builds running").contains("drained");
  }

  private BuilderDrain drain(BuildSlots slots, Duration grace) {
    String text =
        grace.toMillis() % 60_000 == 0 ? grace.toMinutes() + "m" : grace.toMillis() + "ms";
    return new BuilderDrain(slots, grace, text, stopped::countDown, log);
  }

  private void awaitLog(String line) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!text().contains(line) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(text()).contains(line);
  }

  private String text() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void end(BuildSlots slots, RunningBuild build) {
    slots.finished(build);
    build.finish(
        SolveEvent.newBuilder().setBuildId(build.id()).build(), BuildState.BUILD_STATE_SUCCEEDED);
  }

  private static SolveRequest request(String id) {
    return SolveRequest.newBuilder().setBuildId(id).build();
  }
}
