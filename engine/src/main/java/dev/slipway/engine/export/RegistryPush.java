package dev.slipway.engine.export;

import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.Output;
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
 * manifests and their blobs first) to each of its names (under its tag, or by digest only with
 * {@code push-by-digest=true}), one progress step per name. Layers of the base images, and layers
 * already pushed under an earlier name, are mounted across repositories of the same registry rather
 * than uploaded again.
 */
final class RegistryPush {
  private final RegistryClient registry;
  private final ContentStore content;

  RegistryPush(RegistryClient registry, ContentStore content) {
    this.registry = registry;
    this.content = content;
  }

  /** Pushes a built image to the names of {@code output}, mounting its base images' layers. */
  void push(
      Descriptor image,
      Output output,
      List<Vertex> roots,
      RegistryAccess access,
      ProgressEmitter progress,
      String buildId)
      throws BuildFailedException {
    List<ImageName> bases = new ArrayList<>();
    for (Vertex root : roots) {
      bases.addAll(baseImages(root));
    }
    push(
        image,
        output.getNamesList(),
        PushByDigest.of(output),
        bases,
        access,
        progress,
        "push:" + buildId + ":",
        "pushing ");
  }

  /**
   * Pushes {@code image} to each of {@code names}, blobs mounted from {@code mountSources} (and
   * from the names pushed before) when the registry is the same.
   *
   * @param stepId the prefix of each name's progress step id
   * @param title the words before the name in each step's title
   */
  void push(
      Descriptor image,
      List<String> names,
      boolean byDigest,
      List<ImageName> mountSources,
      RegistryAccess access,
      ProgressEmitter progress,
      String stepId,
      String title)
      throws BuildFailedException {
    List<ImageName> sources = new ArrayList<>(mountSources);
    for (String name : names) {
      ImageName target = target(name, byDigest, image);
      List<String> mountFrom =
          sources.stream()
              .filter(s -> s.registry().equals(target.registry()))
              .map(ImageName::repository)
              .toList();
      String id = stepId + target;
      String what = title + target;
      Instant started = Instant.now();
      progress.step(id, what, VertexState.VERTEX_STATE_STARTED, started, null);
      try {
        PushReport report =
            registry.push(target, image, content, mountFrom, access, progress.transfers(id));
        progress.step(
            id,
            what
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
        progress.step(id, what, VertexState.VERTEX_STATE_ERROR, started, e.getMessage());
        throw BuildFailedException.of(
            ErrorKind.ERROR_KIND_REGISTRY, "failed to push " + target + ": " + e.getMessage());
      }
      sources.addFirst(target);
    }
  }

  /** The name's tag, or with push-by-digest the image's digest in the name's repository. */
  private static ImageName target(String name, boolean byDigest, Descriptor image)
      throws BuildFailedException {
    if (byDigest && PushByDigest.hasReference(name)) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_INVALID_INPUT,
          "cannot push " + name + " by digest: give the repository only, without tag or digest");
    }
    ImageName parsed;
    try {
      parsed = ImageName.parse(name);
    } catch (IllegalArgumentException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
    }
    return byDigest
        ? new ImageName(parsed.registry(), parsed.repository(), null, image.digest().toString())
        : parsed;
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
