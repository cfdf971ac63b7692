package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The result of a build. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildResultStatus {

  @JsonPropertyDescription("Digest of the image manifest (or index), sha256:<hex>.")
  private String digest;

  @JsonPropertyDescription("The first image name, for display.")
  private String image;

  @JsonPropertyDescription("Image references written, name@digest.")
  private List<String> refs;

  @JsonPropertyDescription("Compressed size of the image's layers.")
  private Long sizeBytes;

  public String getDigest() {
    return digest;
  }

  public void setDigest(String digest) {
    this.digest = digest;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public List<String> getRefs() {
    return refs;
  }

  public void setRefs(List<String> refs) {
    this.refs = refs;
  }

  public Long getSizeBytes() {
    return sizeBytes;
  }

  public void setSizeBytes(Long sizeBytes) {
    this.sizeBytes = sizeBytes;
  }
}
