package dev.slipway.engine.registry;

import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.Engine;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.session.LocalSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Runs builds on a real engine with an inline Dockerfile and records their progress events. */
final class EngineBuilds {
  private EngineBuilds() {}

  record Build(BuildResult result, List<SolveEvent> events) {
    /** RUN steps that were executed (finished DONE rather than CACHED). */
    long runsExecuted() {
      return events.stream()
          .filter(SolveEvent::hasVertex)
          .map(SolveEvent::getVertex)
          .filter(v -> v.getName().contains("RUN "))
          .filter(v -> v.getState() == VertexState.VERTEX_STATE_DONE)
          .count();
    }

    long runsCached() {
      return events.stream()
          .filter(SolveEvent::hasVertex)
          .map(SolveEvent::getVertex)
          .filter(v -> v.getName().contains("RUN "))
          .filter(v -> v.getState() == VertexState.VERTEX_STATE_CACHED)
          .count();
    }
  }

  static SolveRequest.Builder request(String dockerfile) {
    return SolveRequest.newBuilder()
        .setBuildId("test-" + UUID.randomUUID())
        .setContext(
            BuildContext.newBuilder().setClient(ClientContext.newBuilder().setName("context")))
        .setDockerfile(DockerfileSource.newBuilder().setInline(dockerfile));
  }

  static Build run(Engine engine, Path contextDir, SolveRequest.Builder request) throws Exception {
    Files.createDirectories(contextDir);
    List<SolveEvent> events = new CopyOnWriteArrayList<>();
    Consumer<SolveEvent> listener = events::add;
    try (LocalSession session = LocalSession.builder().context("context", contextDir).build()) {
      BuildResult result =
          engine.solve(request.build(), session, listener, new BuildCancellation());
      return new Build(result, events);
    }
  }
}
