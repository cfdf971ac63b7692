package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A tarball or Dockerfile over http(s) as build context. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HttpContext {

  @Required
  @Pattern("^https?://.+")
  @JsonPropertyDescription(
      "http(s) URL of a tar archive (any compression Docker reads) or a single " + "Dockerfile.")
  private String url;

  @Pattern("^sha256:[a-f0-9]{64}$")
  @JsonPropertyDescription("Expected digest of the download, sha256:<hex>.")
  private String checksum;

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getChecksum() {
    return checksum;
  }

  public void setChecksum(String checksum) {
    this.checksum = checksum;
  }
}
