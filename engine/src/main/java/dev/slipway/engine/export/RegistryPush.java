package dev.slipway.engine.export;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.graph.Graph;
import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.Vertex;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.registry.ImageName;
import dev.slipway.engine.registry.PushReport;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.registry.RegistryClient;
import dev.slipway.engine.solver.ProgressEmitter;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code image} output with {@code push=true}: pushes the built image (or index: the platform
 * manifests and their blobs first) to each of its names, one progress step per name. Layers of the
 * base images, and layers already pushed under an earlier name, are mounted across repositories of
 * the same registry rather than uploaded again.
 */
final class RegistryPush {
  private final RegistryClient registry;
  private final ContentStore content;

  RegistryPush(RegistryClient registry, ContentStore content) {
    this.registry = registry;
    this.content = content;
  }

  void push(
      Descriptor image,
      List<String> names,
      List<Vertex> roots,
      RegistryAccess access,
      ProgressEmitter progress,
      String buildId)
      throws BuildFailedException {
    List<ImageName> sources = new ArrayList<>();
    for (Vertex root : roots) {
      sources.addAll(baseImages(root));
    }
    for (String name : names) {
      ImageName target;
      try {
        target = ImageName.parse(name);
      } catch (IllegalArgumentException e) {
        throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
      }
      List<String> mountFrom =
          sources.stream()
              .filter(s -> s.registry().equals(target.registry()))
              .map(ImageName::repository)
              .toList();
      String id = "push:" + buildId + ":" + target;
      String title = "pushing " + target;
      Instant started = Instant.now();
      progress.step(id, title, VertexState.VERTEX_STATE_STARTED, started, null);
      try {
        PushReport report = registry.push(target, image, content, mountFrom, access);
        progress.step(
            id,
            title
                + " ("
                + report.blobsUploaded()
                + " uploaded, "
                + report.blobsMounted()
                + " mounted, "
                + report.blobsExisting()
                + " already there)",
            VertexState.VERTEX_STATE_DONE,
            started,
            null);
      } catch (IOException e) {
        progress.step(id, title, VertexState.VERTEX_STATE_ERROR, started, e.getMessage());
        throw BuildFailedException.of(
            ErrorKind.ERROR_KIND_REGISTRY, "failed to push " + target + ": " + e.getMessage());
      }
      sources.addFirst(target);
    }
  }

  private static List<ImageName> baseImages(Vertex root) {
    List<ImageName> names = new ArrayList<>();
    for (Vertex v : Graph.topologicalOrder(root)) {
      if (v instanceof SourceOp.Image i) {
        try {
          names.add(ImageName.parse(i.resolvedName()));
        } catch (IllegalArgumentException e) {
          // a name the registry would not know either: nothing to mount from
        }
      }
    }
    return names;
  }
}
