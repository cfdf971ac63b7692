package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One named context (docker buildx build --build-context NAME=VALUE) of a BuildRequest. A cluster
 * cannot read a directory on someone's machine, so a local directory is possible only through the
 * slipway CLI ({@code client}), never named by path.
 */
@ValidationRule(
    value =
        "[has(self.image), has(self.git), has(self.url), has(self.client)].filter(x, x).size() == 1",
    message =
        "a build context needs exactly one of image (a reference, as docker-image://), git (a git URL) or url (an http(s) file); a local directory cannot be read from a cluster, build it with the slipway CLI (--build-context NAME=DIR)")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NamedBuildContext {

  @Pattern("^[^\\s]+$")
  @JsonPropertyDescription(
      "An image reference, e.g. registry.example.com/base:1 or name@sha256:...; as buildx's"
          + " docker-image://REF.")
  private String image;

  @Pattern("^(https?://|git://|ssh://|git@)[^\\s]+$")
  @JsonPropertyDescription(
      "A git repository: https://host/repo.git#ref:subdir, git://..., ssh://... or git@host:repo.")
  private String git;

  @Pattern("^https?://[^\\s]+$")
  @JsonPropertyDescription("An http(s) URL; the context is the downloaded file.")
  private String url;

  @JsonPropertyDescription(
      "true: a directory on the machine of the slipway CLI that created this BuildRequest,"
          + " served through the session of spec.context.client; the CLI sets it.")
  private Boolean client;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getGit() {
    return git;
  }

  public void setGit(String git) {
    this.git = git;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public Boolean getClient() {
    return client;
  }

  public void setClient(Boolean client) {
    this.client = client;
  }
}
