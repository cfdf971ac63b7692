package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A closed engine leaves no HTTP client selector thread behind: such a thread waits in a native
 * call, and the JVM waits 300 ms for those when it exits, which {@code slipway build --local} would
 * pay on every build (issue #15).
 */
class EngineExitTest {
  @TempDir Path state;

  @Test
  void closedEngineLeavesNoHttpSelectorThread() throws Exception {
    Set<Thread> before = selectorThreads();
    Set<Thread> started;
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      // the registry client is set up in the background
      long deadline = System.nanoTime() + 10_000_000_000L;
      do {
        Thread.sleep(20);
        started = new HashSet<>(selectorThreads());
        started.removeAll(before);
      } while (started.isEmpty() && System.nanoTime() < deadline);
      assertThat(started).as("the registry client's selector thread").hasSize(1);
    }
    for (Thread t : started) {
      t.join(5_000);
    }
    assertThat(started).noneMatch(Thread::isAlive);
  }

  private static Set<Thread> selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("Manager"))
        .collect(Collectors.toSet());
  }
}
