package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** An external build cache (buildx --cache-from / --cache-to). */
@ValidationRule(
    value = "self.type != 'registry' || has(self.ref)",
    message = "a registry cache needs ref")
@ValidationRule(
    value = "self.type != 'local' || (has(self.volumeClaimName) && has(self.path))",
    message = "a local cache needs volumeClaimName and path")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CacheSource {

  @Required
  @JsonPropertyDescription(
      "registry (a cache image), inline (metadata in the pushed image) or local (a "
          + "directory on a volume).")
  private CacheType type;

  @JsonPropertyDescription("Cache image reference, for type registry.")
  private String ref;

  @Default("min")
  @JsonPropertyDescription(
      "min exports the final stage's layers only, max every step. Default min.")
  private CacheMode mode = CacheMode.MIN;

  @JsonPropertyDescription(
      "PersistentVolumeClaim holding the cache directory, for type local. Not supported by"
          + " cluster builds yet: the operator refuses a local cache (a shared builder pod mounts"
          + " no user's claim); use type registry.")
  private String volumeClaimName;

  @JsonPropertyDescription("Directory inside the volume, for type local.")
  private String path;

  public CacheType getType() {
    return type;
  }

  public void setType(CacheType type) {
    this.type = type;
  }

  public String getRef() {
    return ref;
  }

  public void setRef(String ref) {
    this.ref = ref;
  }

  public CacheMode getMode() {
    return mode;
  }

  public void setMode(CacheMode mode) {
    this.mode = mode;
  }

  public String getVolumeClaimName() {
    return volumeClaimName;
  }

  public void setVolumeClaimName(String volumeClaimName) {
    this.volumeClaimName = volumeClaimName;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }
}
