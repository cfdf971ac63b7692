package dev.slipway.engine.attest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.export.ImageAttestations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * BuildKit's attestation manifest of one platform image: an OCI manifest with artifactType {@code
 * application/vnd.docker.attestation.manifest.v1+json}, the empty config (inline {@code e30=}), one
 * {@code application/vnd.in-toto+json} layer per in-toto statement annotated with its predicate
 * type, and the image manifest as its subject. The index lists it with platform unknown/unknown and
 * the two {@code vnd.docker.reference.*} annotations.
 */
final class AttestationManifest {
  static final String ARTIFACT_TYPE = "application/vnd.docker.attestation.manifest.v1+json";
  static final String IN_TOTO = "application/vnd.in-toto+json";
  static final String EMPTY_CONFIG = "application/vnd.oci.empty.v1+json";
  static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  static final String PREDICATE_ANNOTATION = "in-toto.io/predicate-type";
  static final Platform UNKNOWN = new Platform("unknown", "unknown", "");
  // Insertion order, as BuildKit's Go structs write their fields.
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An in-toto statement about {@code subjects} (name → sha256 hex). */
  record Statement(String predicateType, JsonNode predicate) {}

  private AttestationManifest() {}

  static byte[] statement(Statement s, Map<String, String> subjects) {
    ObjectNode st = JSON.createObjectNode();
    st.put("_type", STATEMENT_TYPE);
    st.put("predicateType", s.predicateType());
    ArrayNode subject = st.putArray("subject");
    subjects.forEach(
        (name, hex) ->
            subject.addObject().put("name", name).putObject("digest").put("sha256", hex));
    st.set("predicate", s.predicate());
    return bytes(st);
  }

  /** Writes the statements and the manifest into {@code content}; returns the index entry. */
  static Descriptor write(
      ContentStore content,
      Descriptor image,
      List<Statement> statements,
      Map<String, String> subjects)
      throws IOException {
    byte[] empty = "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    content.ingest(empty);
    ObjectNode m = JSON.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    m.put("artifactType", ARTIFACT_TYPE);
    descriptor(m.putObject("config"), Descriptor.of(EMPTY_CONFIG, empty)).put("data", "e30=");
    ArrayNode layers = m.putArray("layers");
    for (Statement s : statements) {
      byte[] blob = statement(s, subjects);
      content.ingest(blob);
      descriptor(layers.addObject(), Descriptor.of(IN_TOTO, blob))
          .putObject("annotations")
          .put(PREDICATE_ANNOTATION, s.predicateType());
    }
    descriptor(m.putObject("subject"), image);
    byte[] manifest = bytes(m);
    content.ingest(manifest);
    return Descriptor.of(MediaTypes.OCI_MANIFEST, manifest)
        .withAnnotations(
            Map.of(
                ImageAttestations.REFERENCE_DIGEST,
                image.digest().toString(),
                ImageAttestations.REFERENCE_TYPE,
                ImageAttestations.ATTESTATION_MANIFEST))
        .withPlatform(UNKNOWN);
  }

  private static ObjectNode descriptor(ObjectNode node, Descriptor d) {
    return node.put("mediaType", d.mediaType())
        .put("digest", d.digest().toString())
        .put("size", d.size());
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
