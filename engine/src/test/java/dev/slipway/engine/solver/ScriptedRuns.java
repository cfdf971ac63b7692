package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.ActiveSnapshot;
import dev.slipway.engine.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the OCI runtime behind RUN steps, so that the solver's scheduling can be steered:
 * the step's command says what to do. {@code fail} fails like a non-zero exit; {@code hold:NAME}
 * waits until the test calls {@link #release}; {@code until-cancelled} waits for the build's
 * cancellation; {@code sleep:MS} sleeps. Every step that succeeds commits a real snapshot of its
 * input plus the file {@code /ran/<command>}, which holds the command and how often it ran.
 */
final class ScriptedRuns implements OpRunner<ExecOp> {
  private final Snapshotter snapshots;
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();

  ScriptedRuns(Snapshotter snapshots) {
    this.snapshots = snapshots;
  }

  /** How often the step with {@code command} was executed. */
  int count(String command) {
    AtomicInteger n = runs.get(command);
    return n == null ? 0 : n.get();
  }

  /** The most steps that ran at the same time. */
  int mostAtOnce() {
    return mostAtOnce.get();
  }

  void release(String name) {
    gate(name).countDown();
  }

  /** Waits until a step with {@code command} has started executing. */
  void awaitStarted(String command) throws InterruptedException {
    for (int i = 0; i < 1000 && count(command) == 0; i++) {
      Thread.sleep(10);
    }
    if (count(command) == 0) {
      throw new AssertionError(command + " never started");
    }
  }

  @Override
  public SolvedVertex execute(ExecOp v, List<SolvedVertex> inputs, String key, SolveJob job)
      throws BuildFailedException, IOException {
    String command = v.args().getLast();
    int n = runs.computeIfAbsent(command, c -> new AtomicInteger()).incrementAndGet();
    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      act(command, job);
      ActiveSnapshot active =
          snapshots.prepare("run-" + UUID.randomUUID(), inputs.getFirst().snapshotKey());
      Path ran = Files.createDirectories(active.rootfs().resolve("ran"));
      Files.writeString(ran.resolve(command.replace('/', '_')), command + " #" + n + "\n");
      snapshots.commit(active, OpRunner.snapshotKey(key));
      return new SolvedVertex(key, OpRunner.snapshotKey(key), null, false);
    } finally {
      running.decrementAndGet();
    }
  }

  private void act(String command, SolveJob job) throws BuildFailedException {
    try {
      if (command.equals("fail")) {
        throw BuildFailedException.of(
            ErrorKind.ERROR_KIND_STEP_FAILED, "process \"fail\" exited with code 1");
      } else if (command.startsWith("hold:")) {
        CountDownLatch gate = gate(command.substring("hold:".length()));
        while (!gate.await(10, TimeUnit.MILLISECONDS)) {
          job.cancellation().throwIfCancelled();
        }
      } else if (command.equals("until-cancelled")) {
        for (int i = 0; i < 3000; i++) {
          job.cancellation().throwIfCancelled();
          Thread.sleep(10);
        }
        throw new AssertionError("the step was never cancelled");
      } else if (command.startsWith("sleep:")) {
        Thread.sleep(Long.parseLong(command.substring("sleep:".length())));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw BuildFailedException.cancelled("interrupted");
    }
  }

  private CountDownLatch gate(String name) {
    return gates.computeIfAbsent(name, k -> new CountDownLatch(1));
  }
}
