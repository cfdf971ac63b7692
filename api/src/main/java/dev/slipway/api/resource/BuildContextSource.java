package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Where the build context comes from; exactly one source is set. */
@ValidationRule(
    value =
        "[has(self.git), has(self.http), has(self.configMap), has(self.image), has(self.client)].filter(x, x).size() == 1",
    message = "context needs exactly one source: git, http, configMap, image or client")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildContextSource {

  @JsonPropertyDescription("A git repository.")
  private GitContext git;

  @JsonPropertyDescription("A tarball (or a single Dockerfile) over http(s).")
  private HttpContext http;

  @JsonPropertyDescription("The files of a ConfigMap in the same namespace.")
  private ConfigMapContext configMap;

  @JsonPropertyDescription("The filesystem of an image or OCI artifact.")
  private ImageContext image;

  @JsonPropertyDescription(
      "Files on the machine of the slipway CLI that created this BuildRequest, pulled "
          + "through its session as the build needs them.")
  private ClientContext client;

  public GitContext getGit() {
    return git;
  }

  public void setGit(GitContext git) {
    this.git = git;
  }

  public HttpContext getHttp() {
    return http;
  }

  public void setHttp(HttpContext http) {
    this.http = http;
  }

  public ConfigMapContext getConfigMap() {
    return configMap;
  }

  public void setConfigMap(ConfigMapContext configMap) {
    this.configMap = configMap;
  }

  public ImageContext getImage() {
    return image;
  }

  public void setImage(ImageContext image) {
    this.image = image;
  }

  public ClientContext getClient() {
    return client;
  }

  public void setClient(ClientContext client) {
    this.client = client;
  }
}
