package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.Quantity;

/** The build cache of each builder pod, on a PersistentVolumeClaim of its own. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuilderCache {

  @Default("20Gi")
  @JsonPropertyDescription("Size of each pod's cache volume. Default 20Gi.")
  private Quantity size = new Quantity("20Gi");

  @JsonPropertyDescription("StorageClass of the cache volumes. Default: the cluster's default.")
  private String storageClassName;

  @JsonPropertyDescription(
      "Keep at most this much cache; older entries are collected first. Default: 80% of size.")
  private Quantity keepBytes;

  @Pattern("^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")
  @JsonPropertyDescription(
      "Collect cache entries unused for longer than this Go-style duration (e.g. 168h)."
          + " Default: no age limit.")
  private String keepDuration;

  public Quantity getSize() {
    return size;
  }

  public void setSize(Quantity size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  public Quantity getKeepBytes() {
    return keepBytes;
  }

  public void setKeepBytes(Quantity keepBytes) {
    this.keepBytes = keepBytes;
  }

  public String getKeepDuration() {
    return keepDuration;
  }

  public void setKeepDuration(String keepDuration) {
    this.keepDuration = keepDuration;
  }
}
