package dev.slipway.engine.export;

import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.registry.ImageName;
import java.util.List;

/**
 * One part of an index assembly as read from the registry: its platform images and the attestation
 * manifests that describe them (with BuildKit's annotations), in the part's order.
 */
record IndexPart(ImageName name, List<PlatformImage> images, List<Descriptor> attestations) {

  /** A platform image of a part: its descriptor (with platform), config digest and layers' size. */
  record PlatformImage(Descriptor descriptor, Digest config, long layersSize) {}

  /** The attestation manifest whose subject is {@code image}, if the part has one. */
  java.util.Optional<Descriptor> attestationOf(Descriptor image) {
    return attestations.stream()
        .filter(
            a ->
                image
                    .digest()
                    .toString()
                    .equals(a.annotations().get(ImageAttestations.REFERENCE_DIGEST)))
        .findFirst();
  }
}
