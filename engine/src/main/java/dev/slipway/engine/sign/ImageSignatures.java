package dev.slipway.engine.sign;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.registry.ImageName;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.solver.ProgressEmitter;
import dev.slipway.session.BuildSession;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code SolveRequest.signing_key_secret_id} asks of one build: the key, read from the build's
 * session before anything runs (a bad key fails the build at once, not after it), and a cosign
 * signature of the pushed image or index in each repository it was pushed to.
 */
public final class ImageSignatures {
  private static final ImageSignatures NONE = new ImageSignatures(null, null);

  private final SigningKey key;
  private final CosignSigner signer;

  private ImageSignatures(SigningKey key, CosignSigner signer) {
    this.key = key;
    this.signer = signer;
  }

  /** Reads the request's signing key from the session; no signing when the request names none. */
  public static ImageSignatures open(
      SolveRequest request, BuildSession session, CosignSigner signer) throws BuildFailedException {
    String id = request.getSigningKeySecretId();
    if (id.isEmpty()) {
      return NONE;
    }
    if (pushed(request).isEmpty()) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_INVALID_INPUT,
          "signing needs a pushed image: add --push (or an image output with push=true)");
    }
    Optional<byte[]> pem;
    try {
      pem = session.secret(id);
    } catch (SessionException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_SESSION,
          "cannot get the signing key (secret " + id + ") from the client: " + e.getMessage());
    }
    if (pem.isEmpty()) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_SESSION,
          "the client does not serve the signing key (secret " + id + ")");
    }
    byte[] bytes = pem.get();
    try {
      return new ImageSignatures(SigningKey.parse(bytes), signer);
    } catch (InvalidSigningKeyException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * Signs {@code result}'s image (the digest every image output pushed) once per repository it went
   * to, one progress step each, and adds the signatures to the result.
   */
  public BuildResult sign(
      BuildResult result, SolveRequest request, RegistryAccess access, ProgressEmitter progress)
      throws BuildFailedException {
    if (key == null) {
      return result;
    }
    Digest digest = Digest.parse(result.getImageDigest());
    BuildResult.Builder signed = result.toBuilder();
    for (ImageName repository : pushed(request).values()) {
      String title =
          "signing " + repository.registry() + "/" + repository.repository() + "@" + digest;
      String id = "sign:" + request.getBuildId() + ":" + title;
      Instant started = Instant.now();
      progress.step(id, title, VertexState.VERTEX_STATE_STARTED, started, null);
      try {
        signed.addSignatures(signer.sign(repository, digest, key, access));
      } catch (IOException e) {
        progress.step(id, title, VertexState.VERTEX_STATE_ERROR, started, e.getMessage());
        throw BuildFailedException.of(
            ErrorKind.ERROR_KIND_REGISTRY,
            "failed to push the signature of " + repository + ": " + e.getMessage());
      }
      progress.step(id, title, VertexState.VERTEX_STATE_DONE, started, null);
    }
    return signed.build();
  }

  /** The repositories the request pushes to, each once, by registry/repository. */
  private static Map<String, ImageName> pushed(SolveRequest request) throws BuildFailedException {
    Map<String, ImageName> repositories = new LinkedHashMap<>();
    for (Output output : request.getOutputsList()) {
      if (output.getType() != OutputType.OUTPUT_TYPE_IMAGE || !output.getPush()) {
        continue;
      }
      for (String name : output.getNamesList()) {
        ImageName parsed;
        try {
          parsed = ImageName.parse(name);
        } catch (IllegalArgumentException e) {
          throw BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, e.getMessage());
        }
        repositories.putIfAbsent(parsed.registry() + "/" + parsed.repository(), parsed);
      }
    }
    return repositories;
  }
}
