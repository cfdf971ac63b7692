package dev.slipway.engine.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * HEALTHCHECK settings as Docker stores them: durations in nanoseconds, zero meaning "inherit"; a
 * test of {@code ["NONE"]} disables a check inherited from the base image.
 */
@JsonInclude(JsonInclude.Include.NON_DEFAULT)
@JsonIgnoreProperties(ignoreUnknown = true)
public record HealthConfig(
    @JsonProperty("Test") List<String> test,
    @JsonProperty("Interval") long intervalNanos,
    @JsonProperty("Timeout") long timeoutNanos,
    @JsonProperty("StartPeriod") long startPeriodNanos,
    @JsonProperty("StartInterval") long startIntervalNanos,
    @JsonProperty("Retries") int retries) {

  public HealthConfig {
    test = test == null ? List.of() : List.copyOf(test);
  }
}
