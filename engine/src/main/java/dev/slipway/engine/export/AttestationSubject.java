package dev.slipway.engine.export;

import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.conversion.BuildDefinition;
import dev.slipway.engine.image.BaseImagePins;
import dev.slipway.engine.image.Image;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * What an attestation is about: one platform image of a build and how it was made.
 *
 * @param request the whole request: attestations, build args, dockerfile, context
 * @param platform the image's platform
 * @param image the platform image; its manifest is the subject
 * @param rootfs the image's root filesystem, read-only, valid only during {@code attest()}
 * @param pins the base images of this platform's build, pinned to digests
 * @param definition this platform's converted definition (its steps, for provenance mode=max)
 * @param contextFacts "git.commit", "git.url", "context.digest" when known
 * @param started when the build started
 */
public record AttestationSubject(
    SolveRequest request,
    Platform platform,
    Image image,
    Path rootfs,
    BaseImagePins pins,
    BuildDefinition definition,
    Map<String, String> contextFacts,
    Instant started) {
  public AttestationSubject {
    contextFacts = Map.copyOf(contextFacts);
  }
}
