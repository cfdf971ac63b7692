package dev.slipway.engine.export;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.PlatformResult;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.image.ImageIndex;
import dev.slipway.engine.image.Manifest;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.registry.ImageName;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.registry.RegistryClient;
import dev.slipway.engine.solver.ProgressEmitter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Serves {@code SolveRequest.assemble_index}, like {@code docker buildx imagetools create}: reads
 * already pushed parts (image manifests, or indexes with their attestation manifests), refuses two
 * images of one platform, writes one OCI index (the platform images in the parts' order, then the
 * attestation manifests, as BuildKit orders them) and pushes it to every image output's names. The
 * last step of a build the operator split per platform.
 */
public final class IndexAssembler {
  /** Parts one assembly takes: far more platforms than anyone builds. */
  static final int MAX_PARTS = 64;

  private final RegistryClient registry;
  private final ContentStore content;
  private final IndexPartReader reader;
  private final RegistryPush pushes;

  public IndexAssembler(RegistryClient registry, ContentStore content) {
    this.registry = registry;
    this.content = content;
    this.reader = new IndexPartReader(registry, content);
    this.pushes = new RegistryPush(registry, content);
  }

  public BuildResult assemble(SolveRequest request, RegistryAccess access, ProgressEmitter progress)
      throws BuildFailedException {
    List<String> parts = request.getAssembleIndex().getPartsList();
    List<Output> outputs = checkOutputs(request);
    ImageAnnotations annotations = annotations(request);
    if (parts.isEmpty() || parts.size() > MAX_PARTS) {
      throw invalid(
          "an index assembly takes 1 to " + MAX_PARTS + " parts; this one has " + parts.size());
    }
    String stepId = "assemble:" + request.getBuildId() + ":";
    Instant started = Instant.now();
    String title = "[assemble] reading " + parts.size() + " part" + (parts.size() == 1 ? "" : "s");
    progress.step(stepId + "read", title, VertexState.VERTEX_STATE_STARTED, started, null);
    List<IndexPart> read = new ArrayList<>();
    try {
      for (String part : parts) {
        ImageName name = IndexPartReader.name(part);
        for (Output output : outputs) {
          for (String target : output.getNamesList()) {
            sameRegistry(part, name, target); // before the build's credentials go anywhere
          }
        }
      }
      for (String part : parts) {
        read.add(reader.read(part, access));
      }
      refuseDuplicatePlatforms(read);
    } catch (BuildFailedException e) {
      progress.step(
          stepId + "read", title, VertexState.VERTEX_STATE_ERROR, started, e.getMessage());
      throw e;
    }
    progress.step(stepId + "read", title, VertexState.VERTEX_STATE_DONE, started, null);

    Descriptor index = writeIndex(read, annotations);
    List<ImageName> sources = read.stream().map(IndexPart::name).distinct().toList();
    fetchBlobsForOtherRepositories(read, outputs, access);
    List<String> refs = new ArrayList<>();
    for (Output output : outputs) {
      pushes.push(
          index,
          output.getNamesList(),
          PushByDigest.of(output),
          sources,
          access,
          progress,
          stepId + "push:",
          "[assemble] pushing index ");
      output.getNamesList().forEach(n -> refs.add(n + "@" + index.digest()));
    }
    return result(index, read, refs, outputs);
  }

  /** An assembly writes image outputs that push, and nothing else: it has no root filesystem. */
  private static List<Output> checkOutputs(SolveRequest request) throws BuildFailedException {
    if (request.getOutputsCount() == 0) {
      throw invalid(
          "an index assembly needs an image output with push=true and a name to push the index to");
    }
    for (Output output : request.getOutputsList()) {
      if (output.getType() != OutputType.OUTPUT_TYPE_IMAGE || !output.getPush()) {
        throw invalid(
            "an index assembly writes only image outputs with push=true (the parts are in a"
                + " registry), not "
                + output.getType().name().replace("OUTPUT_TYPE_", "").toLowerCase(Locale.ROOT)
                + (output.getType() == OutputType.OUTPUT_TYPE_IMAGE ? " without push" : ""));
      }
      if (output.getNamesCount() == 0) {
        throw invalid("an index assembly's image output needs a name: add name=REGISTRY/REPO:TAG");
      }
      for (String name : output.getNamesList()) {
        try {
          ImageName.parse(name);
        } catch (IllegalArgumentException e) {
          throw invalid(e.getMessage());
        }
      }
    }
    return request.getOutputsList();
  }

  /**
   * A part elsewhere than the index's registry would have to be copied across registries with
   * another registry's credentials; refused, so a build only reaches the registry it pushes to.
   */
  private static void sameRegistry(String part, ImageName partName, String output)
      throws BuildFailedException {
    ImageName target = ImageName.parse(output);
    if (!target.registry().equals(partName.registry())) {
      throw invalid(
          "index part "
              + part
              + " is in the registry "
              + partName.registry()
              + ", the index goes to "
              + target.registry()
              + ": push the parts to the registry of the index");
    }
  }

  private static void refuseDuplicatePlatforms(List<IndexPart> parts) throws BuildFailedException {
    Map<String, String> seen = new LinkedHashMap<>();
    for (IndexPart part : parts) {
      for (IndexPart.PlatformImage image : part.images()) {
        String platform = image.descriptor().platform().normalized().toString();
        String where = part.name().toString();
        String before = seen.putIfAbsent(platform, where);
        if (before != null) {
          throw invalid(
              "two parts are images for "
                  + platform
                  + ": "
                  + before
                  + " and "
                  + where
                  + "; an index takes one image per platform");
        }
      }
    }
  }

  /**
   * The request's annotations, as an unsplit build of the same platforms applies them: index ones
   * on the assembled index, manifest-descriptor ones on its platform entries (index-descriptor ones
   * belong to an OCI layout's index.json, which an assembly does not write).
   */
  private static ImageAnnotations annotations(SolveRequest request) throws BuildFailedException {
    try {
      return ImageAnnotations.of(request.getAnnotationsList());
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  private Descriptor writeIndex(List<IndexPart> parts, ImageAnnotations annotations)
      throws BuildFailedException {
    List<Descriptor> manifests = new ArrayList<>();
    for (IndexPart part : parts) {
      for (IndexPart.PlatformImage image : part.images()) {
        Map<String, String> entry = new TreeMap<>(image.descriptor().annotations());
        entry.putAll(annotations.manifestDescriptor());
        manifests.add(image.descriptor().withAnnotations(entry.isEmpty() ? null : entry));
      }
    }
    for (IndexPart part : parts) {
      for (IndexPart.PlatformImage image : part.images()) {
        part.attestationOf(image.descriptor()).ifPresent(manifests::add);
      }
    }
    Map<String, String> indexAnnotations = annotations.index();
    byte[] json =
        new ImageIndex(
                2,
                MediaTypes.OCI_INDEX,
                null,
                manifests,
                null,
                indexAnnotations.isEmpty() ? null : indexAnnotations)
            .toJson();
    try {
      content.ingest(json);
    } catch (IOException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_INTERNAL, "cannot store the assembled index: " + e.getMessage());
    }
    return Descriptor.of(MediaTypes.OCI_INDEX, json);
  }

  /**
   * An index pushed into another repository than a part's needs the part's blobs there: the push
   * mounts them from the part's repository, and uploads them from here when the registry does not
   * mount, so they are fetched first. Within one repository nothing is fetched.
   */
  private void fetchBlobsForOtherRepositories(
      List<IndexPart> parts, List<Output> outputs, RegistryAccess access)
      throws BuildFailedException {
    for (IndexPart part : parts) {
      boolean elsewhere =
          outputs.stream()
              .flatMap(o -> o.getNamesList().stream())
              .map(ImageName::parse)
              .anyMatch(t -> !t.repository().equals(part.name().repository()));
      if (!elsewhere) {
        continue;
      }
      List<Descriptor> manifests = new ArrayList<>();
      part.images().forEach(i -> manifests.add(i.descriptor()));
      manifests.addAll(part.attestations());
      try {
        for (Descriptor m : manifests) {
          Manifest manifest = Manifest.parse(content.read(m.digest()), "manifest " + m.digest());
          List<Descriptor> missing = new ArrayList<>();
          for (Descriptor blob : blobs(manifest)) {
            if (!content.exists(blob.digest()) && !MediaTypes.isForeignLayer(blob.mediaType())) {
              missing.add(blob);
            }
          }
          registry.fetchAll(part.name(), missing, content, access);
        }
      } catch (IOException e) {
        throw BuildFailedException.of(
            ErrorKind.ERROR_KIND_REGISTRY,
            "cannot copy index part " + part.name() + ": " + e.getMessage());
      }
    }
  }

  private static List<Descriptor> blobs(Manifest manifest) {
    List<Descriptor> all = new ArrayList<>(manifest.layers());
    all.add(manifest.config());
    return all;
  }

  private static BuildResult result(
      Descriptor index, List<IndexPart> parts, List<String> refs, List<Output> outputs) {
    BuildResult.Builder result =
        BuildResult.newBuilder().setImageDigest(index.digest().toString()).addAllRefs(refs);
    long size = 0;
    for (IndexPart part : parts) {
      for (IndexPart.PlatformImage image : part.images()) {
        PlatformResult.Builder platform =
            PlatformResult.newBuilder()
                .setPlatform(image.descriptor().platform().toString())
                .setDigest(image.descriptor().digest().toString())
                .setConfigDigest(image.config().toString())
                .setSizeBytes(image.layersSize());
        part.attestationOf(image.descriptor())
            .ifPresent(a -> platform.setAttestationDigest(a.digest().toString()));
        result.addPlatforms(platform);
        size += image.layersSize();
      }
    }
    List<String> names =
        outputs.stream().flatMap(o -> o.getNamesList().stream()).distinct().toList();
    return result
        .setSizeBytes(size)
        .putMetadata("containerimage.digest", index.digest().toString())
        .putMetadata(
            "containerimage.descriptor",
            new String(CanonicalJson.write(index), StandardCharsets.UTF_8))
        .putMetadata("image.name", String.join(",", names))
        .build();
  }

  private static BuildFailedException invalid(String message) {
    return BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, message);
  }
}
