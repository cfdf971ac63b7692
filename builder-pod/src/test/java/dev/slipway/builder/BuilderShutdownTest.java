package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BuilderShutdownTest {

  @Test
  void closesNewestFirstOnceEvenWhenOneStepFails() {
    List<String> closed = new CopyOnWriteArrayList<>();
    CountDownLatch halted = new CountDownLatch(1);
    BuilderShutdown shutdown = new BuilderShutdown(Duration.ofSeconds(5), halted::countDown);
    shutdown.add("engine", () -> closed.add("engine"));
    shutdown.add(
        "collector",
        () -> {
          closed.add("collector");
          throw new IllegalStateException("broken");
        });
    shutdown.add("server", () -> closed.add("server"));

    shutdown.run();
    shutdown.run();

    assertThat(closed).containsExactly("server", "collector", "engine");
    assertThat(halted.getCount()).as("no halt when closing finished in time").isEqualTo(1);
  }

  @Test
  void haltsWhenAStepHangsPastTheBound() throws Exception {
    CountDownLatch halted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BuilderShutdown shutdown = new BuilderShutdown(Duration.ofMillis(300), halted::countDown);
    shutdown.add("hung build", () -> release.await(30, TimeUnit.SECONDS));
    Thread hook = Thread.ofPlatform().start(shutdown);

    long start = System.nanoTime();
    boolean haltedInTime = halted.await(10, TimeUnit.SECONDS);
    long tookMillis = (System.nanoTime() - start) / 1_000_000;
    release.countDown();
    hook.join();

    assertThat(haltedInTime).isTrue();
    assertThat(tookMillis).isBetween(250L, 5000L);
  }
}
