package dev.slipway.engine.cache;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.InvalidContentException;
import dev.slipway.engine.image.Manifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exported form of a build's cache: an OCI manifest whose layers are the step layer blobs and
 * whose config ({@value #CONFIG_MEDIA_TYPE}) maps each step's runtime cache key to its layer and to
 * the key of the step it was applied on. A builder that imports it can rebuild a step's filesystem
 * from its parent's snapshot plus the layer instead of running the step.
 *
 * <p>Config document: {@code {"records":[{"key":K,"parent":P,"layer":DESCRIPTOR,"diffID":D}]}},
 * records in build order, {@code parent} absent for steps on an empty filesystem.
 */
public final class CacheManifest {
  /** Our own media type: the records are Slipway runtime keys, not BuildKit's. */
  public static final String CONFIG_MEDIA_TYPE = "application/vnd.slipway.cache.config.v1+json";

  private CacheManifest() {}

  /** One cached step: its runtime key, its parent's, and the blob of its layer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Entry(
      @JsonProperty("key") String key,
      @JsonProperty("parent") String parent,
      @JsonProperty("layer") Descriptor layer,
      @JsonProperty("diffID") String diffId) {}

  record Config(@JsonProperty("records") List<Entry> records) {}

  public static byte[] config(List<Entry> entries) {
    return CanonicalJson.write(new Config(entries));
  }

  public static List<Entry> parseConfig(byte[] json, String where) throws InvalidContentException {
    Config c = CanonicalJson.read(json, Config.class, "cache config in " + where);
    return c.records() == null ? List.of() : c.records();
  }

  /** The manifest for a config blob and its entries' distinct layers. */
  public static Manifest manifest(Descriptor config, List<Entry> entries) {
    Map<String, Descriptor> layers = new LinkedHashMap<>();
    for (Entry e : entries) {
      layers.putIfAbsent(e.layer().digest().toString(), e.layer());
    }
    return Manifest.oci(config, new ArrayList<>(layers.values()));
  }
}
