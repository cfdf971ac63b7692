package dev.slipway.api.resource;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations in Builder fields, written the way Kubernetes users write them ({@code 30s}, {@code
 * 5m}, {@code 1h}, {@code 1h30m}): whole hours, minutes and seconds, largest unit first. The CRDs
 * check the same {@link #PATTERN}; this parser is for the operator, which must not trust that an
 * API server ran the check.
 */
public final class Durations {

  /** What the CRDs accept; keep in step with {@link #parse}. */
  public static final String PATTERN = "^([0-9]+h([0-9]+m)?([0-9]+s)?|[0-9]+m([0-9]+s)?|[0-9]+s)$";

  private static final Pattern VALID = Pattern.compile(PATTERN);
  private static final Pattern PARTS = Pattern.compile("([0-9]+h)?([0-9]+m)?([0-9]+s)?");

  private Durations() {}

  /**
   * @param field the field's path, for the message (e.g. {@code spec.autoscaling.scaleDownDelay})
   * @throws IllegalArgumentException naming the field and the accepted forms
   */
  public static Duration parse(String field, String value) {
    if (value == null || !VALID.matcher(value).matches()) {
      throw notADuration(field, value);
    }
    Matcher m = PARTS.matcher(value);
    m.matches();
    try {
      return Duration.ofHours(part(m.group(1)))
          .plusMinutes(part(m.group(2)))
          .plusSeconds(part(m.group(3)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw notADuration(field, value);
    }
  }

  private static IllegalArgumentException notADuration(String field, String value) {
    return new IllegalArgumentException(
        field
            + ": "
            + (value == null ? "no value" : "\"" + value + "\"")
            + " is not a duration; write whole hours, minutes and seconds like 30s, 5m, 1h or"
            + " 1h30m");
  }

  private static long part(String group) {
    return group == null ? 0 : Long.parseLong(group.substring(0, group.length() - 1));
  }
}
