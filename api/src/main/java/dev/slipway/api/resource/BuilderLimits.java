package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * What one build may make a builder pod hold, so that one build cannot exhaust what every build on
 * the pod shares. Unset fields keep the builder's defaults; a build over a limit fails with a
 * message that names it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuilderLimits {

  @JsonPropertyDescription(
      "Largest file one ADD <url> (or an http context) may download, e.g. 2Gi. Default 8Gi.")
  private Quantity maxDownloadSize;

  @JsonPropertyDescription(
      "Most one archive (ADD of a tarball, an http context) may expand to on disk. Default 8Gi.")
  private Quantity maxArchiveSize;

  @JsonPropertyDescription(
      "Output one build step may log before its log is clipped with a message. Default 2Mi.")
  private Quantity maxLogSizePerStep;

  public Quantity getMaxDownloadSize() {
    return maxDownloadSize;
  }

  public void setMaxDownloadSize(Quantity maxDownloadSize) {
    this.maxDownloadSize = maxDownloadSize;
  }

  public Quantity getMaxArchiveSize() {
    return maxArchiveSize;
  }

  public void setMaxArchiveSize(Quantity maxArchiveSize) {
    this.maxArchiveSize = maxArchiveSize;
  }

  public Quantity getMaxLogSizePerStep() {
    return maxLogSizePerStep;
  }

  public void setMaxLogSizePerStep(Quantity maxLogSizePerStep) {
    this.maxLogSizePerStep = maxLogSizePerStep;
  }
}
