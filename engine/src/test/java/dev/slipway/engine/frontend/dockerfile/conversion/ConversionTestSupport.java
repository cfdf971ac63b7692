package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.content.Platform;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.graph.Graph;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.image.ContainerConfig;
import dev.slipway.engine.image.HistoryEntry;
import dev.slipway.engine.image.ImageConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * What the conversion tests share: a resolver whose base images carry a PATH, a CMD and (for {@code
 * .../onbuild}) ONBUILD triggers and which records what it resolved, requests for linux/amd64, and
 * helpers to read the graph.
 */
abstract class ConversionTestSupport {

  static final Platform AMD64 = Platform.parse("linux/amd64");
  static final Platform ARM64 = Platform.parse("linux/arm64");

  final List<String> resolved = new ArrayList<>();

  ImageConfig resolve(String ref, Platform p) {
    resolved.add(ref);
    ContainerConfig cfg =
        ContainerConfig.EMPTY
            .withEnv(List.of("PATH=/usr/bin:/bin", "FROM_IMAGE=1"))
            .withCmd(List.of("sh"));
    if (ref.endsWith("/onbuild:latest")) {
      cfg = cfg.withOnBuild(List.of("ENV TRIGGERED=yes", "RUN echo triggered"));
    }
    return new ImageConfig(
        null,
        null,
        p.architecture(),
        p.os(),
        null,
        cfg,
        null,
        List.of(new HistoryEntry(null, "base", null, null, false)));
  }

  ConvertRequest.Builder request(String dockerfile) {
    return ConvertRequest.builder(dockerfile, this::resolve)
        .targetPlatform(AMD64)
        .buildPlatform(AMD64);
  }

  BuildDefinition convert(String dockerfile) {
    return DockerfileFrontend.convert(request(dockerfile).build());
  }

  static ExecOp exec(Vertex v) {
    return (ExecOp) v;
  }

  static String envOf(ExecOp e, String name) {
    return e.env().stream()
        .filter(s -> s.startsWith(name + "="))
        .map(s -> s.substring(name.length() + 1))
        .reduce((a, b) -> b)
        .orElse(null);
  }

  /** The names of the steps a Dockerfile's graph makes, in build order. */
  List<String> names(String dockerfile) {
    return Graph.topologicalOrder(convert(dockerfile).root()).stream()
        .map(Vertex::name)
        .filter(n -> n.startsWith("["))
        .filter(n -> !n.startsWith("[internal]"))
        .toList();
  }
}
