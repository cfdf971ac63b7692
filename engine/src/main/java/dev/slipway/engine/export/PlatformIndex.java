package dev.slipway.engine.export;

import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.image.ImageIndex;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OCI image index of a build with several platforms or with attestations, laid out as BuildKit
 * writes it: the platform manifests first, in the request's platform order, each with its platform
 * (and the manifest-descriptor annotations), then the attestation manifests.
 */
final class PlatformIndex {
  private PlatformIndex() {}

  /** One platform image of the index: its manifest and the attestation manifests about it. */
  record Part(Descriptor manifest, List<Descriptor> attestations) {
    Part {
      attestations = List.copyOf(attestations);
    }
  }

  static ImageIndex of(List<Part> parts, ImageAnnotations annotations) {
    List<Descriptor> manifests = new ArrayList<>();
    Map<String, String> entry = annotations.manifestDescriptor();
    for (Part part : parts) {
      manifests.add(part.manifest().withAnnotations(entry.isEmpty() ? null : entry));
    }
    for (Part part : parts) {
      manifests.addAll(part.attestations());
    }
    return new ImageIndex(
        2,
        MediaTypes.OCI_INDEX,
        null,
        manifests,
        null,
        annotations.index().isEmpty() ? null : annotations.index());
  }

  /** Stores the index in {@code content} and returns its descriptor. */
  static Descriptor write(ContentStore content, List<Part> parts, ImageAnnotations annotations)
      throws IOException {
    byte[] json = of(parts, annotations).toJson();
    content.ingest(json);
    return Descriptor.of(MediaTypes.OCI_INDEX, json);
  }

  /**
   * The name of a platform's directory in a {@code local} or {@code tar} output of several
   * platforms, as BuildKit names it: {@code linux_amd64}, {@code linux_arm_v7}.
   */
  static String directory(dev.slipway.engine.content.Platform platform) {
    return platform.toString().replace('/', '_');
  }
}
