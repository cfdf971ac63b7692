package dev.slipway.engine;

import dev.slipway.api.control.v1.SolveRequest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs one {@code ADD <url>} build in a JVM of its own, started by {@link HostileSourceTest} with a
 * heap far smaller than the download: it can only succeed if the download streams to disk.
 *
 * <p>Arguments: state directory, context directory, URL. Exit 0 on success.
 */
public final class SmallHeapDownload {
  private SmallHeapDownload() {}

  public static void main(String[] args) throws Exception {
    Path state = Path.of(args[0]);
    Path context = Path.of(args[1]);
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nADD " + args[2] + " /big\n");
    SolveRequest request = TestBuild.request().build();
    try (Engine engine = Engine.open(EngineConfig.defaults(state))) {
      TestBuild.run(engine, context, request);
    }
    System.out.println("built within " + Runtime.getRuntime().maxMemory() + " bytes of heap");
  }
}
