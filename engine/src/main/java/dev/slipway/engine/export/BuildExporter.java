package dev.slipway.engine.export;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.cache.InlineCache;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.frontend.dockerfile.conversion.BuildDefinition;
import dev.slipway.engine.graph.CacheKey;
import dev.slipway.engine.image.BaseImagePins;
import dev.slipway.engine.image.HistoryEntry;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageConfig;
import dev.slipway.engine.image.ImageOrigin;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.registry.RegistryClient;
import dev.slipway.engine.snapshot.SnapshotView;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.engine.solver.ProgressEmitter;
import dev.slipway.engine.solver.ResultLayers;
import dev.slipway.engine.solver.SolvedVertex;
import dev.slipway.session.BuildSession;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a solved build into its outputs: assembles the image (the base image's layers as they are,
 * one new layer per step, the frontend's config and history), then writes each requested output —
 * local image store, OCI or docker archive, root filesystem directory or tar.
 */
public final class BuildExporter {
  private final ContentStore content;
  private final ImageStore images;
  private final Snapshotter snapshots;
  private final ResultLayers layers;
  private final Path tmp;
  private final RegistryPush pushes;

  public BuildExporter(
      ContentStore content,
      ImageStore images,
      Snapshotter snapshots,
      ResultLayers layers,
      RegistryClient registry,
      Path tmp) {
    this.pushes = new RegistryPush(registry, content);
    this.content = content;
    this.images = images;
    this.snapshots = snapshots;
    this.layers = layers;
    this.tmp = tmp;
  }

  public BuildResult export(
      SolveRequest request,
      BuildDefinition definition,
      Map<CacheKey, SolvedVertex> solved,
      BuildSession session,
      RegistryAccess registries,
      BaseImagePins pins,
      ProgressEmitter progress)
      throws BuildFailedException, IOException {
    long cached = solved.values().stream().filter(SolvedVertex::fromCache).count();
    BuildResult.Builder result =
        BuildResult.newBuilder()
            .setStepsTotal(definition.totalSteps())
            .setStepsCached((int) cached);
    if (request.getOutputsCount() == 0) {
      return result.build();
    }
    Instant started = Instant.now();
    String stepId = "export:" + request.getBuildId();
    progress.step(stepId, "exporting to image", VertexState.VERTEX_STATE_STARTED, started, null);
    try {
      Optional<Instant> epoch = sourceDateEpoch(request);
      ImageAnnotations annotations = annotations(request);
      Image image = assemble(request, definition, solved, epoch, annotations);
      List<String> refs = new ArrayList<>();
      for (int i = 0; i < request.getOutputsCount(); i++) {
        write(
            request,
            request.getOutputs(i),
            image,
            definition,
            solved,
            session,
            registries,
            epoch,
            annotations,
            refs,
            progress);
      }
      progress.step(stepId, "exporting to image", VertexState.VERTEX_STATE_DONE, started, null);
      long size = image.layers().stream().mapToLong(d -> d.size()).sum();
      result
          .setImageDigest(image.descriptor().digest().toString())
          .setConfigDigest(image.configDescriptor().digest().toString())
          .addAllRefs(refs)
          .setSizeBytes(size)
          .putMetadata("containerimage.digest", image.descriptor().digest().toString())
          .putMetadata("containerimage.config.digest", image.configDescriptor().digest().toString())
          // as buildx: the manifest's descriptor, with its platform
          .putMetadata(
              "containerimage.descriptor",
              new String(CanonicalJson.write(image.descriptor()), StandardCharsets.UTF_8))
          .putMetadata(
              "buildx.build.provenance",
              BuildProvenance.json(
                  pins,
                  image.platform(),
                  request.getDockerfile().hasPath() && !request.getDockerfile().getPath().isEmpty()
                      ? request.getDockerfile().getPath()
                      : "Dockerfile"));
      List<String> names =
          request.getOutputsList().stream()
              .flatMap(o -> o.getNamesList().stream())
              .distinct()
              .toList();
      if (!names.isEmpty()) {
        result.putMetadata("image.name", String.join(",", names));
      }
      return result.build();
    } catch (BuildFailedException | IOException | RuntimeException e) {
      progress.step(
          stepId, "exporting to image", VertexState.VERTEX_STATE_ERROR, started, e.getMessage());
      throw e;
    }
  }

  private Image assemble(
      SolveRequest request,
      BuildDefinition definition,
      Map<CacheKey, SolvedVertex> solved,
      Optional<Instant> epoch,
      ImageAnnotations annotations)
      throws IOException {
    String compression = request.getOutputs(0).getAttrsOrDefault("compression", "gzip");
    List<ResultLayers.Layer> built =
        layers.layers(definition.root(), solved, compression(compression), epoch);
    String created = DateTimeFormatter.ISO_INSTANT.format(epoch.orElseGet(Instant::now));
    ImageConfig config = definition.image();
    List<HistoryEntry> history = new ArrayList<>();
    int baseEntries = config.history().size() - newEntries(config, built.size());
    for (int i = 0; i < config.history().size(); i++) {
      HistoryEntry h = config.history().get(i);
      history.add(
          i < baseEntries || h.created() != null
              ? h
              : new HistoryEntry(created, h.createdBy(), h.author(), h.comment(), h.emptyLayer()));
    }
    // Layers no history entry accounts for (the files of a named context a stage starts from) get
    // one each at the end, named after the layer at that position, as BuildKit's exporter does.
    long described = history.stream().filter(h -> !h.emptyLayer()).count();
    for (int i = (int) described; i < built.size(); i++) {
      history.add(
          new HistoryEntry(
              created, built.get(i).description(), null, "buildkit.exporter.image.v0", false));
    }
    config =
        new ImageConfig(
            created,
            config.author(),
            config.architecture(),
            config.os(),
            config.variant(),
            config.config(),
            new ImageConfig.RootFs(
                "layers", built.stream().map(ResultLayers.Layer::diffId).toList()),
            history);
    List<dev.slipway.engine.content.Descriptor> blobs =
        built.stream().map(ResultLayers.Layer::blob).toList();
    if (request.getCacheToList().stream().noneMatch(c -> c.getType().equals("inline"))) {
      byte[] json = CanonicalJson.write(config);
      content.ingest(json);
      return images.create(
          Descriptor.of(MediaTypes.OCI_CONFIG, json), config, blobs, annotations.manifest());
    }
    // --cache-to type=inline: the result's steps, restricted to layers this very image carries
    // (with SOURCE_DATE_EPOCH the image's layers are rewritten and are not the cached ones).
    var entries =
        layers.cacheEntries(definition.root(), solved, compression(compression), false).stream()
            .filter(e -> blobs.contains(e.layer()))
            .toList();
    byte[] json = InlineCache.write(CanonicalJson.write(config), blobs, entries);
    content.ingest(json);
    return images.create(
        Descriptor.of(MediaTypes.OCI_CONFIG, json), config, blobs, annotations.manifest());
  }

  /** How many trailing history entries the build added (all entries after the base's). */
  private static int newEntries(ImageConfig config, int layerCount) {
    int layersInHistory = 0;
    int entries = 0;
    for (HistoryEntry h : config.history().reversed()) {
      if (layersInHistory + (h.emptyLayer() ? 0 : 1) > layerCount) {
        break;
      }
      entries++;
      layersInHistory += h.emptyLayer() ? 0 : 1;
    }
    return entries;
  }

  private void write(
      SolveRequest request,
      Output output,
      Image image,
      BuildDefinition definition,
      Map<CacheKey, SolvedVertex> solved,
      BuildSession session,
      RegistryAccess registries,
      Optional<Instant> epoch,
      ImageAnnotations annotations,
      List<String> refs,
      ProgressEmitter progress)
      throws BuildFailedException, IOException {
    List<String> names = output.getNamesList();
    switch (output.getType()) {
      case OUTPUT_TYPE_IMAGE -> {
        for (String name : names) {
          images.tag(name, image.descriptor(), ImageOrigin.BUILT, registries.owner());
        }
        if (output.getPush()) {
          if (names.isEmpty()) {
            throw BuildFailedException.of(
                ErrorKind.ERROR_KIND_INVALID_INPUT,
                "push=true needs at least one image name: add name=REGISTRY/REPO:TAG (or -t)");
          }
          pushes.push(
              image.descriptor(),
              output,
              definition.root(),
              registries,
              progress,
              request.getBuildId());
        }
        for (String name : names) {
          refs.add(name + "@" + image.descriptor().digest());
        }
      }
      case OUTPUT_TYPE_OCI -> {
        writeTo(
            output.getDest(),
            session,
            out ->
                new OciArchiveExporter(content)
                    .export(image.descriptor(), names, annotations.manifestDescriptor(), out));
      }
      case OUTPUT_TYPE_DOCKER -> {
        writeTo(
            output.getDest(),
            session,
            out -> new DockerArchiveExporter(content).export(image, names, out));
      }
      case OUTPUT_TYPE_LOCAL, OUTPUT_TYPE_TAR -> {
        String root = solved.get(definition.root().cacheKey()).snapshotKey();
        Path empty = null;
        SnapshotView view = root == null ? null : snapshots.view(root);
        try {
          Path rootfs =
              view != null ? view.rootfs() : (empty = Files.createTempDirectory(tmp, "empty-"));
          if (output.getType() == dev.slipway.api.control.v1.OutputType.OUTPUT_TYPE_LOCAL) {
            RootfsExporter.toDirectory(rootfs, Path.of(output.getDest()));
          } else {
            writeTo(
                output.getDest(),
                session,
                out -> RootfsExporter.toTar(rootfs, out, epoch.map(FileTime::from)));
          }
        } finally {
          if (view != null) {
            view.close();
          }
          if (empty != null) {
            Files.deleteIfExists(empty);
          }
        }
      }
      default ->
          throw BuildFailedException.of(
              ErrorKind.ERROR_KIND_INVALID_INPUT, "unknown output type " + output.getType());
    }
  }

  /**
   * Writes to a destination file (atomically) or, for a destination with the client (its standard
   * output, or a file of a remote client), to a stream the session sends to the client.
   */
  private static void writeTo(String dest, BuildSession session, AtomicFile.Writer writer)
      throws BuildFailedException, IOException {
    OutputDestination destination = OutputDestination.parse(dest);
    if (destination instanceof OutputDestination.EnginePath file) {
      AtomicFile.write(Path.of(file.path()), writer);
      return;
    }
    try (OutputStream out = session.outputStream(destination)) {
      writer.writeTo(out);
    } catch (SessionException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_SESSION, e.getMessage());
    }
  }

  private static LayerCompression compression(String name) {
    return switch (name) {
      case "zstd" -> LayerCompression.zstd(3);
      case "uncompressed" -> LayerCompression.none();
      default -> LayerCompression.parallelGzip(6);
    };
  }

  /** The request's --annotation values, checked. */
  public static ImageAnnotations annotations(SolveRequest request) throws BuildFailedException {
    try {
      return ImageAnnotations.of(request.getAnnotationsList());
    } catch (IllegalArgumentException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
    }
  }

  private static Optional<Instant> sourceDateEpoch(SolveRequest request)
      throws BuildFailedException {
    String value = request.getBuildArgsOrDefault("SOURCE_DATE_EPOCH", "");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.ofEpochSecond(Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_INVALID_INPUT,
          "SOURCE_DATE_EPOCH=" + value + " is not a number of seconds since 1970");
    }
  }
}
