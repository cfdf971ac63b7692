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
 * An image index: OCI ({@code application/vnd.oci.image.index.v1+json}, also the {@code index.json}
 * of an OCI layout) or a Docker manifest list. Field order follows the OCI Go type.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageIndex(
    @JsonProperty("schemaVersion") int schemaVersion,
    @JsonProperty("mediaType") String mediaType,
    @JsonProperty("artifactType") String artifactType,
    @JsonProperty("manifests") List<Descriptor> manifests,
    @JsonProperty("subject") Descriptor subject,
    @JsonProperty("annotations") Map<String, String> annotations) {

  public ImageIndex {
    manifests = manifests == null ? List.of() : List.copyOf(manifests);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public static ImageIndex oci(List<Descriptor> manifests) {
    return new ImageIndex(2, MediaTypes.OCI_INDEX, null, manifests, null, null);
  }

  public static ImageIndex parse(byte[] json, String where) throws InvalidContentException {
    ImageIndex index = CanonicalJson.read(json, ImageIndex.class, "image index in " + where);
    if (index.schemaVersion != 2) {
      throw new InvalidContentException(
          "image index in "
              + where
              + " has schemaVersion "
              + index.schemaVersion
              + "; only schema 2 is supported");
    }
    if (index.mediaType != null && !MediaTypes.isIndex(index.mediaType)) {
      throw new InvalidContentException(
          "document in " + where + " has media type " + index.mediaType + ", not an image index");
    }
    return index;
  }

  public byte[] toJson() {
    return CanonicalJson.write(this);
  }
}
