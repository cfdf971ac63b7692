package dev.slipway.builder;

import java.util.ArrayList;
import java.util.List;

/**
 * Loaded into a running builder by {@link HostileLogIT} (through the JDK's attach API): one thread
 * allocates until the heap is gone, as a leak or an unbounded buffer would. Without {@code
 * -XX:+ExitOnOutOfMemoryError} only this thread dies and the builder serves on.
 */
public final class HeapExhaustingAgent {
  private HeapExhaustingAgent() {}

  public static void agentmain(String args) {
    Thread.ofPlatform()
        .name("test-heap-exhaustion")
        .start(
            () -> {
              // Let the attach call return first, so the test sees the agent loaded.
              try {
                Thread.sleep(500);
              } catch (InterruptedException e) {
                return;
              }
              List<long[]> hoard = new ArrayList<>();
              while (true) {
                hoard.add(new long[1 << 20]);
              }
            });
  }
}
