package dev.slipway.engine.sign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.registry.ImageName;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The payload cosign signs for an image: the "simple signing" claim that the manifest of this
 * digest is an image of this repository, byte for byte as cosign writes it (Go's encoding/json:
 * fields in this order, no spaces, {@code "optional":null} when there are no annotations).
 */
final class SimpleSigningPayload {
  static final String TYPE = "cosign container image signature";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SimpleSigningPayload() {}

  static byte[] of(ImageName repository, Digest digest) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode critical = root.putObject("critical");
    critical.putObject("identity").put("docker-reference", dockerReference(repository));
    critical.putObject("image").put("docker-manifest-digest", digest.toString());
    critical.put("type", TYPE);
    root.putNull("optional");
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The repository as go-containerregistry names it (what cosign puts there by default): Docker
   * Hub's registry is {@code index.docker.io}.
   */
  static String dockerReference(ImageName name) {
    String registry = name.registry().equals("docker.io") ? "index.docker.io" : name.registry();
    return registry + "/" + name.repository();
  }
}
