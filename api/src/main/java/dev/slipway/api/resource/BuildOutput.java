package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One destination of a build's result. */
@ValidationRule(
    value = "self.type != 'image' || (has(self.names) && size(self.names) > 0)",
    message = "an image output needs at least one name")
@ValidationRule(
    value = "self.type == 'image' || has(self.dest)",
    message = "oci, docker, local and tar outputs need dest")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildOutput {

  @Required
  @JsonPropertyDescription(
      "image (push to a registry), oci or docker (image archive), local (the root "
          + "filesystem as files) or tar (the root filesystem as a tar).")
  private OutputType type;

  @JsonPropertyDescription("Image names for type image, e.g. registry.example.com/team/app:1.2.")
  private List<String> names;

  @Default("true")
  @JsonPropertyDescription("Push the image (type image). Default true.")
  private Boolean push = true;

  @JsonPropertyDescription(
      "PersistentVolumeClaim of the request's namespace that receives an oci, docker, local or"
          + " tar output at dest. The builder pod (shared by many builds) never mounts it: it"
          + " streams the output to the operator, which writes it through a short-lived writer"
          + " pod in this namespace that mounts the claim (the builder's image, user and group"
          + " 65532, no capabilities), so the claim must be writable by that user or group;"
          + " the request succeeds once every output is written. Omit for client contexts: the"
          + " output is sent back to the CLI.")
  private String volumeClaimName;

  @JsonPropertyDescription(
      "Path inside the volume (relative, without .., through no symlink; parents are created)"
          + " or on the client, for oci, docker, local and tar outputs. An archive replaces the"
          + " file there when complete; a local output is unpacked into the directory.")
  private String dest;

  @Default("gzip")
  @JsonPropertyDescription("Layer compression: gzip (default), zstd or uncompressed.")
  private Compression compression = Compression.GZIP;

  public OutputType getType() {
    return type;
  }

  public void setType(OutputType type) {
    this.type = type;
  }

  public List<String> getNames() {
    return names;
  }

  public void setNames(List<String> names) {
    this.names = names;
  }

  public Boolean getPush() {
    return push;
  }

  public void setPush(Boolean push) {
    this.push = push;
  }

  public String getVolumeClaimName() {
    return volumeClaimName;
  }

  public void setVolumeClaimName(String volumeClaimName) {
    this.volumeClaimName = volumeClaimName;
  }

  public String getDest() {
    return dest;
  }

  public void setDest(String dest) {
    this.dest = dest;
  }

  public Compression getCompression() {
    return compression;
  }

  public void setCompression(Compression compression) {
    this.compression = compression;
  }
}
