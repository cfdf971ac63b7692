package dev.slipway.engine.export;

import dev.slipway.api.control.v1.AnnotationLevel;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.TransferKind;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.cache.InlineCache;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.frontend.dockerfile.conversion.BuildDefinition;
import dev.slipway.engine.graph.CacheKey;
import dev.slipway.engine.image.HistoryEntry;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.ImageConfig;
import dev.slipway.engine.image.ImageOrigin;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.job.TransferMeter;
import dev.slipway.engine.job.TransferScope;
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
 * Turns a solved build into its outputs: assembles one image per platform (the base image's layers
 * as they are, one new layer per step, the frontend's config and history), asks for their
 * attestations, joins them in an image index when there are several platforms or any attestation,
 * then writes each requested output — local image store, registry, OCI or docker archive, root
 * filesystem directory or tar (one directory per platform when there are several).
 */
public final class BuildExporter {
  private final ContentStore content;
  private final ImageStore images;
  private final Snapshotter snapshots;
  private final ResultLayers layers;
  private final Path tmp;
  private final RegistryPush pushes;
  private final ImageAttestations attestations;

  public BuildExporter(
      ContentStore content,
      ImageStore images,
      Snapshotter snapshots,
      ResultLayers layers,
      RegistryClient registry,
      Path tmp,
      ImageAttestations attestations) {
    this.pushes = new RegistryPush(registry, content);
    this.content = content;
    this.images = images;
    this.snapshots = snapshots;
    this.layers = layers;
    this.tmp = tmp;
    this.attestations = attestations;
  }

  /** The images a build made: one per platform, and the index that joins them when there is one. */
  private record Exported(Descriptor root, List<Image> images, List<PlatformIndex.Part> parts) {
    boolean isIndex() {
      return MediaTypes.isIndex(root.mediaType());
    }
  }

  /**
   * Writes the outputs of a build of one or more platforms ({@code builds} in the request's
   * platform order) and says what was produced.
   *
   * @param contextFacts what is known of the build's context for provenance ("git.commit", …)
   * @param started when the build started
   */
  public BuildResult export(
      SolveRequest request,
      List<PlatformBuild> builds,
      BuildSession session,
      RegistryAccess registries,
      ProgressEmitter progress,
      Map<String, String> contextFacts,
      Instant started)
      throws BuildFailedException, IOException {
    BuildResult.Builder result =
        BuildResult.newBuilder()
            .setStepsTotal(PlatformBuild.stepsTotal(builds))
            .setStepsCached(PlatformBuild.stepsCached(builds));
    if (request.getOutputsCount() == 0) {
      return result.build();
    }
    Instant exportStarted = Instant.now();
    String stepId = "export:" + request.getBuildId();
    progress.step(
        stepId, "exporting to image", VertexState.VERTEX_STATE_STARTED, exportStarted, null);
    try {
      Optional<Instant> epoch = sourceDateEpoch(request);
      ImageAnnotations annotations = annotations(request);
      Exported exported = assembleAll(request, builds, epoch, annotations, contextFacts, started);
      if (!exported.isIndex() && annotations.needIndex()) {
        throw BuildFailedException.of(
            ErrorKind.ERROR_KIND_INVALID_INPUT,
            ImageAnnotations.noIndexMessage(
                annotations.index().isEmpty()
                    ? annotations.indexDescriptor().keySet().iterator().next()
                    : annotations.index().keySet().iterator().next()));
      }
      List<String> refs = new ArrayList<>();
      for (int i = 0; i < request.getOutputsCount(); i++) {
        write(
            request,
            request.getOutputs(i),
            exported,
            builds,
            session,
            registries,
            epoch,
            annotations,
            refs,
            progress);
      }
      progress.step(
          stepId, "exporting to image", VertexState.VERTEX_STATE_DONE, exportStarted, null);
      describe(result, request, exported, builds);
      result.addAllRefs(refs);
      return result.build();
    } catch (BuildFailedException | IOException | RuntimeException e) {
      progress.step(
          stepId,
          "exporting to image",
          VertexState.VERTEX_STATE_ERROR,
          exportStarted,
          e.getMessage());
      throw e;
    }
  }

  /** Each platform's image and attestations, and the index over them when one is needed. */
  private Exported assembleAll(
      SolveRequest request,
      List<PlatformBuild> builds,
      Optional<Instant> epoch,
      ImageAnnotations annotations,
      Map<String, String> contextFacts,
      Instant started)
      throws BuildFailedException, IOException {
    List<Image> made = new ArrayList<>();
    List<PlatformIndex.Part> parts = new ArrayList<>();
    boolean anyAttestation = false;
    for (PlatformBuild build : builds) {
      Image image = assemble(request, build.definition(), build.solved(), epoch, annotations);
      List<Descriptor> attested = List.of();
      if (attestationsAsked(request)) {
        try (Rootfs rootfs = rootfs(build)) {
          attested =
              attestations.attest(
                  new AttestationSubject(
                      request,
                      build.platform(),
                      image,
                      rootfs.path(),
                      build.pins(),
                      build.definition(),
                      contextFacts,
                      started));
        }
      }
      anyAttestation |= !attested.isEmpty();
      made.add(image);
      // in the index, the platform the build was asked for (BuildKit's entries name no arm64 v8)
      parts.add(
          new PlatformIndex.Part(image.descriptor().withPlatform(build.platform()), attested));
    }
    if (builds.size() == 1 && !anyAttestation) {
      return new Exported(made.getFirst().descriptor(), made, parts);
    }
    return new Exported(PlatformIndex.write(content, parts, annotations), made, parts);
  }

  /** The result's digests and the metadata buildx writes with --metadata-file. */
  private static void describe(
      BuildResult.Builder result,
      SolveRequest request,
      Exported exported,
      List<PlatformBuild> builds) {
    Image first = exported.images().getFirst();
    long size =
        exported.isIndex()
            ? sizeOfDistinctLayers(exported.images())
            : first.layers().stream().mapToLong(Descriptor::size).sum();
    String digest = exported.root().digest().toString();
    result.setImageDigest(digest).setSizeBytes(size).putMetadata("containerimage.digest", digest);
    if (!exported.isIndex()) {
      // as buildx: for one image, its config too; for an index, only the index's digest
      result
          .setConfigDigest(first.configDescriptor().digest().toString())
          .putMetadata(
              "containerimage.config.digest", first.configDescriptor().digest().toString());
    }
    for (int i = 0; i < exported.images().size(); i++) {
      Image image = exported.images().get(i);
      PlatformIndex.Part part = exported.parts().get(i);
      var platform =
          dev.slipway.api.control.v1.PlatformResult.newBuilder()
              .setPlatform(builds.get(i).platform().toString())
              .setDigest(image.descriptor().digest().toString())
              .setConfigDigest(image.configDescriptor().digest().toString())
              .setSizeBytes(image.layers().stream().mapToLong(Descriptor::size).sum());
      if (!part.attestations().isEmpty()) {
        platform.setAttestationDigest(part.attestations().getFirst().digest().toString());
      }
      result.addPlatforms(platform);
    }
    // as buildx: the descriptor of the manifest (with its platform) or of the index
    result.putMetadata(
        "containerimage.descriptor",
        new String(CanonicalJson.write(exported.root()), StandardCharsets.UTF_8));
    String dockerfile =
        request.getDockerfile().hasPath() && !request.getDockerfile().getPath().isEmpty()
            ? request.getDockerfile().getPath()
            : "Dockerfile";
    if (builds.size() == 1) {
      result.putMetadata(
          "buildx.build.provenance",
          BuildProvenance.json(builds.getFirst().pins(), first.platform(), dockerfile));
    } else {
      // as BuildKit for several platforms: one key per platform, with that platform's base images
      for (PlatformBuild build : builds) {
        result.putMetadata(
            "buildx.build.provenance/" + build.platform(),
            BuildProvenance.json(build.pins(), build.platform(), dockerfile));
      }
    }
    List<String> names =
        request.getOutputsList().stream()
            .flatMap(o -> o.getNamesList().stream())
            .distinct()
            .toList();
    if (!names.isEmpty()) {
      result.putMetadata("image.name", String.join(",", names));
    }
  }

  private static long sizeOfDistinctLayers(List<Image> images) {
    return images.stream()
        .flatMap(i -> i.layers().stream())
        .collect(
            java.util.stream.Collectors.toMap(
                Descriptor::digest, Descriptor::size, (a, b) -> a, java.util.LinkedHashMap::new))
        .values()
        .stream()
        .mapToLong(Long::longValue)
        .sum();
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
      Exported exported,
      List<PlatformBuild> builds,
      BuildSession session,
      RegistryAccess registries,
      Optional<Instant> epoch,
      ImageAnnotations annotations,
      List<String> refs,
      ProgressEmitter progress)
      throws BuildFailedException, IOException {
    List<String> names = output.getNamesList();
    Descriptor root = exported.root();
    Transferred transfers =
        new Transferred(
            progress.transfers("export:" + request.getBuildId()),
            output.getType().name() + " " + output.getDest());
    switch (output.getType()) {
      case OUTPUT_TYPE_IMAGE -> {
        for (String name : names) {
          images.tag(name, root, ImageOrigin.BUILT, registries.owner());
        }
        if (output.getPush()) {
          if (names.isEmpty()) {
            throw BuildFailedException.of(
                ErrorKind.ERROR_KIND_INVALID_INPUT,
                "push=true needs at least one image name: add name=REGISTRY/REPO:TAG (or -t)");
          }
          pushes.push(
              root,
              output,
              builds.stream().map(b -> b.definition().root()).toList(),
              registries,
              progress,
              request.getBuildId());
        }
        for (String name : names) {
          refs.add(name + "@" + root.digest());
        }
      }
      case OUTPUT_TYPE_OCI -> {
        Map<String, String> entry =
            exported.isIndex() ? annotations.indexDescriptor() : annotations.manifestDescriptor();
        writeTo(
            output.getDest(),
            session,
            transfers,
            out -> new OciArchiveExporter(content).export(root, names, entry, out));
      }
      case OUTPUT_TYPE_DOCKER -> {
        if (exported.images().size() > 1) {
          // as BuildKit: a docker archive holds single-platform images only
          throw BuildFailedException.of(
              ErrorKind.ERROR_KIND_INVALID_INPUT,
              "docker exporter does not currently support exporting manifest lists: build one"
                  + " --platform for type=docker, or use type=oci or type=image for several");
        }
        Image image = exported.images().getFirst();
        writeTo(
            output.getDest(),
            session,
            transfers,
            out -> new DockerArchiveExporter(content).export(image, names, out));
      }
      case OUTPUT_TYPE_LOCAL, OUTPUT_TYPE_TAR ->
          writeRootfs(output, builds, session, epoch, transfers);
      default ->
          throw BuildFailedException.of(
              ErrorKind.ERROR_KIND_INVALID_INPUT, "unknown output type " + output.getType());
    }
  }

  /**
   * The {@code local} and {@code tar} outputs: the root filesystem, or with several platforms one
   * directory per platform ({@code linux_amd64/}, {@code linux_arm64/}) as BuildKit writes them.
   */
  private void writeRootfs(
      Output output,
      List<PlatformBuild> builds,
      BuildSession session,
      Optional<Instant> epoch,
      Transferred transfers)
      throws BuildFailedException, IOException {
    List<Rootfs> opened = new ArrayList<>();
    try {
      Map<String, Path> roots = new java.util.LinkedHashMap<>();
      for (PlatformBuild build : builds) {
        Rootfs rootfs = rootfs(build);
        opened.add(rootfs);
        roots.put(
            builds.size() == 1 ? "" : PlatformIndex.directory(build.platform()), rootfs.path());
      }
      if (output.getType() == dev.slipway.api.control.v1.OutputType.OUTPUT_TYPE_LOCAL) {
        for (Map.Entry<String, Path> root : roots.entrySet()) {
          Path dest = Path.of(output.getDest());
          RootfsExporter.toDirectory(
              root.getValue(), root.getKey().isEmpty() ? dest : dest.resolve(root.getKey()));
        }
      } else {
        writeTo(
            output.getDest(),
            session,
            transfers,
            out -> RootfsExporter.toTar(roots, out, epoch.map(FileTime::from)));
      }
    } finally {
      for (Rootfs rootfs : opened) {
        rootfs.close();
      }
    }
  }

  /** A platform's final root filesystem, read-only, until closed. */
  private interface Rootfs extends AutoCloseable {
    Path path();

    @Override
    void close() throws IOException;
  }

  private Rootfs rootfs(PlatformBuild build) throws IOException {
    String key = build.solved().get(build.definition().root().cacheKey()).snapshotKey();
    if (key == null) { // FROM scratch with nothing added: an empty filesystem
      Path empty = Files.createTempDirectory(tmp, "empty-");
      return new Rootfs() {
        @Override
        public Path path() {
          return empty;
        }

        @Override
        public void close() throws IOException {
          Files.deleteIfExists(empty);
        }
      };
    }
    SnapshotView view = snapshots.view(key);
    return new Rootfs() {
      @Override
      public Path path() {
        return view.rootfs();
      }

      @Override
      public void close() throws IOException {
        view.close();
      }
    };
  }

  /** Where an output's bytes are counted, and the transfer's id within the export step. */
  private record Transferred(TransferScope scope, String id) {}

  /**
   * Writes to a destination file (atomically) or, for a destination with the client (its standard
   * output, or a file of a remote client), to a stream the session sends to the client; the bytes
   * written are counted as the export's transfer.
   */
  private static void writeTo(
      String dest, BuildSession session, Transferred transfers, AtomicFile.Writer writer)
      throws BuildFailedException, IOException {
    OutputDestination destination = OutputDestination.parse(dest);
    boolean engineFile = destination instanceof OutputDestination.EnginePath;
    TransferMeter meter =
        transfers
            .scope()
            .start(
                TransferKind.TRANSFER_KIND_EXPORT,
                transfers.id(),
                engineFile ? "writing tarball" : "sending tarball",
                0);
    if (destination instanceof OutputDestination.EnginePath file) {
      AtomicFile.write(Path.of(file.path()), out -> writer.writeTo(meter.counting(out)));
      meter.complete();
      return;
    }
    try (OutputStream out = session.outputStream(destination)) {
      writer.writeTo(meter.counting(out));
    } catch (SessionException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_SESSION, e.getMessage());
    }
    meter.complete();
  }

  private static LayerCompression compression(String name) {
    return switch (name) {
      case "zstd" -> LayerCompression.zstd(3);
      case "uncompressed" -> LayerCompression.none();
      default -> LayerCompression.parallelGzip(6);
    };
  }

  /**
   * The request's --annotation values, checked; index annotations only when the build will write an
   * index (several platforms or attestations), as BuildKit.
   */
  public static ImageAnnotations annotations(SolveRequest request) throws BuildFailedException {
    ImageAnnotations annotations;
    try {
      annotations = ImageAnnotations.of(request.getAnnotationsList());
    } catch (IllegalArgumentException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
    }
    if (annotations.needIndex()
        && request.getPlatformsCount() <= 1
        && !attestationsAsked(request)) {
      String key =
          request.getAnnotationsList().stream()
              .filter(
                  a ->
                      a.getLevel() == AnnotationLevel.ANNOTATION_LEVEL_INDEX
                          || a.getLevel() == AnnotationLevel.ANNOTATION_LEVEL_INDEX_DESCRIPTOR)
              .findFirst()
              .map(dev.slipway.api.control.v1.Annotation::getKey)
              .orElse("");
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_INVALID_INPUT, ImageAnnotations.noIndexMessage(key));
    }
    return annotations;
  }

  private static boolean attestationsAsked(SolveRequest request) {
    return request.getAttestations().getSbom()
        || !request.getAttestations().getProvenanceMode().isEmpty();
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
