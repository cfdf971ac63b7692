package dev.slipway.engine;

import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.session.BuildSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/** Runs one build of a context directory on an engine, recording every progress event. */
public final class TestBuild {
  private TestBuild() {}

  /** A build's result and everything it reported, in order. */
  public record Recorded(BuildResult result, BuildEvents events) {}

  /** A request for {@code context}'s Dockerfile, with the context served as "context". */
  public static SolveRequest.Builder request() {
    return SolveRequest.newBuilder()
        .setBuildId("test-" + UUID.randomUUID())
        .setContext(
            BuildContext.newBuilder().setClient(ClientContext.newBuilder().setName("context")))
        .setDockerfile(DockerfileSource.newBuilder().setPath("Dockerfile"));
  }

  public static Output oci(Path dest) {
    return Output.newBuilder().setType(OutputType.OUTPUT_TYPE_OCI).setDest(dest.toString()).build();
  }

  public static Output local(Path dest) {
    return Output.newBuilder()
        .setType(OutputType.OUTPUT_TYPE_LOCAL)
        .setDest(dest.toString())
        .build();
  }

  public static Recorded run(Engine engine, Path context, SolveRequest request)
      throws BuildFailedException {
    try (LocalSession session = LocalSession.builder().context("context", context).build()) {
      return run(engine, session, request);
    }
  }

  public static Recorded run(Engine engine, BuildSession session, SolveRequest request)
      throws BuildFailedException {
    List<SolveEvent> events = Collections.synchronizedList(new ArrayList<>());
    BuildResult result = engine.solve(request, session, events::add, new BuildCancellation());
    return new Recorded(result, new BuildEvents(List.copyOf(events)));
  }
}
