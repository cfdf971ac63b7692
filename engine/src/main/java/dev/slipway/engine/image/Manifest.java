package dev.slipway.engine.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.InvalidContentException;
import dev.slipway.engine.content.MediaTypes;
import java.util.List;
import java.util.Map;

/**
 * An image manifest: OCI ({@code application/vnd.oci.image.manifest.v1+json}) or Docker schema2,
 * which share this shape. Field order follows the OCI Go type so {@link #toJson()} is canonical.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
    @JsonProperty("schemaVersion") int schemaVersion,
    @JsonProperty("mediaType") String mediaType,
    @JsonProperty("artifactType") String artifactType,
    @JsonProperty("config") Descriptor config,
    @JsonProperty("layers") List<Descriptor> layers,
    @JsonProperty("subject") Descriptor subject,
    @JsonProperty("annotations") Map<String, String> annotations) {

  public Manifest {
    layers = layers == null ? List.of() : List.copyOf(layers);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** An OCI image manifest for a config and its layers (bottom first). */
  public static Manifest oci(Descriptor config, List<Descriptor> layers) {
    return new Manifest(2, MediaTypes.OCI_MANIFEST, null, config, layers, null, null);
  }

  /** Parses and checks a manifest; {@code where} names its origin in error messages. */
  public static Manifest parse(byte[] json, String where) throws InvalidContentException {
    Manifest m = CanonicalJson.read(json, Manifest.class, "manifest in " + where);
    if (m.schemaVersion != 2) {
      throw new InvalidContentException(
          "manifest in "
              + where
              + " has schemaVersion "
              + m.schemaVersion
              + "; only schema 2 (OCI or Docker v2) is supported, re-save the image with a newer"
              + " tool");
    }
    if (m.mediaType != null && !MediaTypes.isManifest(m.mediaType)) {
      throw new InvalidContentException(
          "document in " + where + " has media type " + m.mediaType + ", not an image manifest");
    }
    if (m.config == null) {
      throw new InvalidContentException("manifest in " + where + " has no config descriptor");
    }
    return m;
  }

  /** Canonical bytes: hashing them gives this manifest's digest. */
  public byte[] toJson() {
    return CanonicalJson.write(this);
  }

  /** The descriptor of {@link #toJson()}. */
  public Descriptor descriptor() {
    return Descriptor.of(mediaType == null ? MediaTypes.OCI_MANIFEST : mediaType, toJson());
  }
}
