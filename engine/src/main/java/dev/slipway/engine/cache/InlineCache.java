package dev.slipway.engine.cache;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.InvalidContentException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cache an image carries in its own config ({@code --cache-to type=inline}), in BuildKit's
 * format: the field {@value #FIELD} holds, base64-encoded, the JSON array of the cache's records (a
 * step's key, the index of its result's layer in the image's own layer chain, a link to the record
 * of the step it was applied on); the layers are the image's. The keys are Slipway's runtime keys,
 * which are not BuildKit's (those hash BuildKit's own op definitions), so each tool reads the
 * other's inline cache without error but finds no step of its own in it.
 */
public final class InlineCache {
  /** BuildKit's image config field for an inline cache. */
  public static final String FIELD = "moby.buildkit.cache.v0";

  private InlineCache() {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Record(
      @JsonProperty("digest") String digest,
      @JsonProperty("layers") List<Result> results,
      @JsonProperty("inputs") List<List<Link>> inputs) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Result(@JsonProperty("layer") int layer) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Link(@JsonProperty("selector") String selector, @JsonProperty("link") int link) {}

  /**
   * {@code imageConfig} with {@code entries} added as its inline cache; every entry's layer must be
   * one of {@code imageLayers} (the image's own, bottom first).
   */
  public static byte[] write(
      byte[] imageConfig, List<Descriptor> imageLayers, List<CacheManifest.Entry> entries)
      throws InvalidContentException {
    Map<String, Integer> layerIndex = new HashMap<>();
    for (int i = 0; i < imageLayers.size(); i++) {
      layerIndex.putIfAbsent(imageLayers.get(i).digest().toString(), i);
    }
    List<Record> records = new ArrayList<>();
    Map<String, Integer> recordIndex = new HashMap<>();
    for (CacheManifest.Entry e : entries) {
      Integer layer = layerIndex.get(e.layer().digest().toString());
      if (layer == null) {
        throw new InvalidContentException(
            "inline cache entry " + e.key() + " has a layer the image does not carry");
      }
      List<List<Link>> inputs = List.of();
      if (e.parent() != null) {
        // a parent that is no step of its own (a base image) is a record without a result
        Integer parent = recordIndex.get(e.parent());
        if (parent == null) {
          parent = records.size();
          records.add(new Record(e.parent(), List.of(), List.of()));
          recordIndex.put(e.parent(), parent);
        }
        inputs = List.of(List.of(new Link("", parent)));
      }
      recordIndex.put(e.key(), records.size());
      records.add(new Record(e.key(), List.of(new Result(layer)), inputs));
    }
    try {
      ObjectNode node = (ObjectNode) CanonicalJson.mapper().readTree(imageConfig);
      // base64 of the JSON, as BuildKit marshals its []byte
      node.put(FIELD, CanonicalJson.write(records));
      return CanonicalJson.write(node);
    } catch (IOException | ClassCastException e) {
      throw new InvalidContentException("cannot add an inline cache to the image config", e);
    }
  }

  /**
   * The steps of an image's inline cache, their layers taken from the image ({@code manifestLayers}
   * and the config's diff IDs); empty when the config carries none. Records in another shape than
   * Slipway writes (BuildKit's own steps with several inputs) are left out.
   */
  public static Optional<List<CacheManifest.Entry>> read(
      byte[] imageConfig, List<Descriptor> manifestLayers, String where)
      throws InvalidContentException {
    try {
      JsonNode root = CanonicalJson.mapper().readTree(imageConfig);
      JsonNode field = root.get(FIELD);
      if (field == null || field.isNull()) {
        return Optional.empty();
      }
      List<Record> records =
          CanonicalJson.mapper()
              .readValue(
                  field.binaryValue(),
                  CanonicalJson.mapper()
                      .getTypeFactory()
                      .constructCollectionType(List.class, Record.class));
      JsonNode diffIds = root.path("rootfs").path("diff_ids");
      List<CacheManifest.Entry> entries = new ArrayList<>();
      for (Record r : records) {
        if (r.results() == null || r.results().size() != 1 || r.digest() == null) {
          continue;
        }
        int layer = r.results().getFirst().layer();
        if (layer < 0 || layer >= manifestLayers.size() || layer >= diffIds.size()) {
          continue;
        }
        String parent = null;
        List<List<Link>> inputs = r.inputs() == null ? List.of() : r.inputs();
        if (inputs.size() > 1 || (inputs.size() == 1 && inputs.getFirst().size() != 1)) {
          continue;
        }
        if (inputs.size() == 1) {
          int link = inputs.getFirst().getFirst().link();
          if (link < 0 || link >= records.size()) {
            continue;
          }
          parent = records.get(link).digest();
        }
        entries.add(
            new CacheManifest.Entry(
                r.digest(), parent, manifestLayers.get(layer), diffIds.get(layer).asText()));
      }
      return Optional.of(entries);
    } catch (IOException e) {
      throw new InvalidContentException("the inline cache in " + where + " is not valid", e);
    }
  }
}
