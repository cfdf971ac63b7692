package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Step counts of a build. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildSteps {

  @JsonPropertyDescription("Steps in the build graph.")
  private Integer total;

  @JsonPropertyDescription("Steps answered from the cache.")
  private Integer cached;

  @JsonPropertyDescription("Steps finished (cached ones included).")
  private Integer done;

  public Integer getTotal() {
    return total;
  }

  public void setTotal(Integer total) {
    this.total = total;
  }

  public Integer getCached() {
    return cached;
  }

  public void setCached(Integer cached) {
    this.cached = cached;
  }

  public Integer getDone() {
    return done;
  }

  public void setDone(Integer done) {
    this.done = done;
  }
}
