package dev.slipway.api.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One resource limit of RUN processes (docker buildx build --ulimit NAME=SOFT:HARD). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RunUlimit {

  @Required
  @Pattern("^[a-z]{1,16}$")
  @JsonPropertyDescription("Limit name as ulimit names it: nofile, nproc, core, stack, ...")
  private String name;

  @Required
  @Min(-1)
  @JsonPropertyDescription("Soft limit; -1 for unlimited.")
  private Long soft;

  @Required
  @Min(-1)
  @JsonPropertyDescription("Hard limit; -1 for unlimited.")
  private Long hard;

  public RunUlimit() {}

  public RunUlimit(String name, Long soft, Long hard) {
    this.name = name;
    this.soft = soft;
    this.hard = hard;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Long getSoft() {
    return soft;
  }

  public void setSoft(Long soft) {
    this.soft = soft;
  }

  public Long getHard() {
    return hard;
  }

  public void setHard(Long hard) {
    this.hard = hard;
  }
}
