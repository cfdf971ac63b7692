package dev.slipway.engine.content;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An OCI content descriptor: what a manifest, index or layer reference points at. Field order
 * follows the OCI Go types so serialized manifests hash like the ones BuildKit writes.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Descriptor(
    @JsonProperty("mediaType") String mediaType,
    @JsonProperty("digest") Digest digest,
    @JsonProperty("size") long size,
    @JsonProperty("urls") List<String> urls,
    @JsonProperty("annotations") Map<String, String> annotations,
    @JsonProperty("platform") Platform platform,
    @JsonProperty("artifactType") String artifactType) {

  public Descriptor {
    if (digest == null) {
      throw new InvalidDigestException("a descriptor needs a digest");
    }
    if (size < 0) {
      throw new IllegalArgumentException("descriptor " + digest + " has negative size " + size);
    }
    urls = urls == null ? List.of() : List.copyOf(urls);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, null, null, null, null);
  }

  /** A descriptor of the given bytes. */
  public static Descriptor of(String mediaType, byte[] content) {
    return of(mediaType, Digest.of(content), content.length);
  }

  public Descriptor withMediaType(String v) {
    return new Descriptor(v, digest, size, urls, annotations, platform, artifactType);
  }

  public Descriptor withPlatform(Platform v) {
    return new Descriptor(mediaType, digest, size, urls, annotations, v, artifactType);
  }

  public Descriptor withAnnotations(Map<String, String> v) {
    return new Descriptor(mediaType, digest, size, urls, v, platform, artifactType);
  }

  /** A copy with one more annotation (replacing an existing one with the same key). */
  public Descriptor withAnnotation(String key, String value) {
    Map<String, String> a = new TreeMap<>(annotations);
    a.put(key, value);
    return withAnnotations(a);
  }
}
