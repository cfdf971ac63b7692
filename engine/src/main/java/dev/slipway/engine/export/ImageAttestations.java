package dev.slipway.engine.export;

import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.job.BuildFailedException;
import java.io.IOException;
import java.util.List;

/**
 * Makes the attestation manifests (provenance, SBOM) of one platform image. The exporter asks it
 * once per platform, after the image is assembled and before any output is written, and lists what
 * it returns in the image index after the platform manifests.
 */
public interface ImageAttestations {
  ImageAttestations NONE = subject -> List.of();

  /** Annotation naming the image manifest an attestation manifest is about. */
  String REFERENCE_DIGEST = "vnd.docker.reference.digest";

  /** Annotation marking an index entry as an attestation manifest (value below). */
  String REFERENCE_TYPE = "vnd.docker.reference.type";

  String ATTESTATION_MANIFEST = "attestation-manifest";

  /**
   * The attestation manifests of one platform image, already in the content store; each descriptor
   * has platform unknown/unknown and the annotations {@code vnd.docker.reference.digest} = the
   * image manifest's digest and {@code vnd.docker.reference.type} = {@code attestation-manifest}.
   * Empty: none asked for.
   */
  List<Descriptor> attest(AttestationSubject subject) throws IOException, BuildFailedException;
}
